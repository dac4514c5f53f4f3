package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/export"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/public"
)

// csvCache keeps the record CSVs built, gzipped, for the data version they
// were built at: the full-range download of the demo data is 62 MB of CSV
// and about a seventh of that gzipped, and rebuilding it for every request
// cost a second of CPU and the whole file in flight. A file is built once
// per version (concurrent requests wait for that one build), kept only
// gzipped, and sent as it is to clients that take gzip, decompressed as it
// is sent to those that do not.
type csvCache struct {
	mu    sync.Mutex
	at    int64 // the data version the files belong to
	files map[csvKey]*csvFile
	tick  int64
	// builds counts the files built, for tests.
	builds atomic.Int64
}

type csvKey struct {
	force    string
	from, to charter.Month
}

type csvFile struct {
	once sync.Once
	err  error
	gz   []byte // the CSV gzipped
	size int64  // of the CSV
	etag string // of the CSV; the gzipped representation's ends -gz
	used int64  // under csvCache.mu
}

// csvCacheBytes bounds the gzipped files kept (a variable for tests); the
// least recently used go first. The file just built is always kept.
var csvCacheBytes = 64 << 20

// get returns the file for k, building it on first use at this version.
func (c *csvCache) get(ctx context.Context, version int64, k csvKey, build func(context.Context, io.Writer) error) (*csvFile, error) {
	c.mu.Lock()
	if c.files == nil || c.at != version {
		c.files, c.at = map[csvKey]*csvFile{}, version
	}
	f := c.files[k]
	if f == nil {
		f = &csvFile{}
		c.files[k] = f
	}
	c.tick++
	f.used = c.tick
	c.mu.Unlock()

	// Built for everyone waiting on it: not ended by the first caller
	// going away.
	f.once.Do(func() { f.err = f.build(context.WithoutCancel(ctx), build); c.builds.Add(1) })
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.err != nil {
		if c.files[k] == f {
			delete(c.files, k) // let a later request try again
		}
		return nil, f.err
	}
	c.evict(k)
	return f, nil
}

// evict drops the least recently used files (never keep) while more than
// csvCacheBytes are held. c.mu is held.
func (c *csvCache) evict(keep csvKey) {
	total := 0
	for _, f := range c.files {
		total += len(f.gz)
	}
	for total > csvCacheBytes {
		var oldest csvKey
		var o *csvFile
		for k, f := range c.files {
			if k != keep && len(f.gz) > 0 && (o == nil || f.used < o.used) {
				oldest, o = k, f
			}
		}
		if o == nil {
			return
		}
		delete(c.files, oldest)
		total -= len(o.gz)
	}
}

// countWriter counts what passes.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func (f *csvFile) build(ctx context.Context, build func(context.Context, io.Writer) error) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(zw, h)}
	if err := build(ctx, cw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	f.gz, f.size = bytes.Clone(buf.Bytes()), cw.n
	f.etag = `"csv-` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
	return nil
}

// serve sends the file: gzipped to a client that takes gzip, otherwise
// decompressed on the fly; 304 to a client that holds it.
func (f *csvFile) serve(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "public, max-age=300")
	gz := httpx.AcceptsGzip(r)
	etag := f.etag
	if gz {
		etag = etag[:len(etag)-1] + `-gz"`
	}
	h.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(f.gz)))
	} else {
		h.Set("Content-Length", strconv.FormatInt(f.size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if gz {
		_, err := w.Write(f.gz)
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.gz))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, zr)
	return err
}

// stopsCSV serves a force's stops in the data.police.uk archive CSV format
// for a month (or a from–to range): the published, anonymised fields only.
func (s *Site) stopsCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := charter.StopFilter{Force: q.Get("force")}
	if f.Force == "" {
		f.Force = s.fig.Force
	}
	if _, ok := charter.LookupForce(f.Force); !ok {
		s.fail(w, r, charter.Errorf(charter.ENOTFOUND, "no force %q", f.Force))
		return
	}
	if m := q.Get("month"); m != "" {
		mo, err := charter.ParseMonth(m)
		if err != nil {
			s.fail(w, r, charter.Errorf(charter.EINVALID, "month: %v", charter.ErrorMessage(err)))
			return
		}
		f.From, f.To = mo, mo
	} else {
		fl, err := public.ParseFilter(q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if fl, err = s.fig.Resolve(r.Context(), fl); err != nil {
			s.fail(w, r, err)
			return
		}
		f.From, f.To = fl.From, fl.To
	}
	name := f.From.String() + "-" + f.Force + "-stop-and-search.csv"
	if f.To != f.From {
		name = f.From.String() + "_" + f.To.String() + "-" + f.Force + "-stop-and-search.csv"
	}
	file, err := s.csvs.get(r.Context(), s.fig.Snapshot().Version, csvKey{f.Force, f.From, f.To}, func(ctx context.Context, w io.Writer) error {
		pw, err := export.NewPoliceCSV(w)
		if err == nil {
			err = s.fig.St.FindStops(ctx, f, pw.Write)
		}
		if err == nil {
			err = pw.Flush()
		}
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := file.serve(w, r); err != nil {
		s.log.Debug("csv download cut short", "err", err) // the client went away
	}
}
