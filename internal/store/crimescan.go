package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stopsearch/charter"
)

// ScanStreetCrimes calls fn for every stored street-level crime with the
// fields the analytic index uses (month, force, category, areas, location).
// The StreetCrime passed is reused between calls.
func (s *Store) ScanStreetCrimes(ctx context.Context, fn func(*charter.StreetCrime) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT month, falls_within, category, COALESCE(borough_id, 0), COALESCE(ward_id, 0),
		latitude, longitude FROM street_crimes`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c charter.StreetCrime
	var loc charter.Location
	var month int64
	var lat, lng sql.NullFloat64
	for rows.Next() {
		c = charter.StreetCrime{}
		if err := rows.Scan(&month, &c.FallsWithin, &c.Category, &c.Areas[charter.LevelBorough], &c.Areas[charter.LevelWard], &lat, &lng); err != nil {
			return err
		}
		c.Month = charter.MonthFromYYYYMM(int(month))
		if lat.Valid && lng.Valid {
			loc = charter.Location{Latitude: lat.Float64, Longitude: lng.Float64}
			c.Location = &loc
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanCrimeCounts calls fn for every stored area-level crime count. A ward
// filed under two units (Heathrow Villages) comes as two counts, to be added
// up: summing here would cost a sort of the whole table (seconds), adding in
// the caller costs nothing. The text arguments are only valid during the
// call (they are the driver's buffers): the index looks them up in its
// dictionaries without copying, which keeps loading the ~800,000 London
// counts free of per-row allocations.
func (s *Store) ScanCrimeCounts(ctx context.Context, fn func(level, areaCode, majorKey, minor []byte, month, count int64) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT level, area_code, major_key, minor, month, count FROM crime_counts`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var level, code, major, minor sql.RawBytes
	var month, n int64
	for rows.Next() {
		if err := rows.Scan(&level, &code, &major, &minor, &month, &n); err != nil {
			return err
		}
		if err := fn(level, code, major, minor, month, n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CrimeCountMonths returns, per level, the months the stored crime counts
// cover: a covered month with no row for an area had no offences there, an
// uncovered month is unknown.
func (s *Store) CrimeCountMonths(ctx context.Context) (map[charter.Level][]charter.Month, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT level, month FROM crime_count_months ORDER BY level, month`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[charter.Level][]charter.Month{}
	for rows.Next() {
		var level string
		var month int64
		if err := rows.Scan(&level, &month); err != nil {
			return nil, err
		}
		l, err := charter.ParseLevel(level)
		if err != nil {
			return nil, err
		}
		out[l] = append(out[l], charter.MonthFromYYYYMM(int(month)))
	}
	return out, rows.Err()
}

// FindStreetCrimes calls fn for every stored street-level crime of one month
// matching f, in the order they were published (force, then source row).
// The StreetCrime passed is reused between calls.
func (s *Store) FindStreetCrimes(ctx context.Context, f charter.StreetCrimeFilter, fn func(*charter.StreetCrime) error) error {
	q := `SELECT id, crime_ref, month, reported_by, falls_within, latitude, longitude, location, lsoa_code, lsoa_name,
		category, last_outcome, context FROM street_crimes WHERE month = $1`
	args := []any{int64(f.Month.YYYYMM())}
	if f.Category != "" {
		args = append(args, f.Category)
		q += ` AND category = $2`
	}
	if b := f.Box; b != nil {
		n := len(args)
		args = append(args, b.MinLat, b.MaxLat, b.MinLng, b.MaxLng)
		q += fmt.Sprintf(` AND latitude BETWEEN $%d AND $%d AND longitude BETWEEN $%d AND $%d`, n+1, n+2, n+3, n+4)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY falls_within, import_id, source_row`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c charter.StreetCrime
	var loc charter.Location
	var month int64
	var lat, lng sql.NullFloat64
	for rows.Next() {
		c = charter.StreetCrime{}
		if err := rows.Scan(&c.ID, &c.CrimeID, &month, &c.ReportedBy, &c.FallsWithin, &lat, &lng, &loc.StreetName,
			&c.LSOACode, &c.LSOAName, &c.Category, &c.LastOutcome, &c.Context); err != nil {
			return err
		}
		c.Month = charter.MonthFromYYYYMM(int(month))
		if lat.Valid && lng.Valid {
			loc.Latitude, loc.Longitude = lat.Float64, lng.Float64
			c.Location = &loc
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// StreetCrimeMonths returns the months that hold street-level crimes,
// oldest first.
func (s *Store) StreetCrimeMonths(ctx context.Context) ([]charter.Month, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT month FROM street_crimes ORDER BY month`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Month
	for rows.Next() {
		var month int64
		if err := rows.Scan(&month); err != nil {
			return nil, err
		}
		out = append(out, charter.MonthFromYYYYMM(int(month)))
	}
	return out, rows.Err()
}
