package policeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/policeapi/apitest"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestMonthCache: a month read once is kept, a commit to the store drops it
// (the next answer has the new records), and past the byte bound the least
// recently used month goes.
func TestMonthCache(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	imp := &importer.Importer{Store: st}
	if _, err := imp.ImportFS(ctx, apitest.Golden, []string{"golden/stops-force-metropolitan-2024-09.json"}); err != nil {
		t.Fatal(err)
	}
	a := New(st)
	mux := http.NewServeMux()
	a.Register(mux, nil)
	count := func(path string) int {
		t.Helper()
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
		}
		var n int
		for _, c := range w.Body.String() {
			if c == '{' {
				n++
			}
		}
		return n
	}
	const near = "/api/stops-street?date=2024-09&lat=51.452468&lng=0.178992"
	if n := count(near); n == 0 {
		t.Fatal("no stop at the golden record's point")
	}
	before := count(near)

	// The same records again as another force's: every point now has twice
	// the stops, and the kept month must not hide them.
	b, err := apitest.Golden.ReadFile("golden/stops-force-metropolitan-2024-09.json")
	if err != nil {
		t.Fatal(err)
	}
	// Compacted, so that it is not the same file (imports are idempotent
	// by content).
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "stops-force-btp-2024-09.json")
	if err := os.WriteFile(path, compact.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if rs, err := imp.Import(ctx, path); err != nil || importer.Summarise(rs).Imported != 1 {
		t.Fatalf("import as btp: %v %+v", err, rs)
	}
	// Many first requests at once read the month once and all get it.
	var wg sync.WaitGroup
	got := make([]*monthStops, 16)
	for i := range got {
		wg.Go(func() { got[i], _ = a.stopsOf(ctx, charter.MonthFromYYYYMM(202409)) })
	}
	wg.Wait()
	for _, ms := range got {
		if ms == nil || ms != got[0] || len(ms.recs) != 6 {
			t.Fatalf("concurrent first requests got different or wrong months")
		}
	}

	if after := count(near); after != 2*before {
		t.Fatalf("after another force's import: %d objects, want %d", after, 2*before)
	}

	// With room for one month only, asking for another evicts the first.
	old := cacheBytes
	cacheBytes = 1
	defer func() { cacheBytes = old }()
	m1, _ := charter.ParseMonth("2024-09")
	if _, err := a.stopsOf(ctx, m1); err != nil {
		t.Fatal(err)
	}
	city, err := apitest.Golden.ReadFile("golden/stops-city-of-london-2023-01.json")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "stops-city-of-london-2023-01.json")
	if err := os.WriteFile(path, city, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := imp.Import(ctx, path); err != nil {
		t.Fatal(err)
	}
	m2, _ := charter.ParseMonth("2023-01")
	if _, err := a.stopsOf(ctx, m1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.stopsOf(ctx, m2); err != nil {
		t.Fatal(err)
	}
	a.cache.mu.Lock()
	_, has1 := a.cache.months[m1]
	_, has2 := a.cache.months[m2]
	a.cache.mu.Unlock()
	if has1 || !has2 {
		t.Fatalf("over the bound: 2024-09 kept %v, 2023-01 kept %v; want only the latest used", has1, has2)
	}
}
