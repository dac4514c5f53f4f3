package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
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
	hashOf map[string]string // path → first 12 hex digits of sha256
}

// NewAssets hashes every embedded static file.
func NewAssets() (*Assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &Assets{files: sub, hashOf: map[string]string{}}
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
	w.Header().Set("ETag", `"`+h+`"`)
	http.ServeFileFS(w, r, a.files, p)
}
