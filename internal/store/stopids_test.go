package store_test

import (
	"context"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestBatchRangesMatchRows: the first and last id recorded for each batch
// (computed as the rows are added on SQLite, read back on PostgreSQL) are
// the least and greatest id of the batch's stored rows, with force-months
// interleaved, more rows than one bulk statement, and a second import.
func TestBatchRangesMatchRows(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
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
	type key struct {
		imp   int64
		force string
		month int64
	}
	want := map[key][2]int64{}
	rows, err := s.DB().QueryContext(ctx, `SELECT import_id, force, month, min(id), max(id) FROM stops GROUP BY import_id, force, month`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var r [2]int64
		if err := rows.Scan(&k.imp, &k.force, &k.month, &r[0], &r[1]); err != nil {
			t.Fatal(err)
		}
		want[k] = r
	}
	rows.Close()
	got := map[key][2]int64{}
	rows, err = s.DB().QueryContext(ctx, `SELECT import_id, force, month, first_id, last_id FROM stop_batches`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k key
		var r [2]int64
		if err := rows.Scan(&k.imp, &k.force, &k.month, &r[0], &r[1]); err != nil {
			t.Fatal(err)
		}
		got[k] = r
	}
	rows.Close()
	if len(want) != 12 || len(got) != len(want) {
		t.Fatalf("%d batches recorded, %d in the rows (want 12)", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("batch %v: recorded ids %v, rows hold %v", k, got[k], w)
		}
	}
}
