package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/export"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestStopsCSVBuiltOnce: the record CSV is built once per data version and
// kept gzipped; a second request, gzipped or not, is answered from what
// was kept with the same bytes as exporting the records afresh; a client
// holding it gets 304; a new data version builds it again.
func TestStopsCSVBuiltOnce(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	name := "police-uk/stops-force-metropolitan-2024-09.json.gz"
	if _, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{name}); err != nil {
		t.Fatal(err)
	}
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	fig := public.New(st, snap, "metropolitan")
	site, err := New(fig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	m, err := charter.ParseMonth("2024-09")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	pw, err := export.NewPoliceCSV(&want)
	if err == nil {
		err = st.FindStops(ctx, charter.StopFilter{Force: "metropolitan", From: m, To: m}, pw.Write)
	}
	if err == nil {
		err = pw.Flush()
	}
	if err != nil || want.Len() < 100_000 {
		t.Fatalf("export: %v, %d bytes", err, want.Len())
	}

	u := srv.URL + "/downloads/stops.csv?force=metropolitan&month=2024-09"
	// A transport that leaves gzip to us, so that what was sent is seen.
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	plain, body := get(t, c, u)
	if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || body != want.String() {
		t.Fatalf("plain: %d %q, %d bytes, want the %d bytes of the export", plain.StatusCode, plain.Header.Get("Content-Encoding"), len(body), want.Len())
	}
	zipped, zbody := get(t, c, u, "Accept-Encoding", "gzip")
	if zipped.StatusCode != 200 || zipped.Header.Get("Content-Encoding") != "gzip" || len(zbody) >= want.Len()/3 {
		t.Fatalf("gzip: %d %q, %d bytes for %d of CSV", zipped.StatusCode, zipped.Header.Get("Content-Encoding"), len(zbody), want.Len())
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(zbody)))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, want.Bytes()) {
		t.Fatalf("gzip: %v, %d bytes unzipped, want the export's %d", err, len(unzipped), want.Len())
	}
	if n := site.csvs.builds.Load(); n != 1 {
		t.Errorf("two requests built the file %d times, want once", n)
	}
	etag := zipped.Header.Get("ETag")
	if etag == "" || etag == plain.Header.Get("ETag") || plain.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("ETags %q (gzip) and %q, Vary %q: want two different ETags, varying by Accept-Encoding", etag, plain.Header.Get("ETag"), plain.Header.Get("Vary"))
	}
	if resp, b := get(t, c, u, "Accept-Encoding", "gzip", "If-None-Match", etag); resp.StatusCode != 304 || b != "" {
		t.Errorf("If-None-Match: %d, %d bytes, want 304 and none", resp.StatusCode, len(b))
	}
	snap.Version++ // a new version of the data
	if resp, b := get(t, c, u); resp.StatusCode != 200 || b != want.String() || site.csvs.builds.Load() != 2 {
		t.Errorf("a new data version: %d, %d bytes, %d builds, want the export again, built a second time", resp.StatusCode, len(b), site.csvs.builds.Load())
	}
}
