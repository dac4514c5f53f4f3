package server

import (
	"bytes"
	"compress/gzip"
	"github.com/stopsearch/charter/internal/auth"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/metrics"
)

// respCache keeps whole public GET answers, keyed by method, URL and the
// data version, so that a page or API aggregate asked for again is a map
// lookup and a write (the load budget is 25,000 requests a second). Every
// answer is public: nothing personal is served on these paths. A new data
// version empties it; it is bounded in entries and bytes.
type respCache struct {
	version func() int64
	// epoch is random per process and goes into every ETag beside the
	// version: the version is a counter of this process, so after a
	// restart, or at another instance behind the same balancer, the same
	// number can name other data, and a client's If-None-Match must not
	// get a 304 for it.
	epoch   string
	metrics *metrics.Metrics // nil: not counted
	mu      sync.RWMutex
	at      int64
	items   map[string]*cached
	bytes   int
}

type cached struct {
	status int
	header http.Header
	body   []byte
	etag   string

	gzOnce sync.Once
	gz     []byte // body gzipped, made at the first hit that accepts it; nil if not smaller
}

// gzipMin is the smallest answer worth compressing.
const gzipMin = 1024

// gzipped is the body compressed (fastest level: it is made while a client
// waits, once per entry), or nil if that is not smaller.
func (e *cached) gzipped() []byte {
	e.gzOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		_, _ = zw.Write(e.body)
		if zw.Close() == nil && b.Len() < len(e.body) {
			e.gz = b.Bytes()
		}
	})
	return e.gz
}

const (
	cacheMaxEntries = 8192
	cacheMaxBytes   = 256 << 20
	cacheMaxItem    = 8 << 20
)

func newRespCache(version func() int64) *respCache {
	return &respCache{version: version, epoch: newRequestID()[:8], items: map[string]*cached{}}
}

// bufferWriter holds an answer back until the handler is done, so that it
// is in the cache before the client has it (a client that asks again at
// once gets the hit). An answer larger than cacheMaxItem is not kept: the
// part held is sent and the rest passes straight through.
type bufferWriter struct {
	w      http.ResponseWriter
	status int
	buf    bytes.Buffer
	over   bool
}

func (w *bufferWriter) Header() http.Header { return w.w.Header() }

// Unwrap lets httpx.NoteError and http.ResponseController reach the writers
// further in.
func (w *bufferWriter) Unwrap() http.ResponseWriter { return w.w }

func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.over {
		return w.w.Write(b)
	}
	if w.buf.Len()+len(b) <= cacheMaxItem {
		return w.buf.Write(b)
	}
	w.over = true
	w.w.WriteHeader(w.status)
	if _, err := w.w.Write(w.buf.Bytes()); err != nil {
		return 0, err
	}
	w.buf = bytes.Buffer{}
	return w.w.Write(b)
}

// finish sends what is held.
func (w *bufferWriter) finish() {
	if w.over {
		return
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.w.WriteHeader(w.status)
	_, _ = w.w.Write(w.buf.Bytes())
}

// cacheable says which answers are kept: the public's pages, downloads of
// figures and both APIs; never the static files (they have their own long
// lifetime) or the record CSV (streamed, large); never anything asked for
// with a session or a token (it may be personal, and a page kept for the
// public must not be shown to a signed-in user, nor theirs to the public);
// never the encounter's paths, which are personal or change with every
// record rather than with the published data.
func cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := r.Cookie(auth.CookieName); err == nil {
		return false
	}
	p := r.URL.Path
	for _, pre := range uncachedPrefixes {
		if strings.HasPrefix(p, pre) {
			return false
		}
	}
	return p != "/downloads/stops.csv" && p != "/healthz" && p != "/readyz"
}

// uncachedPrefixes are the paths the response cache never keeps.
var uncachedPrefixes = []string{"/static/", "/signin", "/signout", "/officer", "/r/", "/authorisations", "/feedback",
	"/audit", "/api/v1/records", "/api/v1/authorisations", "/api/v1/feedback", "/api/v1/audit",
	"/complaints", "/panel", "/api/v1/complaints", "/api/v1/community-triggers"}

func (c *respCache) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cacheable(r) {
			next.ServeHTTP(w, r)
			return
		}
		v := c.version()
		key := r.URL.RequestURI()
		c.mu.RLock()
		if c.at != v {
			c.mu.RUnlock()
			c.mu.Lock()
			if c.at != v {
				c.items, c.bytes, c.at = map[string]*cached{}, 0, v
			}
			c.mu.Unlock()
			c.mu.RLock()
		}
		e := c.items[key]
		c.mu.RUnlock()
		if e != nil {
			c.metrics.CacheHit()
			h := w.Header()
			for k, vs := range e.header {
				h[k] = vs
			}
			h.Set("X-Cache", "hit")
			// A kept answer is sent gzipped to clients that take it (most
			// do: browsers, Go's, Python's and R's HTTP clients), with an
			// ETag of its own for that representation.
			body, etag := e.body, e.etag
			if len(body) >= gzipMin && httpx.AcceptsGzip(r) {
				if gz := e.gzipped(); gz != nil {
					body, etag = gz, strings.TrimSuffix(e.etag, `"`)+`-gz"`
					h.Set("Content-Encoding", "gzip")
					h.Set("ETag", etag)
				}
			}
			if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			h.Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(e.status)
			if r.Method != http.MethodHead {
				_, _ = w.Write(body)
			}
			return
		}
		c.metrics.CacheMiss()
		etag := `"` + c.epoch + `-v` + strconv.FormatInt(v, 10) + `-` + strconv.FormatUint(fnv(key), 36) + `"`
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Vary", "Accept-Encoding")
		h.Set("ETag", etag)
		h.Set("X-Cache", "miss")
		bw := &bufferWriter{w: w}
		next.ServeHTTP(bw, r)
		if bw.status != http.StatusOK || bw.over || r.Method == http.MethodHead || h.Get("Cache-Control") == "no-store" {
			bw.finish()
			return
		}
		hdr := h.Clone()
		hdr.Del("X-Request-Id")
		hdr.Del("X-Cache")
		e = &cached{status: bw.status, header: hdr, body: bw.buf.Bytes(), etag: etag} // bw is not used again: no copy
		defer bw.finish()
		c.mu.Lock()
		if c.at == v {
			if len(c.items) >= cacheMaxEntries || c.bytes+len(e.body) > cacheMaxBytes {
				c.shed(len(e.body))
			}
			c.items[key] = e
			c.bytes += len(e.body)
		}
		c.mu.Unlock()
	})
}

// shed drops answers at random (Go's map order) until an eighth of the
// entries and bytes are free and need more bytes fit: a sweep of one-off
// answers (a client walking stops-street over a grid) then costs each page
// only an occasional recomputation, where starting again would drop every
// page at once. c.mu is held.
func (c *respCache) shed(need int) {
	for k, e := range c.items {
		if len(c.items) < cacheMaxEntries*7/8 && c.bytes+need <= cacheMaxBytes*7/8 {
			return
		}
		delete(c.items, k)
		c.bytes -= len(e.body)
	}
}

// fnv is FNV-1a, for short ETags.
func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
