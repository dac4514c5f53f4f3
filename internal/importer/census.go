package importer

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// censusYear is the census all three layouts come from.
const censusYear = 2021

// The columns that identify each census layout, as the sources spell them.
var (
	// ONS TS021 in long form: one row per area and category.
	censusTS021Columns = []string{"Lower Tier Local Authorities Code", "Lower Tier Local Authorities",
		"Ethnic group (20 categories) Code", "Ethnic group (20 categories)", "Observation"}
	// The five-group collapse of TS021 (ExtractSS): one row per area.
	censusFiveGroupColumns = []string{"LAD", "LAD_code", "Asian", "Black", "Mixed", "Other", "White"}
	// The London Datastore ward table: one row per ward, 19 category columns.
	censusWardColumns = []string{"ward code", "ward name", "All usual residents"}
)

// censusWardCategories are the 19 categories of the ward table, by code, in
// that table's spelling; the spelling is only used to name missing columns,
// since any spelling charter.CensusCategory resolves is accepted.
var censusWardCategories = []struct{ code, label string }{
	{"W1", "White British"}, {"W2", "White Irish"}, {"W3", "White Gypsy/Irish Traveller"},
	{"W4", "White Roma"}, {"W9", "White Other"}, {"M3", "Mixed White and Asian"},
	{"M2", "Mixed White and Black African"}, {"M1", "Mixed White and Black Caribbean"},
	{"M9", "Mixed Other"}, {"A3", "Asian Bangladeshi"}, {"A4", "Asian Chinese"},
	{"A1", "Asian Indian"}, {"A2", "Asian Pakistani"}, {"A9", "Asian Other"},
	{"B2", "Black African"}, {"B1", "Black Caribbean"}, {"B9", "Black Other"},
	{"O1", "Other Arab"}, {"O9", "Other Any other"},
}

// ReadPopulation streams a Census 2021 ethnic-group table (already
// decompressed) and calls emit once per area and category. name is the file's
// display name, used in every message; emit may keep the pointer it is given.
// The layout is recognised from the header:
//
//   - ONS TS021 by lower-tier local authority, long form (one row per area and
//     category; the "Does not apply" category is skipped);
//   - the five-group wide file (LAD, LAD_code, Asian, Black, Mixed, Other,
//     White), whose Category is the group name;
//   - the London Datastore ward table (ward code, ward name, All usual
//     residents and 19 category columns), whose rows must add up.
//
// Rows it cannot use are returned as rejects. The error is a *charter.Error
// (EINVALID) when the file cannot be read at all, or the error emit
// returned, which stops the reading.
func ReadPopulation(r io.Reader, name string, emit func(*charter.Population) error) ([]charter.Reject, error) {
	t := newTableReader(r, name)
	if err := t.readHeader(); err != nil {
		return nil, err
	}
	// The layout is the one most of whose identifying columns are present,
	// so that a file missing one column is told which, not that it is unknown.
	score := func(cols []string) int {
		n := 0
		for _, c := range cols {
			if t.col(c) >= 0 {
				n++
			}
		}
		return n
	}
	ts021, five, ward := score(censusTS021Columns), score(censusFiveGroupColumns[:2]), score(censusWardColumns)
	var err error
	switch {
	case ts021 == 0 && five == 0 && ward == 0:
		return nil, t.fatalf("is not a census table Charter reads: expected the columns of ONS TS021 (%s), "+
			"of the five-group file (%s) or of the London ward table (%s, and the 19 categories)",
			strings.Join(censusTS021Columns, ", "), strings.Join(censusFiveGroupColumns, ", "), strings.Join(censusWardColumns, ", "))
	case ts021 >= five && ts021 >= ward:
		err = readCensusTS021(t, emit)
	case five >= ward:
		err = readCensusFiveGroup(t, emit)
	default:
		err = readCensusWards(t, emit)
	}
	return t.rejects, err
}

// readCensusTS021 reads the long TS021 layout, one count per row.
func readCensusTS021(t *tableReader, emit func(*charter.Population) error) error {
	if err := t.requireColumns("an ONS TS021 table", censusTS021Columns...); err != nil {
		return err
	}
	iCode, iName := t.col(censusTS021Columns[0]), t.col(censusTS021Columns[1])
	iCatCode, iCat, iObs := t.col(censusTS021Columns[2]), t.col(censusTS021Columns[3]), t.col(censusTS021Columns[4])
	for {
		rec, err := t.next()
		if rec == nil || err != nil {
			return err
		}
		// -8 "Does not apply" is the placeholder ONS puts in every area (always
		// 0); it is not a category of anyone.
		if strings.TrimSpace(rec[iCatCode]) == "-8" {
			continue
		}
		code := strings.TrimSpace(rec[iCode])
		if !t.boroughCode(rec, iCode) {
			continue
		}
		cat, group, ok := charter.CensusCategory(rec[iCat])
		if !ok {
			t.reject(iCat, rec[iCat], "is not one of the Census 2021 ethnic categories")
			continue
		}
		n, ok := t.count(rec, iObs, "residents")
		if !ok {
			continue
		}
		p := &charter.Population{Level: charter.LevelBorough, AreaCode: code, AreaName: strings.TrimSpace(rec[iName]),
			Category: cat, Group: group, Count: n, Census: censusYear}
		if err := emit(p); err != nil {
			return err
		}
	}
}

// readCensusFiveGroup reads the five-group wide layout. A row with any bad
// cell is refused whole: an area with a group missing would understate its
// total population, which every "all people" rate divides by.
func readCensusFiveGroup(t *tableReader, emit func(*charter.Population) error) error {
	if err := t.requireColumns("a five-group census table", censusFiveGroupColumns...); err != nil {
		return err
	}
	iName, iCode := t.col("LAD"), t.col("LAD_code")
	var cols []int
	var groups []charter.EthnicGroup
	for _, g := range charter.EthnicGroups {
		cols = append(cols, t.col(g.String()))
		groups = append(groups, g)
	}
	counts := make([]int, len(cols))
	for {
		rec, err := t.next()
		if rec == nil || err != nil {
			return err
		}
		if !t.boroughCode(rec, iCode) {
			continue
		}
		ok := true
		for k, i := range cols {
			var good bool
			counts[k], good = t.count(rec, i, "residents")
			ok = ok && good
		}
		if !ok {
			continue
		}
		code, area := strings.TrimSpace(rec[iCode]), strings.TrimSpace(rec[iName])
		for k, g := range groups {
			p := &charter.Population{Level: charter.LevelBorough, AreaCode: code, AreaName: area,
				Category: g.String(), Group: g, Count: counts[k], Census: censusYear}
			if err := emit(p); err != nil {
				return err
			}
		}
	}
}

// readCensusWards reads the London Datastore ward table. A row is refused
// whole when a cell is bad or the 19 categories do not add up to All usual
// residents: either way some of its people are in no category, and rates
// for the area would be computed on a wrong base.
func readCensusWards(t *tableReader, emit func(*charter.Population) error) error {
	if err := t.requireColumns("a London ward census table", censusWardColumns...); err != nil {
		return err
	}
	iCode, iName, iTotal := t.col("ward code"), t.col("ward name"), t.col("All usual residents")

	// The category columns are those CensusCategory resolves; Percentage
	// columns and totals do not resolve and are skipped.
	type catCol struct {
		col   int
		code  string
		group charter.EthnicGroup
	}
	var cats []catCol
	seen := map[string]string{}
	for i, h := range t.header {
		code, group, ok := charter.CensusCategory(h)
		if !ok {
			continue
		}
		if prev, dup := seen[code]; dup {
			return t.fatalf("columns %q and %q are the same census category %s; the rows would be counted twice", t.clipValue(prev), t.clipValue(h), code)
		}
		seen[code] = h
		cats = append(cats, catCol{i, code, group})
	}
	var missing []string
	for _, c := range censusWardCategories {
		if _, ok := seen[c.code]; !ok {
			missing = append(missing, strconv.Quote(c.label))
		}
	}
	if len(missing) > 0 {
		return t.fatalf("is not a London ward census table: category column(s) %s missing", strings.Join(missing, ", "))
	}

	counts := make([]int, len(cats))
	for {
		rec, err := t.next()
		if rec == nil || err != nil {
			return err
		}
		code := strings.TrimSpace(rec[iCode])
		level, ok := charter.LevelOfCode(code)
		if !ok {
			t.reject(iCode, rec[iCode], "is not a GSS code of a ward or local authority")
			continue
		}
		total, ok := t.count(rec, iTotal, "residents")
		sum := 0
		for k, c := range cats {
			var good bool
			counts[k], good = t.count(rec, c.col, "residents")
			ok = ok && good
			sum += counts[k]
		}
		if !ok {
			continue
		}
		if sum != total {
			t.reject(iTotal, rec[iTotal], fmt.Sprintf("is %d but the %d categories add up to %d", total, len(cats), sum))
			continue
		}
		area := strings.TrimSpace(rec[iName])
		for k, c := range cats {
			p := &charter.Population{Level: level, AreaCode: code, AreaName: area,
				Category: c.code, Group: c.group, Count: counts[k], Census: censusYear}
			if err := emit(p); err != nil {
				return err
			}
		}
	}
}

// boroughCode rejects the row unless column i holds the GSS code of a local
// authority (the level both borough layouts are published at).
func (t *tableReader) boroughCode(rec []string, i int) bool {
	if level, ok := charter.LevelOfCode(strings.TrimSpace(rec[i])); ok && level == charter.LevelBorough {
		return true
	}
	t.reject(i, rec[i], "is not the GSS code of a local authority (as E09000022)")
	return false
}
