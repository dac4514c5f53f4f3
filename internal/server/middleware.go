package server

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/metrics"
)

// statusWriter remembers the status and size of an answer, and the error it
// was made from (httpx.NoteError), for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
	err    error
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

// Flush lets streaming downloads flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (read
// deadlines) and httpx.NoteError find writers further in.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// NoteError keeps the first error an answer was made from.
func (w *statusWriter) NoteError(err error) {
	if w.err == nil {
		w.err = err
	}
}

// newRequestID is a short random id (16 hex digits) for a request, sent
// back as X-Request-Id, in problem documents, and kept in the log line, so
// that a user's report of an error finds its cause.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestLog is the outermost middleware: it gives every request an id,
// logs one line per request (with the cause of an internal error, the only
// place that cause is logged), observes the request's metrics, and turns a
// panic into a 500 without showing its cause.
type requestLog struct {
	log   *slog.Logger
	quiet bool // only failed requests
	// mux names the route of answers it did not make itself (a cached
	// answer, a 429): metrics are by route pattern, never by raw path.
	mux     *http.ServeMux
	metrics *metrics.Metrics // nil: none
}

// route is the ServeMux pattern that answers r ("unmatched" if none).
func (l *requestLog) route(r *http.Request) string {
	p := r.Pattern
	if p == "" && l.mux != nil {
		_, p = l.mux.Handler(r)
	}
	if p == "" {
		p = "unmatched"
	}
	return p
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set(httpx.RequestIDHeader, id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				l.log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error (request "+id+")", http.StatusInternalServerError)
				}
			}
			took := time.Since(start)
			if sw.status == 0 {
				sw.status = http.StatusOK // the handler wrote nothing: net/http answers 200
			}
			internal := sw.err != nil && charter.ErrorCode(sw.err) == charter.EINTERNAL
			logIt := !l.quiet || sw.status >= 500 || internal
			if l.metrics == nil && !logIt {
				return // a quiet server without metrics (benchmarks) looks nothing up
			}
			route := l.route(r)
			l.metrics.ObserveRequest(route, sw.status, took)
			if !logIt {
				return
			}
			attrs := []any{"request_id", id, "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
				"bytes", sw.size, "ms", float64(took.Microseconds()) / 1000}
			if internal {
				// The one place an internal cause is logged; the user saw
				// only the safe message and this id.
				l.log.Error("request", append(attrs, "err", sw.err.Error())...)
				return
			}
			l.log.Info("request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// limiter is a leaky bucket per client address, so that one client cannot
// starve the others. Buckets idle for a minute are dropped.
type limiter struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	by    map[string]*bucket
	swept time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter is a limiter of rps a second with bursts of burst; nil (no
// limit) when rps is not positive.
func newLimiter(rps float64, burst int) *limiter {
	if rps <= 0 {
		return nil
	}
	return &limiter{rps: rate.Limit(rps), burst: max(burst, 1), by: map[string]*bucket{}, swept: time.Now()}
}

func (l *limiter) allow(addr string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.by {
			if now.Sub(b.seen) > time.Minute {
				delete(l.by, k)
			}
		}
		l.swept = now
	}
	b := l.by[addr]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rps, l.burst)}
		l.by[addr] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// limited answers 429 with Retry-After once a client exceeds its bucket.
// Each address has two: api for paths under /api/ (data.police.uk's own
// limit, 15 a second with bursts of 30, by default), and pages for the site's
// pages and static files, more generous, so that a person browsing or a link
// checker crawling the site is not refused while a client of the API cannot
// go past the API's limit. A nil limiter does not limit.
func limited(api, pages *limiter, next http.Handler) http.Handler {
	if api == nil && pages == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := pages
		if strings.HasPrefix(r.URL.Path, "/api/") {
			l = api
		}
		if l != nil {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				host = r.RemoteAddr
			}
			if !l.allow(host) {
				w.Header().Set("Retry-After", strconv.Itoa(1))
				http.Error(w, "too many requests: at most "+strconv.FormatFloat(float64(l.rps), 'f', -1, 64)+" a second, bursts of "+strconv.Itoa(l.burst), http.StatusTooManyRequests)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// bodyDeadline gives a request that has a body d to send it: the
// connection's read deadline is set when the handler starts and cleared when
// the body has been read to its end, so a client that trickles its body
// gets an error (and its connection closed) instead of holding the
// connection forever. A deadline for the whole request (http.Server's
// ReadTimeout) would do that too, but would also cancel the context of any
// answer that runs past it (net/http's background read times out), such as
// a long record download.
func bodyDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// deadlineBody clears the read deadline once the body is read to its end.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	cleared bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.cleared {
		b.cleared = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
