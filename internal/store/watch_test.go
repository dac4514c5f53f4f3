package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// Two stores on one database stand for two processes: the server watching,
// and a `charter import` run beside it.
func TestWatchSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	server, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	other, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	changes := make(chan charter.Change, 4)
	cancel := server.OnCommit(func(c charter.Change) { changes <- c })
	defer cancel()
	stopWatch, err := server.Watch(ctx, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer stopWatch()

	m := charter.NewMonth(2021, 6)
	before, _ := server.MonthCounts(ctx)
	// Its own import is announced once, by Commit, and not again by Watch.
	importStops(t, server, "own.csv", charter.CoverAll, stop("metropolitan", m, 2))
	if c := <-changes; len(c.Stops) != 1 {
		t.Fatalf("own commit announced %+v", c)
	}
	select {
	case c := <-changes:
		t.Fatalf("Watch announced the store's own import again: %+v", c)
	case <-time.After(150 * time.Millisecond):
	}

	// Another process's import, with a label this store has never seen.
	st := stop("metropolitan", m.Add(1), 2)
	st.ObjectOfSearch = "Evidence of wildlife offences"
	importStops(t, other, "other.csv", charter.CoverAll, st)
	select {
	case c := <-changes:
		if !c.Areas || !c.CrimeCounts || !c.StreetCrimes {
			t.Fatalf("another's import announced as %+v, want everything changed", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not see another process's import")
	}
	after, err := server.MonthCounts(ctx)
	if err != nil || len(after) != len(before)+2 {
		t.Fatalf("month counts after: %+v %v (before %d)", after, err, len(before))
	}
	var objects []string
	if err := server.FindStops(ctx, charter.StopFilter{Force: "metropolitan", From: m.Add(1), To: m.Add(1)}, func(s *charter.Stop) error {
		objects = append(objects, s.ObjectOfSearch)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(objects) != 1 || objects[0] != "Evidence of wildlife offences" {
		t.Fatalf("the other's stop reads back as %q: the new label was not loaded", objects)
	}
}
