package store

import (
	"github.com/stopsearch/charter"
)

// AddStreetCrime stores a validated street-level crime. data.police.uk
// revises published months (outcomes are added, locations corrected), so a
// file replaces, at commit, the street crimes earlier imports hold for the
// same force and month (see replaceStreetCrimes).
func (x *ImportTx) AddStreetCrime(c *charter.StreetCrime) error {
	if x.streets == nil {
		x.streets = x.t.bulk("street_crimes", "import_id", "source_row", "crime_ref", "month", "reported_by", "falls_within",
			"latitude", "longitude", "location", "lsoa_code", "lsoa_name", "category", "last_outcome", "context",
			"borough_id", "ward_id", "msoa_id", "lsoa_id").
			bind("import_id", "month", "reported_by", "falls_within")
	}
	var lat, lng any
	loc := ""
	if c.Location != nil {
		lat, lng, loc = c.Location.Latitude, c.Location.Longitude, c.Location.StreetName
	}
	x.imp.Rows++
	if x.streetKeys == nil {
		x.streetKeys = map[batchKey]bool{}
	}
	x.streetKeys[batchKey{c.FallsWithin, c.Month}] = true
	return x.streets.add(x.imp.ID, int64(c.SourceRow), c.CrimeID, int64(c.Month.YYYYMM()), c.ReportedBy, c.FallsWithin,
		lat, lng, loc, c.LSOACode, c.LSOAName, c.Category, c.LastOutcome, c.Context,
		areaID(c.Areas[charter.LevelBorough]), areaID(c.Areas[charter.LevelWard]),
		areaID(c.Areas[charter.LevelMSOA]), areaID(c.Areas[charter.LevelLSOA]))
}

// SetCrimeCountFile declares the level and month columns of a crime-count
// file before its counts are added. The MPS publishes rolling 24-month
// downloads and revises recent months in later ones, so for each month the
// store keeps the download with the latest final month (its vintage): months
// already held from a later download are skipped, others are replaced whole.
// It returns the months this file will provide.
func (x *ImportTx) SetCrimeCountFile(level charter.Level, months []charter.Month) ([]charter.Month, error) {
	x.taken = map[charter.Month]bool{}
	if len(months) == 0 {
		return nil, nil
	}
	last := months[0]
	for _, m := range months {
		if m > last {
			last = m
		}
	}
	x.vintage = last.YYYYMM()
	var took []charter.Month
	for _, m := range months {
		var have int64
		err := x.t.queryRow(`SELECT vintage FROM crime_count_months WHERE level = $1 AND month = $2`,
			level.String(), int64(m.YYYYMM())).Scan(&have)
		if err != nil && !isNoRows(err) {
			return nil, err
		}
		if int(have) > x.vintage {
			continue
		}
		if _, err := x.t.exec(`DELETE FROM crime_counts WHERE level = $1 AND month = $2`, level.String(), int64(m.YYYYMM())); err != nil {
			return nil, err
		}
		if _, err := x.t.exec(`INSERT INTO crime_count_months (level, month, vintage, import_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (level, month) DO UPDATE SET vintage = excluded.vintage, import_id = excluded.import_id`,
			level.String(), int64(m.YYYYMM()), int64(x.vintage), x.imp.ID); err != nil {
			return nil, err
		}
		x.taken[m] = true
		took = append(took, m)
	}
	return took, nil
}

// countArea is an area a crime-count file names, with its borough.
type countArea struct {
	level        charter.Level
	code, parent string
}

// AddCrimeCount stores a count if its month was taken by SetCrimeCountFile,
// and records the ward or borough it names. Zero counts are not stored (see
// crime_count_months).
func (x *ImportTx) AddCrimeCount(c *charter.CrimeCount) error {
	if !x.taken[c.Month] {
		return nil
	}
	if x.counts == nil {
		// The ward and its borough stay the same for a few batches, then
		// change: bound, they leave the statement's text the same for the
		// whole file (and the next), prepared once instead of at each batch
		// (a sixth of a ward file's import).
		x.counts = x.t.bulk("crime_counts", "level", "area_code", "area_name", "unit", "month", "major", "minor", "major_key", "count", "vintage", "import_id").
			bind("area_code", "area_name", "unit", "vintage", "import_id")
		x.unitCodes, x.countAreas = map[string]string{}, map[countArea]bool{}
	}
	parent := ""
	if c.Level == charter.LevelWard {
		// A file names a few dozen units on each of its many counts.
		var ok bool
		if parent, ok = x.unitCodes[c.Unit]; !ok {
			parent, _ = charter.LondonBoroughCode(c.Unit)
			x.unitCodes[c.Unit] = parent
		}
	}
	// Keyed by parent too: Heathrow Villages comes first under Aviation
	// Security (no borough), then under Hillingdon, which names its borough.
	if k := (countArea{c.Level, c.AreaCode, parent}); !x.countAreas[k] {
		x.countAreas[k] = true
		if err := x.ensureArea(c.Level, c.AreaCode, c.AreaName, parent); err != nil {
			return err
		}
	}
	if c.Count == 0 {
		return nil // stored sparsely: a covered month without a row is zero
	}
	x.imp.Rows++
	return x.counts.add(c.Level.String(), c.AreaCode, c.AreaName, c.Unit, int64(c.Month.YYYYMM()), c.Major, c.Minor,
		c.MajorKey(), int64(c.Count), int64(x.vintage), x.imp.ID)
}

// AddPopulation stores a census count. The first count of an area in an
// import replaces everything held for that area, so a newer or finer table
// for an area supersedes the old one instead of adding to it.
func (x *ImportTx) AddPopulation(p *charter.Population) error {
	if x.pop == nil {
		x.pop = x.t.bulk("population", "level", "area_code", "area_name", "category", "ethnic_group", "count", "census", "import_id").
			bind("area_code", "area_name", "census", "import_id")
	}
	if k := p.Level.String() + p.AreaCode; !x.popSeen[k] {
		x.popSeen[k] = true
		if _, err := x.t.exec(`DELETE FROM population WHERE level = $1 AND area_code = $2`, p.Level.String(), p.AreaCode); err != nil {
			return err
		}
		if err := x.ensureArea(p.Level, p.AreaCode, p.AreaName, ""); err != nil {
			return err
		}
	}
	x.imp.Rows++
	return x.pop.add(p.Level.String(), p.AreaCode, p.AreaName, p.Category, int64(p.Group), int64(p.Count), int64(p.Census), x.imp.ID)
}

// replaceStreetCrimes removes what earlier imports hold for the force-months
// this import brought: the latest download of a month is the one kept, never
// two added together.
func (x *ImportTx) replaceStreetCrimes() error {
	for k := range x.streetKeys {
		if _, err := x.t.exec(`DELETE FROM street_crimes WHERE month = $1 AND falls_within = $2 AND import_id <> $3`,
			int64(k.month.YYYYMM()), k.force, x.imp.ID); err != nil {
			return err
		}
	}
	return nil
}
