package importer

import (
	"io"
	"strings"

	"github.com/stopsearch/charter"
)

// CrimeCountFile describes the shape of an MPS crime-count file: its level and
// its month columns in file order. The last month is the file's vintage, which
// the store uses to keep the latest download of each month (downloads revise
// earlier months).
type CrimeCountFile struct {
	Level  charter.Level   // ward (WardCode column present) or borough
	Months []charter.Month // the month columns, rising; the last is the vintage
}

// The fixed columns of the MPS files, as the London Datastore spells them.
const (
	mpsMajor   = "MajorText"
	mpsMinor   = "MinorText"
	mpsWard    = "WardName"
	mpsCode    = "WardCode"
	mpsBorough = "LookUp_BoroughName"
)

// ReadCrimeCounts streams a London Datastore "MPS Ward Level Crime" or "MPS
// Borough Level Crime" CSV (already decompressed) and calls emit once per row
// and month column. name is the file's display name, used in every message.
// emit may keep the pointer it is given.
//
// begin, if not nil, is called with the file's level and months once the
// header is read and before any count is emitted (the store needs the months
// to decide which download each month comes from); its error stops the reading.
//
// Rows it cannot use are returned as rejects; a bad month cell rejects only
// that cell. The error is a *charter.Error (EINVALID) when the file cannot be
// read at all, or the error emit or begin returned, which stops the reading.
func ReadCrimeCounts(r io.Reader, name string, begin func(CrimeCountFile) error, emit func(*charter.CrimeCount) error) (CrimeCountFile, []charter.Reject, error) {
	var file CrimeCountFile
	t := newTableReader(r, name)
	if err := t.readHeader(); err != nil {
		return file, nil, err
	}
	iMajor, iMinor, iUnit := t.col(mpsMajor), t.col(mpsMinor), t.col(mpsBorough)
	iWard, iCode := t.col(mpsWard), t.col(mpsCode)
	required := []string{mpsMajor, mpsMinor, mpsBorough}
	// Either ward column makes it a ward file; then both are needed, so a ward
	// file that lost its codes is refused rather than read as borough counts.
	file.Level = charter.LevelBorough
	if iWard >= 0 || iCode >= 0 {
		file.Level = charter.LevelWard
		required = []string{mpsMajor, mpsMinor, mpsWard, mpsCode, mpsBorough}
	}
	if err := t.requireColumns("an MPS crime-count file", required...); err != nil {
		return file, nil, err
	}

	// Every other column is a month. Columns that start with a digit but are
	// not months would otherwise be dropped silently with their counts, so they
	// are fatal; other unknown columns (a "Total", say) are ignored.
	var monthCols []int
	for i, h := range t.header {
		switch i {
		case iMajor, iMinor, iUnit, iWard, iCode:
			continue
		}
		if h == "" || h[0] < '0' || h[0] > '9' {
			continue
		}
		m, err := charter.ParseMonth(h)
		if err != nil || len(h) != 6 {
			return file, nil, t.fatalf("column %q is not a month (YYYYMM)", t.clipValue(h))
		}
		// Months must rise: the last is the vintage, and a repeated month would
		// be counted twice.
		if n := len(file.Months); n > 0 && m <= file.Months[n-1] {
			return file, nil, t.fatalf("month column %q does not come after %s; months must be in order and not repeat", t.clipValue(h), file.Months[n-1])
		}
		file.Months = append(file.Months, m)
		monthCols = append(monthCols, i)
	}
	if len(file.Months) == 0 {
		return file, nil, t.fatalf("has no month columns (YYYYMM)")
	}
	if begin != nil {
		if err := begin(file); err != nil {
			return file, nil, err
		}
	}

	for {
		rec, err := t.next()
		if err != nil {
			return file, t.rejects, err
		}
		if rec == nil {
			return file, t.rejects, nil
		}
		major, minor := strings.TrimSpace(rec[iMajor]), strings.TrimSpace(rec[iMinor])
		unit := strings.TrimSpace(rec[iUnit])
		var code, area string
		ok := t.nonEmpty(rec, iMajor, "every count needs its major category") &&
			t.nonEmpty(rec, iMinor, "every count needs its minor category") &&
			t.nonEmpty(rec, iUnit, "every count needs the borough (MPS unit) it is filed under")
		if ok && file.Level == charter.LevelWard {
			code, area = strings.TrimSpace(rec[iCode]), strings.TrimSpace(rec[iWard])
			if !isGSSShaped(code) {
				t.reject(iCode, rec[iCode], "is not a GSS ward code (a letter and eight digits, as E05014066)")
				ok = false
			}
		} else if ok {
			// Units that are not boroughs ("London Heathrow and London City
			// Airports") have no code but their counts are real: keep them with
			// an empty code so that London totals stay whole.
			code, _ = charter.LondonBoroughCode(unit)
			area = unit
		}
		if !ok {
			continue
		}
		for k, i := range monthCols {
			n, ok := t.count(rec, i, "offences")
			if !ok {
				continue
			}
			c := &charter.CrimeCount{Level: file.Level, AreaCode: code, AreaName: area, Unit: unit,
				Month: file.Months[k], Major: major, Minor: minor, Count: n}
			if err := emit(c); err != nil {
				return file, t.rejects, err
			}
		}
	}
}

// isGSSShaped reports whether s has the shape of an ONS GSS code: a capital
// letter and eight digits. Whether the entity is known is not checked.
func isGSSShaped(s string) bool {
	if len(s) != 9 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < 9; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
