package store

import (
	"context"
	"database/sql"

	"github.com/stopsearch/charter"
)

// AreaByCode finds an area by its code (an ONS GSS code, or a force id). A
// code known at several levels resolves to the coarsest.
func (s *Store) AreaByCode(ctx context.Context, code string) (charter.Area, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, level, code, name, parent_code, boundary_year FROM areas WHERE code = $1`, code)
	if err != nil {
		return charter.Area{}, err
	}
	defer rows.Close()
	var best *charter.Area
	for rows.Next() {
		var a charter.Area
		var level string
		if err := rows.Scan(&a.ID, &level, &a.Code, &a.Name, &a.ParentCode, &a.BoundaryYear); err != nil {
			return charter.Area{}, err
		}
		if a.Level, err = charter.ParseLevel(level); err != nil {
			return charter.Area{}, err
		}
		if best == nil || a.Level < best.Level {
			best = &a
		}
	}
	if err := rows.Err(); err != nil {
		return charter.Area{}, err
	}
	if best == nil {
		return charter.Area{}, charter.Errorf(charter.ENOTFOUND, "no area with code %q (import its boundaries, census or crime counts first)", code)
	}
	return *best, nil
}

// PopulationByGroup returns the census population of an area by ethnic
// group, and the census year; an area without population gives an empty map.
func (s *Store) PopulationByGroup(ctx context.Context, level charter.Level, code string) (map[charter.EthnicGroup]int, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ethnic_group, SUM(count), MAX(census) FROM population
		WHERE level = $1 AND area_code = $2 GROUP BY ethnic_group`, level.String(), code)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := map[charter.EthnicGroup]int{}
	census := 0
	for rows.Next() {
		var g, n int
		var c sql.NullInt64
		if err := rows.Scan(&g, &n, &c); err != nil {
			return nil, 0, err
		}
		out[charter.EthnicGroup(g)] = n
		if int(c.Int64) > census {
			census = int(c.Int64)
		}
	}
	return out, census, rows.Err()
}
