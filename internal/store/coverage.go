package store

import (
	"context"

	"github.com/stopsearch/charter"
)

// LevelCoverage says how well one level of geography is covered: how many
// areas are known, how many have boundaries and population, and what share
// of located stops were placed in an area of the level.
type LevelCoverage struct {
	Level          string  `json:"level"`
	Areas          int     `json:"areas"`
	WithBoundary   int     `json:"with_boundary"`
	BoundaryYears  []int   `json:"boundary_years"`
	WithPopulation int     `json:"with_population"`
	LocatedStops   int     `json:"located_stops"`
	AssignedStops  int     `json:"assigned_stops"`
	AssignedShare  float64 `json:"assigned_share"`
	BoundaryNoPop  int     `json:"with_boundary_no_population"`
}

// Coverage reports boundaries and population coverage per level.
func (s *Store) Coverage(ctx context.Context) ([]LevelCoverage, error) {
	var located int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM stops WHERE active = 1 AND latitude IS NOT NULL`).Scan(&located); err != nil {
		return nil, err
	}
	var out []LevelCoverage
	for _, l := range []charter.Level{charter.LevelBorough, charter.LevelWard, charter.LevelMSOA, charter.LevelLSOA} {
		c := LevelCoverage{Level: l.String(), LocatedStops: located, BoundaryYears: []int{}}
		err := s.db.QueryRowContext(ctx, `SELECT count(*),
			COALESCE(SUM(CASE WHEN boundary IS NOT NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM population p WHERE p.level = a.level AND p.area_code = a.code) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN boundary IS NOT NULL AND NOT EXISTS (SELECT 1 FROM population p WHERE p.level = a.level AND p.area_code = a.code) THEN 1 ELSE 0 END), 0)
			FROM areas a WHERE level = $1`, l.String()).Scan(&c.Areas, &c.WithBoundary, &c.WithPopulation, &c.BoundaryNoPop)
		if err != nil {
			return nil, err
		}
		rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT boundary_year FROM areas WHERE level = $1 AND boundary IS NOT NULL ORDER BY boundary_year`, l.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var y int
			if err := rows.Scan(&y); err != nil {
				rows.Close()
				return nil, err
			}
			c.BoundaryYears = append(c.BoundaryYears, y)
		}
		rows.Close()
		col, _ := levelColumn(l)
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM stops WHERE active = 1 AND `+col+` IS NOT NULL`).Scan(&c.AssignedStops); err != nil {
			return nil, err
		}
		if located > 0 {
			c.AssignedShare = float64(c.AssignedStops) / float64(located)
		}
		out = append(out, c)
	}
	return out, nil
}

// ImportCount is a count of imports of one kind.
type ImportCount struct {
	Kind    string `json:"kind"`
	Sources int    `json:"sources"`
	Rows    int    `json:"rows"`
	Rejects int    `json:"rejects"`
}

// ImportCounts totals the imports by kind.
func (s *Store) ImportCounts(ctx context.Context) ([]ImportCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, count(*), COALESCE(SUM(rows), 0), COALESCE(SUM(rejects), 0) FROM imports GROUP BY kind ORDER BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportCount
	for rows.Next() {
		var c ImportCount
		if err := rows.Scan(&c.Kind, &c.Sources, &c.Rows, &c.Rejects); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CrimeCountCoverage says which months of area-level crime counts a level
// holds, and which months inside that span are missing.
type CrimeCountCoverage struct {
	Level   string   `json:"level"`
	First   string   `json:"first"`
	Last    string   `json:"last"`
	Months  int      `json:"months"`
	Missing []string `json:"missing"`
}

// CrimeCounts reports the months of crime counts held per level.
func (s *Store) CrimeCounts(ctx context.Context) ([]CrimeCountCoverage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT level, month FROM crime_count_months ORDER BY level, month`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CrimeCountCoverage
	var prev charter.Month
	for rows.Next() {
		var level string
		var ym int
		if err := rows.Scan(&level, &ym); err != nil {
			return nil, err
		}
		m := charter.MonthFromYYYYMM(ym)
		if len(out) == 0 || out[len(out)-1].Level != level {
			out = append(out, CrimeCountCoverage{Level: level, First: m.String(), Missing: []string{}})
		} else {
			for gap := prev + 1; gap < m; gap++ {
				out[len(out)-1].Missing = append(out[len(out)-1].Missing, gap.String())
			}
		}
		c := &out[len(out)-1]
		c.Last = m.String()
		c.Months++
		prev = m
	}
	return out, rows.Err()
}
