package store

import (
	"bytes"
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
	rows, err := s.db.QueryContext(ctx, scanCrimeCountsSQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	var key, minor sql.RawBytes
	var packed int64
	for rows.Next() {
		if err := rows.Scan(&key, &minor, &packed); err != nil {
			return err
		}
		i := bytes.IndexByte(key, crimeKeySep)
		j := i + 1 + bytes.IndexByte(key[i+1:], crimeKeySep)
		if i < 0 || j <= i {
			return fmt.Errorf("a stored crime count's level and area %q cannot be told apart", key)
		}
		month, count := unpackMonthCount(packed)
		if err := fn(key[:i], key[i+1:j], key[j+1:], minor, month, count); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanCrimeCountsSQL reads a crime count in three columns rather than six:
// SQLite's driver takes and releases the connection's mutex several times
// for each column of each row, which was most of the time of reading the
// 822,443 London counts back: 0.92–1.14 s as six columns, 0.67–0.76 s as
// three (BenchmarkScanCrimeCounts, and the bundled data). The level and the
// area code, which never hold the separator (a level is a word, a code a
// GSS code or nothing), go before the major category's key, which is free
// text and comes last, so that it may hold anything; the minor category is
// free text too and keeps its own column. The month and the count travel
// as one integer (unpackMonthCount).
const scanCrimeCountsSQL = "SELECT level || '\x1f' || area_code || '\x1f' || major_key, minor, count * 1048576 + month FROM crime_counts"

// crimeKeySep separates the parts of scanCrimeCountsSQL's first column.
const crimeKeySep = 0x1f

// unpackMonthCount splits count × 2²⁰ + month. A month (YYYYMM) is below
// 2²⁰, so the low bits are the month and the high bits, shifted down, the
// count, even one below zero (which no import stores). A count beyond 2⁴³
// (no area's month comes near) would overflow the product: SQLite then
// gives a real number, which fails the scan, and PostgreSQL an error; never
// a wrong count.
func unpackMonthCount(v int64) (month, count int64) {
	return v & (1<<20 - 1), v >> 20
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
