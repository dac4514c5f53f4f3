package importer

import (
	"io"
	"strings"

	"github.com/stopsearch/charter"
)

// streetCrimeColumns are the columns of a data.police.uk street-level crime
// CSV, in the published order. All but Context are required: a file without
// "Crime type" is an outcomes or stop-and-search file, not street crime.
var streetCrimeColumns = []string{"Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
	"Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"}

// The box a published map point must fall in: the United Kingdom with a
// margin. Points outside it (latitude 999, swapped coordinates) are errors.
const (
	ukMinLat, ukMaxLat = 49.0, 61.5
	ukMinLng, ukMaxLng = -9.0, 2.5
)

// ReadStreetCrimes streams a data.police.uk street-level crime CSV
// ("YYYY-MM-force-street.csv", already decompressed) and calls emit for each
// valid crime, with SourceRow set to its line. name is the file's display
// name, used in every message; emit may keep the pointer it is given.
//
// Rows it cannot use are returned as rejects. The error is a *charter.Error
// (EINVALID) when the file cannot be read at all, or the error emit
// returned, which stops the reading.
func ReadStreetCrimes(r io.Reader, name string, emit func(*charter.StreetCrime) error) ([]charter.Reject, error) {
	t := newTableReader(r, name)
	if err := t.readHeader(); err != nil {
		return nil, err
	}
	if err := t.requireColumns("a data.police.uk street-level crime file", streetCrimeColumns[:11]...); err != nil {
		return nil, err
	}
	col := make([]int, len(streetCrimeColumns))
	for k, c := range streetCrimeColumns {
		col[k] = t.col(c)
	}
	iID, iMonth, iBy, iWithin, iLng, iLat, iLoc, iLSOA, iLSOAName, iType, iOutcome, iContext :=
		col[0], col[1], col[2], col[3], col[4], col[5], col[6], col[7], col[8], col[9], col[10], col[11]
	for {
		rec, err := t.next()
		if rec == nil || err != nil {
			return t.rejects, err
		}
		// data.police.uk always writes YYYY-MM; ParseMonth's other spelling
		// (YYYYMM) would be a sign of an edited file, and ParseMonth lets a
		// sign through ("2023-+1"), hence the digit check.
		ms := strings.TrimSpace(rec[iMonth])
		m, err := charter.ParseMonth(ms)
		if err != nil || len(ms) != 7 || strings.Trim(ms[:4]+ms[5:], "0123456789") != "" {
			t.reject(iMonth, rec[iMonth], "is not a month in the form YYYY-MM")
			continue
		}
		if !t.nonEmpty(rec, iType, "every crime has a type") {
			continue
		}
		c := &charter.StreetCrime{
			CrimeID:     strings.TrimSpace(rec[iID]),
			Month:       m,
			ReportedBy:  strings.TrimSpace(rec[iBy]),
			FallsWithin: strings.TrimSpace(rec[iWithin]),
			LSOACode:    strings.TrimSpace(rec[iLSOA]),
			LSOAName:    strings.TrimSpace(rec[iLSOAName]),
			Category:    strings.TrimSpace(rec[iType]),
			LastOutcome: strings.TrimSpace(rec[iOutcome]),
			SourceRow:   t.line,
		}
		if iContext >= 0 {
			c.Context = strings.TrimSpace(rec[iContext])
		}
		lngS, latS := strings.TrimSpace(rec[iLng]), strings.TrimSpace(rec[iLat])
		switch {
		case lngS == "" && latS == "":
			// Crimes without a map point ("No Location") are published too; they
			// count for the force but for no smaller area.
		case lngS == "":
			t.reject(iLng, rec[iLng], "is empty but Latitude is given; a location needs both")
			continue
		case latS == "":
			t.reject(iLat, rec[iLat], "is empty but Longitude is given; a location needs both")
			continue
		default:
			// parseCoord takes finite decimals only (no NaN, Inf or hex).
			lat, ok := parseCoord(latS)
			if !ok || !(lat >= ukMinLat && lat <= ukMaxLat) {
				t.reject(iLat, rec[iLat], "is not a latitude in the United Kingdom (49 to 61.5)")
				continue
			}
			lng, ok := parseCoord(lngS)
			if !ok || !(lng >= ukMinLng && lng <= ukMaxLng) {
				t.reject(iLng, rec[iLng], "is not a longitude in the United Kingdom (-9 to 2.5)")
				continue
			}
			c.Location = &charter.Location{Latitude: lat, Longitude: lng, StreetName: strings.TrimSpace(rec[iLoc])}
		}
		if err := emit(c); err != nil {
			return t.rejects, err
		}
	}
}
