package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A vendored library goes gzipped to a browser that takes gzip, as it is to
// one that does not, each with its own ETag; an image is never gzipped.
func TestAssetsGzip(t *testing.T) {
	a, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{path...}", a)
	get := func(url, ae, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", url, nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	const lib = "vendor/d3.min.js"
	want, err := fs.ReadFile(a.files, lib)
	if err != nil {
		t.Fatal(err)
	}
	zipped := get(a.URL(lib), "gzip, deflate, br", "")
	if zipped.Code != 200 || zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() > len(want)/2 {
		t.Fatalf("gzip: %d, Content-Encoding %q, %d bytes of %d", zipped.Code, zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), len(want))
	}
	if cc := zipped.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" || zipped.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip: Cache-Control %q, Vary %q", cc, zipped.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("gunzipped d3 differs from the file (%v)", err)
	}
	plain := get(a.URL(lib), "", "")
	if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), want) {
		t.Fatal("a client without gzip did not get the file as it is")
	}
	if zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("both representations have one ETag")
	}
	if get(a.URL(lib), "gzip", zipped.Header().Get("ETag")).Code != http.StatusNotModified {
		t.Error("If-None-Match with the gzip ETag did not give 304")
	}
	for p := range a.hashOf {
		if _, ok := a.gz[p]; ok && (bytes.HasSuffix([]byte(p), []byte(".png")) || bytes.HasSuffix([]byte(p), []byte(".gif"))) {
			t.Errorf("%s is marked for gzip", p)
		}
	}
}
