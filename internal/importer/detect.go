package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/stopsearch/charter"
)

// format is what a source holds, detected from its first bytes.
type format string

const (
	fmtPoliceCSV   format = "police-csv"   // data.police.uk stop-and-search archive
	fmtPoliceJSON  format = "police-json"  // data.police.uk API stops response
	fmtFlatCSV     format = "flat-csv"     // flattened API extraction (ExtractSS)
	fmtStreetCSV   format = "street-csv"   // data.police.uk street-level crime
	fmtCrimeCounts format = "crime-counts" // MPS ward/borough crime counts
	fmtPopulation  format = "census-csv"   // census population by ethnic group
	fmtGeoJSON     format = "geojson"      // boundaries
	// fmtOutcomes is data.police.uk's outcomes CSV, part of every archive
	// download; Charter does not use it yet, so it is passed over, not refused.
	fmtOutcomes format = "outcomes-csv"
)

func (f format) kind() charter.ImportKind {
	switch f {
	case fmtStreetCSV:
		return charter.KindStreetCrime
	case fmtCrimeCounts:
		return charter.KindCrimeCounts
	case fmtPopulation:
		return charter.KindPopulation
	case fmtGeoJSON:
		return charter.KindBoundaries
	}
	return charter.KindStops
}

// detect decides the format of a source from the start of its content, so
// that users need not say what each file is. It names what it expected when
// it cannot tell.
func detect(name string, head []byte) (format, error) {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if len(t) == 0 {
		return "", charter.Errorf(charter.EINVALID, "%s: not a readable file: it is empty", name)
	}
	switch t[0] {
	case '[':
		return fmtPoliceJSON, nil
	case '{':
		if bytes.Contains(head, []byte(`"FeatureCollection"`)) || bytes.Contains(head, []byte(`"Feature"`)) {
			return fmtGeoJSON, nil
		}
		return "", charter.Errorf(charter.EINVALID, "%s: not a readable file: JSON, but neither a GeoJSON FeatureCollection nor a data.police.uk API array", name)
	}
	line := t
	// A line ends at LF, CRLF or a lone CR (old Mac files).
	if i := bytes.IndexAny(t, "\r\n"); i >= 0 {
		line = t[:i]
	}
	if bytes.IndexByte(line, 0) >= 0 || !isText(line) {
		return "", charter.Errorf(charter.EINVALID, "%s: not a readable file: binary content, not CSV or JSON", name)
	}
	header, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return "", charter.Errorf(charter.EINVALID, "%s: not a readable CSV file: %v", name, err)
	}
	has := map[string]bool{}
	for _, h := range header {
		has[strings.ToLower(strings.TrimSpace(h))] = true
	}
	switch {
	case has["legislation"] && has["object of search"] || has["self-defined ethnicity"] || has["outcome linked to object of search"]:
		return fmtPoliceCSV, nil
	case has["self_defined_ethnicity"] || has["location.latitude"] || has["object_of_search"]:
		return fmtFlatCSV, nil
	case has["outcome type"] && has["crime id"]:
		return fmtOutcomes, nil
	case has["crime type"] || has["crime id"] && has["falls within"]:
		return fmtStreetCSV, nil
	case has["majortext"]:
		return fmtCrimeCounts, nil
	case has["observation"] || has["all usual residents"] || has["lad_code"] || has["ethnic group (20 categories)"]:
		return fmtPopulation, nil
	}
	if has["type"] && has["date"] {
		// Looks like a stop-and-search archive with columns missing: let its
		// reader name them.
		return fmtPoliceCSV, nil
	}
	// The file's own text is never repeated: it may be anything (a path
	// given by mistake, a link to a system file), so it is only described.
	return "", charter.Errorf(charter.EINVALID, "%s: not a readable file: its first line (%s) is not the header of any file Charter reads: data.police.uk stop-and-search or street-crime CSV, API JSON, MPS crime counts, census population, GeoJSON", name, describeLine(line, len(header)))
}

// describeLine says what a first line is like without quoting it.
func describeLine(line []byte, fields int) string {
	if fields <= 1 {
		return fmt.Sprintf("%d bytes, no commas", len(line))
	}
	return fmt.Sprintf("%d bytes, %d comma-separated fields", len(line), fields)
}

func isText(b []byte) bool {
	bad := 0
	for _, c := range b {
		if c < 0x09 || c > 0x0d && c < 0x20 {
			bad++
		}
	}
	return bad == 0
}
