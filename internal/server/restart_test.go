package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// pgProxy forwards TCP connections to PostgreSQL, and can drop them all and
// refuse new ones, as a database server restarting does to its clients.
type pgProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	down   bool
}

func newPGProxy(t *testing.T, target string) *pgProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.setDown(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			if !down {
				p.conns = append(p.conns, c)
			}
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			go p.forward(c)
		}
	}()
	return p
}

func (p *pgProxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, s)
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

// setDown drops every connection and refuses new ones (true), or takes
// them again (false).
func (p *pgProxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// PostgreSQL restarted under a running server: while it is down, requests
// that need the store fail clearly and quickly (503 from /readyz with the
// reason; a server error with a request id, never a hang); once it is back,
// the server recovers without a restart of Charter.
func TestStoreRestart(t *testing.T) {
	base := os.Getenv("CHARTER_TEST_DATABASE")
	if !store.IsPostgres(base) {
		t.Skip("a PostgreSQL server restart: runs in the PostgreSQL pass (CHARTER_TEST_DATABASE)")
	}
	dsn := storetest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newPGProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	ctx := context.Background()
	st, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{
		"boundaries/london-lad22.geojson.gz", "police-uk/stops-force-metropolitan-2024-09.json.gz"}); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Watch, cfg.RateLimit, cfg.Logger = 0, 0, slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	h := srv.Handler()
	if w := from(h, "GET", "/readyz", "192.0.2.9"); w.Code != 200 {
		t.Fatalf("/readyz before: %d %s", w.Code, w.Body)
	}

	proxy.setDown(true)
	start := time.Now()
	if w := from(h, "GET", "/readyz", "192.0.2.9"); w.Code != 503 || !strings.Contains(w.Body.String(), "the store does not answer") {
		t.Errorf("/readyz with the database down: %d %q", w.Code, w.Body)
	}
	for _, path := range []string{"/api/stops-force?force=metropolitan&date=2024-09", "/boroughs/E09000002"} {
		w := from(h, "GET", path, "192.0.2.9")
		if w.Code < 500 || w.Header().Get("X-Request-Id") == "" {
			t.Errorf("%s with the database down: %d, request id %q", path, w.Code, w.Header().Get("X-Request-Id"))
		}
	}
	// A statistic is computed from the read model in memory alone, so it
	// is still answered while the database is down.
	if w := from(h, "GET", "/api/v1/areas/E09000002/profile", "192.0.2.9"); w.Code != 200 || !strings.Contains(w.Body.String(), "E09000002") {
		t.Errorf("the profile with the database down: %d %.200s", w.Code, w.Body)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the failures took %s: they must be quick, not a hang", took)
	}

	proxy.setDown(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := from(h, "GET", "/readyz", "192.0.2.9")
		s := from(h, "GET", "/api/stops-force?force=metropolitan&date=2024-09", "192.0.2.9")
		p := from(h, "GET", "/boroughs/E09000002", "192.0.2.9")
		if r.Code == 200 && s.Code == 200 && p.Code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not recovered 20 s after the database came back: /readyz %d, stops-force %d, borough page %d", r.Code, s.Code, p.Code)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
