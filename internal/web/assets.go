package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/stopsearch/charter/internal/httpx"
)

//go:embed static
var staticFS embed.FS

//go:embed templates
var templateFS embed.FS

// Assets serves the embedded static files under content-hashed URLs,
// /static/<hash>/<path>, so that they can be cached for a year: a changed
// file gets a new URL. The hash is of the file's bytes, computed at start.
type Assets struct {
	files  fs.FS
	hashOf map[string]string   // path → first 12 hex digits of sha256
	gz     map[string]*gzipped // compressible path → its gzip, made at first need
}

// gzipped is a static file compressed once, at the first request that takes
// gzip: the vendored libraries a dashboard loads (d3, Plot, Leaflet, htmx) are
// about 700 kB as they are and a third of that gzipped, which counts on
// a phone.
type gzipped struct {
	once sync.Once
	body []byte // nil if compression does not make it smaller
}

// compressible are the extensions worth gzipping (images are compressed
// already).
var compressible = map[string]bool{".js": true, ".css": true, ".svg": true, ".json": true, ".html": true, ".txt": true, ".md": true}

// NewAssets hashes every embedded static file.
func NewAssets() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &Assets{files: sub, hashOf: map[string]string{}, gz: map[string]*gzipped{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashOf[p] = hex.EncodeToString(sum[:])[:12]
		if compressible[path.Ext(p)] {
			a.gz[p] = &gzipped{}
		}
		return nil
	})
	return a, err
}

// URL is the hashed URL of a static file; templates call it as {{asset "css/charter.css"}}.
// An unknown path panics at template execution, so a typo fails the page tests.
func (a *Assets) URL(p string) string {
	h, ok := a.hashOf[p]
	if !ok {
		panic("web: no static file " + p)
	}
	return "/static/" + h + "/" + p
}

// ServeHTTP serves /static/{hash}/{path...}. A stale hash still gets the
// current file (a page cached before a deploy keeps working) but without the
// long cache lifetime.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := path.Clean(r.PathValue("path"))
	h, ok := a.hashOf[p]
	if !ok || strings.HasPrefix(p, "..") {
		http.NotFound(w, r)
		return
	}
	if r.PathValue("hash") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Vary", "Accept-Encoding")
	if g := a.gz[p]; g != nil && httpx.AcceptsGzip(r) {
		if body := g.get(a.files, p); body != nil {
			w.Header().Set("ETag", `"`+h+`-gz"`)
			w.Header().Set("Content-Encoding", "gzip")
			http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(body))
			return
		}
	}
	w.Header().Set("ETag", `"`+h+`"`)
	http.ServeFileFS(w, r, a.files, p)
}

// get compresses the file on first use (best compression: once per file and
// process).
func (g *gzipped) get(files fs.FS, p string) []byte {
	g.once.Do(func() {
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return
		}
		var out bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		_, _ = zw.Write(b)
		if zw.Close() == nil && out.Len() < len(b) {
			g.body = out.Bytes()
		}
	})
	return g.body
}
