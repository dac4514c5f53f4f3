package store

import (
	"context"

	"github.com/stopsearch/charter"
)

// CountPlaced counts the counted stops placed in an area of the level
// (borough, ward, MSOA or LSOA): how a benchmark checks that its import
// placed the stops, without reading the schema itself.
func (s *Store) CountPlaced(ctx context.Context, level charter.Level) (int, error) {
	col := map[charter.Level]string{charter.LevelBorough: "borough_id", charter.LevelWard: "ward_id",
		charter.LevelMSOA: "msoa_id", charter.LevelLSOA: "lsoa_id"}[level]
	if col == "" {
		return 0, charter.Errorf(charter.EINVALID, "stops are not placed in areas of level %s", level)
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(`+col+`) FROM stops WHERE active = 1`).Scan(&n)
	return n, err
}
