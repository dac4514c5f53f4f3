package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

// testOtherProcess imports a file through a second store on the same
// database, as `charter import` beside `charter serve` would, and waits for
// the site to show it. The file holds the first three real Met records of
// 2022-03 moved to 2023-05, a month the demo data lacks. It runs last: it
// changes the data.
func testOtherProcess(t *testing.T, s *site) {
	ctx := context.Background()
	other, err := store.Open(ctx, s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rs, err := (&importer.Importer{Store: other}).Import(ctx, "testdata/2023-05-metropolitan-stop-and-search.csv")
	if err != nil || importer.Summarise(rs).Rows != 3 {
		t.Fatalf("import: %+v %v", rs, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var p apiProfile
		// The same URL each time: the cached answer must be dropped too.
		s.getJSON(t, "/api/v1/areas/metropolitan/profile", &p)
		for _, m := range p.Trend {
			if m.Month == "2023-05" && m.Searches != nil && *m.Searches == 3 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the site did not show another process's import within 20 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
