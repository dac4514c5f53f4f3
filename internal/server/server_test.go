package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func TestMain(m *testing.M) {
	code := storetest.Main(m)
	pack.ClosePrinter() // the pack printer's browser and its profile
	os.Exit(code)
}

// newTestServer serves a store holding London's boroughs and 2018 wards,
// census populations and a month of Met stops, with the default limits.
func newTestServer(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	// The import is done once per test process; each server gets its own
	// copy of the store (storetest.Fixture).
	st := storetest.OpenFixture(t, "a month", func(ctx context.Context, st *store.Store) error {
		rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{
			"boundaries/london-lad22.geojson.gz", "boundaries/london-wards-2018.geojson.gz",
			"census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
			"police-uk/stops-force-metropolitan-2024-09.json.gz"})
		if err != nil {
			return err
		}
		if sum := importer.Summarise(rs); sum.Refused > 0 {
			return fmt.Errorf("import: %+v", rs)
		}
		return nil
	})
	cfg := DefaultConfig()
	cfg.Quiet, cfg.Watch, cfg.Logger = true, 0, slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.Handler()
}

// Unknown site paths answer the site's own 404 page, in its layout, with the
// ways back; paths under /api/ are left to the APIs.
func TestNotFound(t *testing.T) {
	h := newTestServer(t)
	for _, c := range []struct{ method, path, says string }{
		{"GET", "/nosuch", "There is no page at this address."},
		{"GET", "/nosuch/deeper?x=1", "There is no page at this address."},
		{"GET", "/wards/NOSUCH", "There is no ward with the code NOSUCH."},
		{"GET", "/boroughs/NOSUCH", "There is no borough with the code NOSUCH."},
		{"GET", "/boroughs/E05014066", "There is no borough with the code E05014066."},
		{"GET", "/forces/nosuch", "There is no police force called nosuch here."},
		{"GET", "/downloads/nosuch.geojson", "There is no page at this address."},
		{"POST", "/nosuch", "There is no page at this address."},
	} {
		w := from(h, c.method, c.path, "192.0.2.9")
		body := w.Body.String()
		if w.Code != http.StatusNotFound || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s %s: %d %s", c.method, c.path, w.Code, w.Header().Get("Content-Type"))
			continue
		}
		for _, want := range []string{
			"<title>Page not found · Charter</title>", `<header class="site">`, "/css/charter.css", c.says,
			`<a href="/">The dashboard</a>`, `<a href="/#areas">The boroughs</a>`, `<a href="/rights">Your rights</a>`,
			`<a href="/boroughs/E09000002">Barking and Dagenham</a>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s: no %q in the page", c.method, c.path, want)
			}
		}
		for _, not := range []string{"import", "--", "charter.db", ".geojson.gz"} {
			if strings.Contains(regexp.MustCompile(`(?s)<main.*</main>`).FindString(body), not) {
				t.Errorf("%s %s: the page says %q", c.method, c.path, not)
			}
		}
	}
	// A page asked with a method it does not take is 405, not missing.
	if w := from(h, "POST", "/rights", "192.0.2.9"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") == "" {
		t.Errorf("POST /rights: %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
	// The site's page never answers for the APIs' paths.
	for _, p := range []string{"/api/nosuch", "/api/v1/nosuch", "/api/forces/nosuch/deeper"} {
		if w := from(h, "GET", p, "192.0.2.9"); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), `<header class="site">`) {
			t.Errorf("GET %s: %d, the site's page: %.80q", p, w.Code, w.Body.String())
		}
	}
	if w := from(h, "GET", "/rights", "192.0.2.9"); w.Code != 200 {
		t.Errorf("/rights: %d", w.Code)
	}
}

// A link checker crawls the site from one address, pages and static files,
// without a 429, and the API from the same address still stops at its burst.
func TestCrawl(t *testing.T) {
	h := newTestServer(t)
	const addr = "192.0.2.7"
	href := regexp.MustCompile(`(?:href|src)="(/[^"#]*)"`)
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	var asked []string
	for len(queue) > 0 && len(asked) < 300 {
		p := queue[0]
		queue = queue[1:]
		w := from(h, "GET", strings.ReplaceAll(p, "&amp;", "&"), addr)
		asked = append(asked, p)
		if w.Code == http.StatusTooManyRequests {
			t.Fatalf("429 at request %d (%s) of a crawl", len(asked), p)
		}
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range href.FindAllStringSubmatch(w.Body.String(), -1) {
			if l := m[1]; !seen[l] && !strings.HasPrefix(l, "/api/") && !strings.Contains(l, "download") {
				seen[l] = true
				queue = append(queue, l)
			}
		}
	}
	if len(asked) < 100 || !seen["/rights"] || !seen["/boroughs/E09000002"] {
		t.Fatalf("the crawl found %d paths: %v", len(asked), asked)
	}
	// Again, as a checker's second run: every answer kept, so faster still.
	for i, p := range asked {
		if w := from(h, "GET", strings.ReplaceAll(p, "&amp;", "&"), addr); w.Code == http.StatusTooManyRequests {
			t.Fatalf("429 at request %d of the second crawl (%s)", len(asked)+i+1, p)
		}
	}
	if codes := burst(h, addr, 45, "/api/forces"); codes[http.StatusTooManyRequests] == 0 || codes[200] < 30 {
		t.Fatalf("45 quick API requests after the crawl: %v, want the API's burst of 30 and then 429", codes)
	}
}
