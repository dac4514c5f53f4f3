package store_test

import (
	"context"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestBatchRangesMatchRows: the first and last id recorded for each batch
// (computed as the rows are added on SQLite, read back on PostgreSQL) are
// the least and greatest id of the batch's stored rows, with force-months
// interleaved, more rows than one bulk statement, and a second import.
func TestBatchRangesMatchRows(t *testing.T) {
	s := storetest.Open(t)
	months := []charter.Month{charter.NewMonth(2021, 6), charter.NewMonth(2021, 7), charter.NewMonth(2021, 8)}
	for i, source := range []string{"a.csv", "b.csv"} {
		var stops []*charter.Stop
		for r := 0; r < 1500+i*7; r++ {
			force := "metropolitan"
			if r%5 == 0 {
				force = "city-of-london"
			}
			stops = append(stops, stop(force, months[(r/3+i)%len(months)], r+2))
		}
		importStops(t, s, source, charter.CoverLocated, stops...)
	}
	want := idRanges(t, s, `SELECT import_id, force, month, min(id), max(id) FROM stops GROUP BY import_id, force, month`)
	got := idRanges(t, s, `SELECT import_id, force, month, first_id, last_id FROM stop_batches`)
	if len(want) != 12 || len(got) != len(want) {
		t.Fatalf("%d batches recorded, %d in the rows (want 12)", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("batch %v: recorded ids %v, rows hold %v", k, got[k], w)
		}
	}
}

// batchID names a batch: its import, force and month.
type batchID struct {
	imp   int64
	force string
	month int64
}

// idRanges reads a first and last id for each batch, as q selects them.
func idRanges(t *testing.T, s *store.Store, q string) map[batchID][2]int64 {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[batchID][2]int64{}
	for rows.Next() {
		var k batchID
		var r [2]int64
		if err := rows.Scan(&k.imp, &k.force, &k.month, &r[0], &r[1]); err != nil {
			t.Fatal(err)
		}
		out[k] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
