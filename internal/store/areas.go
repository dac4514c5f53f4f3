package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stopsearch/charter"
)

// levelColumn is the column of stops and street_crimes that holds the area id
// of a level (force is the record's own force, not a column of areas).
func levelColumn(l charter.Level) (string, bool) {
	switch l {
	case charter.LevelBorough:
		return "borough_id", true
	case charter.LevelWard:
		return "ward_id", true
	case charter.LevelMSOA:
		return "msoa_id", true
	case charter.LevelLSOA:
		return "lsoa_id", true
	}
	return "", false
}

// AddArea stores an area with its boundary, replacing an area of the same
// level and code unless the stored boundary is of a newer vintage: many
// wards kept their code when others were redrawn in 2022, and loading the
// 2018 set after the 2022 one must not put the old outline back. a.ID is
// the stored area's id either way. Records are re-assigned by the importer
// through Reassign.
func (x *ImportTx) AddArea(a *charter.Area) error {
	var boundary any
	if len(a.Boundary) > 0 {
		boundary = string(a.Boundary)
	}
	err := x.t.queryRow(`INSERT INTO areas (level, code, name, parent_code, boundary_year, boundary, import_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (level, code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,
			boundary_year = excluded.boundary_year, boundary = excluded.boundary, import_id = excluded.import_id
		WHERE areas.boundary IS NULL OR areas.boundary_year <= excluded.boundary_year
		RETURNING id`,
		a.Level.String(), a.Code, a.Name, a.ParentCode, int64(a.BoundaryYear), boundary, x.imp.ID).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// Kept the newer stored vintage.
		err = x.t.queryRow(`SELECT id FROM areas WHERE level = $1 AND code = $2`, a.Level.String(), a.Code).Scan(&a.ID)
	}
	if err != nil {
		return fmt.Errorf("store area %s: %w", a.Code, err)
	}
	x.levels[a.Level] = true
	x.imp.Rows++
	return nil
}

// ensureArea records an area known only by code and name (from census or
// crime-count files) unless it is already there. A parent it brings fills one
// that is not known yet: the census names no borough for a ward, the MPS
// counts do, and hotspots by borough need it whatever the import order.
func (x *ImportTx) ensureArea(l charter.Level, code, name, parent string) error {
	if code == "" {
		return nil
	}
	_, err := x.t.exec(`INSERT INTO areas (level, code, name, parent_code) VALUES ($1, $2, $3, $4)
		ON CONFLICT (level, code) DO UPDATE SET parent_code = excluded.parent_code
		WHERE areas.parent_code = '' AND excluded.parent_code <> ''`,
		l.String(), code, name, parent)
	return err
}

// Point is a distinct located position held by stops or street crimes.
type Point struct{ Lon, Lat float64 }

// Reassign recomputes, for every located stop and street crime, the area of
// one level: assign is called once per distinct point (published locations are
// snapped to map points, so there are far fewer points than records) and
// returns an area id, or 0 for none.
func (x *ImportTx) Reassign(l charter.Level, assign func(lon, lat float64) int64) error {
	col, ok := levelColumn(l)
	if !ok {
		return charter.Errorf(charter.EINVALID, "cannot assign records to %s areas", l)
	}
	var pts []Point
	err := x.t.query(`SELECT DISTINCT longitude, latitude FROM stops WHERE latitude IS NOT NULL
		UNION SELECT DISTINCT longitude, latitude FROM street_crimes WHERE latitude IS NOT NULL`, func(r scanner) error {
		var p Point
		if err := r.Scan(&p.Lon, &p.Lat); err != nil {
			return err
		}
		pts = append(pts, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reassign %s: %w", l, err)
	}
	if _, err := x.t.exec(`CREATE TEMP TABLE area_assign (longitude DOUBLE PRECISION NOT NULL, latitude DOUBLE PRECISION NOT NULL, area_id BIGINT NOT NULL)`); err != nil {
		return err
	}
	b := x.t.bulk("area_assign", "longitude", "latitude", "area_id")
	for _, p := range pts {
		if id := assign(p.Lon, p.Lat); id != 0 {
			if err := b.add(p.Lon, p.Lat, id); err != nil {
				return err
			}
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	if _, err := x.t.exec(`CREATE INDEX area_assign_point ON area_assign (latitude, longitude)`); err != nil {
		return err
	}
	for _, table := range []string{"stops", "street_crimes"} {
		q := `UPDATE ` + table + ` SET ` + col + ` = (SELECT a.area_id FROM area_assign a
			WHERE a.latitude = ` + table + `.latitude AND a.longitude = ` + table + `.longitude) WHERE latitude IS NOT NULL`
		if _, err := x.t.exec(q); err != nil {
			return fmt.Errorf("reassign %s %s: %w", table, l, err)
		}
	}
	_, err = x.t.exec(`DROP TABLE area_assign`)
	x.levels[l] = true // announced on commit: what depends on placement follows
	return err
}

// Areas lists the stored areas, with boundaries when withBoundary is set.
func (s *Store) Areas(ctx context.Context, withBoundary bool) ([]charter.Area, error) {
	q := `SELECT id, level, code, name, parent_code, boundary_year, ''`
	if withBoundary {
		q = `SELECT id, level, code, name, parent_code, boundary_year, COALESCE(boundary, '')`
	}
	rows, err := s.db.QueryContext(ctx, q+` FROM areas ORDER BY level, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Area
	for rows.Next() {
		var a charter.Area
		var level, boundary string
		if err := rows.Scan(&a.ID, &level, &a.Code, &a.Name, &a.ParentCode, &a.BoundaryYear, &boundary); err != nil {
			return nil, err
		}
		if a.Level, err = charter.ParseLevel(level); err != nil {
			return nil, err
		}
		if boundary != "" {
			a.Boundary = []byte(boundary)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CurrentAreas lists the areas of the boundary vintage in use at each level
// (charter.Current): what pages, reports and the APIs list.
func (s *Store) CurrentAreas(ctx context.Context, withBoundary bool) ([]charter.Area, error) {
	all, err := s.Areas(ctx, withBoundary)
	if err != nil {
		return nil, err
	}
	return charter.Current(all), nil
}

// areasChanged is called after an import that changed boundaries.
func (s *Store) areasChanged() { s.areaVersion.Add(1) }

// AreaVersion changes whenever an import changes areas, so that callers
// holding a spatial index know to rebuild it.
func (s *Store) AreaVersion() int64 { return s.areaVersion.Load() }
