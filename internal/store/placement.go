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
// boundaries once per point rather than once per record.
//
// PostgreSQL groups the rows by hashing them; SQLite can only group by
// sorting every located record, which took most of a second of `charter
// status` on the bundled data, so on SQLite the rows are grouped here, in
// a map, which takes under half that. Either way the map adds up what the
// rows count.
func (s *Store) PlacedPoints(ctx context.Context) ([]PlacedPoint, error) {
	type key struct {
		lon, lat float64
		areas    charter.AreaIDs
	}
	var out []PlacedPoint
	at := map[key]int{}
	for _, table := range []string{"stops", "street_crimes"} {
		records, group := "1", ""
		if s.dialect == Postgres {
			records, group = "count(*)", " GROUP BY longitude, latitude, borough_id, ward_id, msoa_id, lsoa_id"
		}
		rows, err := s.db.QueryContext(ctx, `SELECT longitude, latitude, COALESCE(borough_id, 0), COALESCE(ward_id, 0),
			COALESCE(msoa_id, 0), COALESCE(lsoa_id, 0), `+records+` FROM `+table+` WHERE latitude IS NOT NULL`+group)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k key
			var n int
			a := &k.areas
			if err := rows.Scan(&k.lon, &k.lat, &a[charter.LevelBorough], &a[charter.LevelWard], &a[charter.LevelMSOA], &a[charter.LevelLSOA], &n); err != nil {
				rows.Close()
				return nil, err
			}
			i, ok := at[k]
			if !ok {
				i = len(out)
				at[k] = i
				out = append(out, PlacedPoint{Lon: k.lon, Lat: k.lat, Areas: k.areas})
			}
			out[i].Records += n
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
