package importer

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// TestImportWaitsForAnnouncements: each file's change is announced in the
// background while the next file is read, yet an import returns only once
// every committed file has been announced, in commit order, each carrying
// the stops it wrote; a slow follower holds the next commit back rather
// than being overtaken.
func TestImportWaitsForAnnouncements(t *testing.T) {
	s := openStore(t)
	dir := t.TempDir()
	var paths []string
	for _, m := range []string{"2021-06", "2021-07", "2021-08"} {
		name := m + "-metropolitan-stop-and-search.csv"
		p := filepath.Join(dir, name)
		writeFile(t, p, zipMember(t, name))
		paths = append(paths, p)
	}
	var mu sync.Mutex
	var seen []int64
	carried := map[int64]int{}
	busy := false
	cancel := s.OnCommit(func(c charter.Change) {
		mu.Lock()
		if busy {
			t.Error("two announcements ran at once")
		}
		busy = true
		mu.Unlock()
		time.Sleep(150 * time.Millisecond) // a slow follower
		mu.Lock()
		defer mu.Unlock()
		busy = false
		seen = append(seen, c.Imports...)
		for _, chunk := range c.Carried {
			carried[c.Imports[0]] += len(chunk)
		}
	})
	defer cancel()
	im, _ := newImporter(t, s)
	rs := mustImport(t, im, paths...)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != len(paths) {
		t.Fatalf("the import returned with %d of %d files announced", len(seen), len(paths))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Errorf("announced out of commit order: %v", seen)
		}
	}
	for i, r := range rs {
		if r.Err != nil || r.Rows == 0 {
			t.Fatalf("%s: %+v", r.Source, r)
		}
		if got := carried[seen[i]]; got != r.Rows {
			t.Errorf("%s: %d stops written, %d carried", r.Source, r.Rows, got)
		}
	}
}
