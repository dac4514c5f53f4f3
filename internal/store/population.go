package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
	by, census, err := s.PopulationByArea(ctx, level, []string{code})
	if err != nil {
		return nil, 0, err
	}
	if by[code] == nil {
		return map[charter.EthnicGroup]int{}, census, nil
	}
	return by[code], census, nil
}

// PopulationByArea returns the census population by ethnic group of each of
// the areas of one level, keyed by area code, and the latest census year
// among them. It is what a report stratified over small areas needs: one
// query for every stratum. An area without population has no key.
func (s *Store) PopulationByArea(ctx context.Context, level charter.Level, codes []string) (map[string]map[charter.EthnicGroup]int, int, error) {
	out := map[string]map[charter.EthnicGroup]int{}
	if len(codes) == 0 {
		return out, 0, nil
	}
	args := []any{level.String()}
	var in strings.Builder
	for i, c := range codes {
		if i > 0 {
			in.WriteString(", ")
		}
		args = append(args, c)
		fmt.Fprintf(&in, "$%d", len(args))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT area_code, ethnic_group, SUM(count), MAX(census) FROM population
		WHERE level = $1 AND area_code IN (`+in.String()+`) GROUP BY area_code, ethnic_group`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	census := 0
	for rows.Next() {
		var code string
		var g, n int
		var c sql.NullInt64
		if err := rows.Scan(&code, &g, &n, &c); err != nil {
			return nil, 0, err
		}
		if out[code] == nil {
			out[code] = map[charter.EthnicGroup]int{}
		}
		out[code][charter.EthnicGroup(g)] = n
		census = max(census, int(c.Int64))
	}
	return out, census, rows.Err()
}

// PopulationSum is the census population by ethnic group of a union of
// areas of one level (a force area as the sum of its boroughs), with the
// latest census year and the codes that have no population. The sum is
// only the union's population when missing is empty; the caller must not
// publish it otherwise.
func (s *Store) PopulationSum(ctx context.Context, level charter.Level, codes []string) (sum map[charter.EthnicGroup]int, census int, missing []string, err error) {
	by, census, err := s.PopulationByArea(ctx, level, codes)
	if err != nil {
		return nil, 0, nil, err
	}
	sum = map[charter.EthnicGroup]int{}
	for _, c := range codes {
		if by[c] == nil {
			missing = append(missing, c)
		}
		for g, n := range by[c] {
			sum[g] += n
		}
	}
	return sum, census, missing, nil
}
