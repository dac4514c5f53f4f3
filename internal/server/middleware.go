package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// statusWriter remembers the status and size of an answer, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
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

// requestID gives every request an id, sent back as X-Request-Id and kept in
// the log line, so a user's report of an error can be found.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// logged logs one line per request and turns a panic into a 500 without
// showing its cause.
func logged(log *slog.Logger, quiet bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error (request "+id+")", http.StatusInternalServerError)
				}
			}
			if !quiet || sw.status >= 500 {
				log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status,
					"bytes", sw.size, "ms", float64(time.Since(start).Microseconds())/1000)
			}
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
