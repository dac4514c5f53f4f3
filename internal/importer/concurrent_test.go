package importer

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/store"
)

// A boundary import and a record import running side by side, as two
// processes on one store, in either order and overlapping in different
// ways: every located stop ends placed by the boundaries committed last,
// exactly as a store that imported them one after the other places it.
func TestConcurrentPlacement(t *testing.T) {
	month := filepath.Join(t.TempDir(), "2021-06-metropolitan-stop-and-search.csv")
	writeFile(t, month, zipMember(t, "2021-06-metropolitan-stop-and-search.csv"))
	// Where the stops belong: one import after the other.
	ref := openStore(t)
	im, _ := newImporter(t, ref)
	mustImport(t, im, londonBoundaries...)
	mustImport(t, im, month)
	want := placements(t, ref)

	for trial, delay := range []time.Duration{0, 5 * time.Millisecond, 30 * time.Millisecond, 150 * time.Millisecond, 600 * time.Millisecond} {
		t.Run(fmt.Sprintf("trial %d", trial), func(t *testing.T) {
			dsn := openDSN(t)
			ctx := context.Background()
			open := func() *store.Store {
				s, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			a, b := open(), open() // two processes
			// Odd trials start with the boroughs in place, so the stops'
			// importer holds a locator that the ward import makes stale.
			if trial%2 == 1 {
				im, _ := newImporter(t, a)
				mustImport(t, im, londonBoundaries[0])
			}
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			wg.Go(func() {
				im, _ := newImporter(t, a)
				rs, err := im.Import(ctx, londonBoundaries...)
				errs <- firstErr(rs, err)
			})
			wg.Go(func() {
				time.Sleep(delay)
				im, _ := newImporter(t, b)
				rs, err := im.Import(ctx, month)
				errs <- firstErr(rs, err)
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got := placements(t, a)
			if len(got) != len(want) {
				t.Fatalf("%d stops stored, want %d", len(got), len(want))
			}
			wrong := 0
			for row, w := range want {
				if got[row] != w {
					if wrong < 3 {
						t.Errorf("row %d placed in %v, want %v", row, got[row], w)
					}
					wrong++
				}
			}
			if wrong > 0 {
				t.Errorf("%d of %d stops not placed by the boundaries committed last", wrong, len(want))
			}
		})
	}
}

// placement is a stop's borough and ward code ("" for none).
type placement struct{ borough, ward string }

// placements maps each stop (by source row) to where it is placed.
func placements(t *testing.T, s *store.Store) map[int]placement {
	t.Helper()
	rows, err := s.DB().Query(`SELECT s.source_row, b.code, w.code FROM stops s
		LEFT JOIN areas b ON b.id = s.borough_id LEFT JOIN areas w ON w.id = s.ward_id WHERE s.latitude IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]placement{}
	for rows.Next() {
		var row int
		var b, w sql.NullString
		if err := rows.Scan(&row, &b, &w); err != nil {
			t.Fatal(err)
		}
		out[row] = placement{b.String, w.String}
	}
	return out
}

// firstErr is the error of an import run: its own, or a file's.
func firstErr(rs []Result, err error) error {
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// Placement lost by other means (imports before placement was ordered, a
// store put together from pieces) is found and repaired.
func TestPlacementRepair(t *testing.T) {
	month := filepath.Join(t.TempDir(), "2021-06-metropolitan-stop-and-search.csv")
	writeFile(t, month, zipMember(t, "2021-06-metropolitan-stop-and-search.csv"))
	dsn := openDSN(t)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	im, _ := newImporter(t, s)
	mustImport(t, im, londonBoundaries...)
	mustImport(t, im, month)
	want := placements(t, s)
	if p, err := im.CheckPlacement(ctx); err != nil || p.Misplaced != 0 || p.Records != len(want) {
		t.Fatalf("a store imported in order: %+v, %v; want 0 of %d misplaced", p, err, len(want))
	}
	// Lose a third of the placements, behind the store's back.
	driver, name := "sqlite", "file:"+dsn
	if store.IsPostgres(dsn) {
		driver, name = "pgx", dsn
	}
	raw, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`UPDATE stops SET ward_id = NULL, borough_id = NULL WHERE source_row % 3 = 0 AND borough_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	lost, _ := res.RowsAffected()
	fresh := &Importer{Store: s} // as charter status or charter place would
	if p, err := fresh.CheckPlacement(ctx); err != nil || p.Misplaced != int(lost) {
		t.Fatalf("after losing %d placements: %+v, %v", lost, p, err)
	}
	before, err := fresh.Replace(ctx)
	if err != nil || before.Misplaced != int(lost) {
		t.Fatalf("repair: %+v, %v", before, err)
	}
	if p, err := fresh.CheckPlacement(ctx); err != nil || p.Misplaced != 0 {
		t.Fatalf("after the repair: %+v, %v", p, err)
	}
	got := placements(t, s)
	for row, w := range want {
		if got[row] != w {
			t.Fatalf("row %d placed in %v after the repair, want %v", row, got[row], w)
		}
	}
}
