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
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/readmodel"
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

// tempDir holds what the package's tests share: the demo fixture's read
// model.
var tempDir string

func TestMain(m *testing.M) {
	var err error
	if tempDir, err = os.MkdirTemp("", "charter-e2e-"); err != nil {
		panic(err)
	}
	code := storetest.Main(m)
	os.RemoveAll(tempDir)
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
	model := demoReadModel(t, dsn)
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
	cfg.ReadModel = model
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if got := srv.Model.LoadedFrom(); got != "file" {
		t.Fatalf("the server did not start from the demo fixture's read model: %s", got)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{dsn: dsn, st: st, srv: srv, url: ts.URL}
}

// demoModel is the read model of the demo fixture, written once per test
// process.
var demoModel struct {
	once sync.Once
	path string
	err  error
}

// demoReadModel returns a copy, for one test's server, of the read model
// of the demo fixture. Every copy of the fixture holds the same data, so
// the file's data version is each copy's, and a server starts from it as
// it does at every start but its first, instead of reading every stop and
// crime count again (a second on SQLite, two on PostgreSQL, at each of the
// package's tests). The server writes its copy back as it follows the
// test's writes; the next test starts from the fixture's own again.
func demoReadModel(t *testing.T, dsn string) string {
	t.Helper()
	demoModel.once.Do(func() {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			demoModel.err = err
			return
		}
		defer st.Close()
		path := filepath.Join(tempDir, "demo.readmodel")
		m, err := readmodel.Open(ctx, st, readmodel.Options{Path: path})
		if err != nil {
			demoModel.err = err
			return
		}
		if demoModel.err = m.Close(); demoModel.err == nil {
			demoModel.path = path
		}
	})
	if demoModel.err != nil {
		t.Fatalf("the demo fixture's read model: %v", demoModel.err)
	}
	b, err := os.ReadFile(demoModel.path)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "charter.readmodel")
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
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
