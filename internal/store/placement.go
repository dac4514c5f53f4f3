package store

import (
	"context"

	"github.com/stopsearch/charter"
)

// PlacedPoint is a distinct located position of stops or street crimes with
// the areas its records are placed in, and how many records that is.
type PlacedPoint struct {
	Lon, Lat float64
	Areas    charter.AreaIDs
	Records  int
}

// PlacedPoints lists every distinct (position, placement) of the stored
// stops and street crimes, so that placement can be checked against the
// boundaries without reading every record into memory.
func (s *Store) PlacedPoints(ctx context.Context) ([]PlacedPoint, error) {
	var out []PlacedPoint
	for _, table := range []string{"stops", "street_crimes"} {
		rows, err := s.db.QueryContext(ctx, `SELECT longitude, latitude, COALESCE(borough_id, 0), COALESCE(ward_id, 0),
			COALESCE(msoa_id, 0), COALESCE(lsoa_id, 0), count(*) FROM `+table+` WHERE latitude IS NOT NULL
			GROUP BY longitude, latitude, borough_id, ward_id, msoa_id, lsoa_id`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p PlacedPoint
			a := &p.Areas
			if err := rows.Scan(&p.Lon, &p.Lat, &a[charter.LevelBorough], &a[charter.LevelWard], &a[charter.LevelMSOA], &a[charter.LevelLSOA], &p.Records); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, p)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
