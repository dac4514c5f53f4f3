package storetest

import (
	"context"
	"os"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// A fixture is built once, and each copy is a database of its own: what
// one test writes to its copy neither another copy nor the shared one sees.
func TestFixtureCopiesAreIndependent(t *testing.T) {
	builds := 0
	addStop := func(ctx context.Context, s *store.Store, source string, month charter.Month) error {
		x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindStops, Source: source, Checksum: source, Format: "test", Coverage: charter.CoverAll})
		if err != nil {
			return err
		}
		if err := x.AddStop(&charter.Stop{Force: "city-of-london", Month: month, Type: "Person search"}); err != nil {
			return err
		}
		return x.Commit()
	}
	build := func(ctx context.Context, s *store.Store) error {
		builds++
		return addStop(ctx, s, "fixture", charter.NewMonth(2023, 1))
	}
	count := func(s *store.Store) int {
		t.Helper()
		n, err := s.CountStops(context.Background(), charter.StopFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := OpenFixture(t, "one stop", build), OpenFixture(t, "one stop", build)
	shared := Shared(t, "one stop", build)
	if builds != 1 {
		t.Fatalf("built %d times, want once", builds)
	}
	if count(a) != 1 || count(b) != 1 || count(shared) != 1 {
		t.Fatalf("copies hold %d, %d and %d stops, want 1 each", count(a), count(b), count(shared))
	}
	if err := addStop(context.Background(), a, "a test", charter.NewMonth(2023, 2)); err != nil {
		t.Fatal(err)
	}
	if count(a) != 2 || count(b) != 1 || count(shared) != 1 {
		t.Fatalf("after a write to one copy: %d, %d and %d stops, want 2, 1 and 1", count(a), count(b), count(shared))
	}
}
