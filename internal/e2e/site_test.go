// Package e2e tests Charter as its users meet it: the real server over the
// bundled real data (imported into SQLite, or PostgreSQL when
// CHARTER_TEST_DATABASE is set), asked over HTTP and in a real Chromium.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// site is the server under test, over the imported demo data.
type site struct {
	dsn string
	st  *store.Store
	srv *server.Server
	url string // without the trailing slash
}

func TestMain(m *testing.M) {
	// The command line keeps a PostgreSQL database's read model in the
	// user's cache directory: here a temporary one.
	cache, err := os.MkdirTemp("", "charter-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := storetest.Main(m)
	os.RemoveAll(cache)
	closeChromium()
	pack.ClosePrinter() // the pack printer's browser and its profile
	os.Exit(code)
}

// importDemo imports the bundled demo dataset, as `charter import --demo`
// does.
func importDemo(ctx context.Context, st *store.Store) error {
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, data.Demo)
	if err != nil {
		return err
	}
	if sum := importer.Summarise(rs); sum.Refused+sum.Rejects > 0 {
		return fmt.Errorf("demo import: %+v", sum)
	}
	return nil
}

// newSite opens a copy of the imported demo dataset (imported once per
// test process, see storetest.Fixture) and starts the server on a free
// port.
func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.Fixture(t, "demo", importDemo)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := server.DefaultConfig()
	cfg.RateLimit = 0 // one test client makes every request; the limiter has its own tests
	cfg.Quiet = true
	cfg.Watch = 100 * time.Millisecond
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{dsn: dsn, st: st, srv: srv, url: ts.URL}
}

// get fetches a path and returns status, content type and body.
func (s *site) get(t *testing.T, path string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// getJSON fetches a path that must answer 200 with JSON, decoded into v.
func (s *site) getJSON(t *testing.T, path string, v any) []byte {
	t.Helper()
	code, ct, b := s.get(t, path)
	if code != 200 || !strings.Contains(ct, "json") {
		t.Fatalf("GET %s: %d %s: %.300s", path, code, ct, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return b
}

// TestSite runs every end-to-end scenario over one import of the demo data
// (the import is what takes the time).
func TestSite(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	t.Run("pages", func(t *testing.T) { testPages(t, s) })
	t.Run("privacy", func(t *testing.T) { testPrivacy(t, s) })
	t.Run("api", func(t *testing.T) { testAPI(t, s) })
	t.Run("police api", func(t *testing.T) { testPoliceAPI(t, s) })
	t.Run("cli", func(t *testing.T) { testMatchesCLI(t, s) })
	t.Run("parts add up", func(t *testing.T) { testPartsAddUp(t, s) })
	t.Run("crawl", func(t *testing.T) { testCrawl(t, s) })
	t.Run("plain figures", func(t *testing.T) { testPlainFigures(t, s) })
	t.Run("downloads", func(t *testing.T) { testDownloads(t, s) })
	t.Run("browser", func(t *testing.T) { testBrowser(t, s) })
	t.Run("other process", func(t *testing.T) { testOtherProcess(t, s) })
}
