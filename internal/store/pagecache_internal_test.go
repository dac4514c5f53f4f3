package store

import (
	"context"
	"testing"

	"github.com/stopsearch/charter"
)

// SQLite's writer appends an import's stops and street crimes with the small
// page cache and takes everything else with the large one (pageCacheFor),
// whatever the import before it set.
func TestImportPageCache(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	for i, c := range []struct {
		kind charter.ImportKind
		kib  int
	}{
		{charter.KindCrimeCounts, writerCacheKiB},
		{charter.KindStops, appendCacheKiB},
		{charter.KindPopulation, writerCacheKiB},
		{charter.KindStreetCrime, appendCacheKiB},
		{charter.KindBoundaries, writerCacheKiB},
	} {
		x, err := s.BeginImport(ctx, &charter.Import{Kind: c.kind, Source: "f.csv", Checksum: string(rune('a' + i)), Format: "test"})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := x.t.queryRow(`PRAGMA cache_size`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		x.Rollback()
		if got != -c.kib {
			t.Errorf("an import of %s runs with cache_size %d, want %d", c.kind, got, -c.kib)
		}
	}
}
