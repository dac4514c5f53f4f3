package policeapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/policeapi/apitest"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestPolyQueue: searches by polygon run PolySearches at a time; the next
// PolyQueue wait for a slot and are answered when one frees; one more is
// refused 429 at once, with Retry-After and the reason, so that a client
// sending the largest polygons cannot take every core nor hold memory
// without bound. Requests without a poly do not wait.
func TestPolyQueue(t *testing.T) {
	st := storetest.Open(t)
	if _, err := (&importer.Importer{Store: st}).ImportFS(context.Background(), apitest.Golden, []string{"golden/stops-city-of-london-2023-01.json"}); err != nil {
		t.Fatal(err)
	}
	a := New(st)
	mux := http.NewServeMux()
	a.Register(mux, nil)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	form := url.Values{"date": {"2023-01"}, "poly": {"51.52,-0.10:51.52,-0.07:51.50,-0.07:51.50,-0.10"}}
	post := func() *http.Response {
		resp, err := http.PostForm(srv.URL+"/api/stops-street", form)
		if err != nil {
			t.Error(err)
			return nil
		}
		resp.Body.Close()
		return resp
	}
	// Every slot taken.
	for range PolySearches {
		a.polys <- struct{}{}
	}
	var wg sync.WaitGroup
	codes := make(chan int, PolyQueue)
	for range PolyQueue {
		wg.Go(func() {
			if resp := post(); resp != nil {
				codes <- resp.StatusCode
			}
		})
	}
	for a.waiting.Load() < PolyQueue {
		runtime.Gosched()
	}
	resp := post()
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(resp.Header.Get(ErrorHeader), "polygon") {
		t.Fatalf("with %d waiting: %v, want 429 with Retry-After and the reason", PolyQueue, resp)
	}
	if resp, err := http.Get(srv.URL + "/api/stops-street?date=2023-01&lat=51.515&lng=-0.09"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("a search by radius while the polygons wait: %v %v", resp, err)
	}
	for range PolySearches {
		<-a.polys
	}
	wg.Wait()
	close(codes)
	n := 0
	for c := range codes {
		n++
		if c != 200 {
			t.Errorf("a search that waited: %d, want 200", c)
		}
	}
	if n != PolyQueue || a.waiting.Load() != 0 {
		t.Errorf("%d of the %d waiting answered, %d still counted as waiting", n, PolyQueue, a.waiting.Load())
	}
}
