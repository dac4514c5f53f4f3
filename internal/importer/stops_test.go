package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/export"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

const (
	metZip       = "../../data/police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip"
	boundaryDir  = "../../data/boundaries/"
	apiJSONGlob  = "../../data/police-uk/stops-force-metropolitan-*.json.gz"
	extractionGz = "../../data/police-uk/london_stops_12_months_to_nov22.csv.gz"
)

// metMonths are the rows per archive month, from the data's SOURCES notes.
var metMonths = map[string]int{
	"2021-06": 16685, "2021-07": 15673, "2021-08": 16433, "2021-09": 14319, "2021-10": 18129,
	"2021-11": 16513, "2021-12": 14813, "2022-02": 17216, "2022-03": 17943, "2022-04": 14585,
	"2022-05": 16689, "2022-07": 15184, "2022-08": 17286,
}

func openStore(t testing.TB) *store.Store { return storetest.Open(t) }

func openDSN(t testing.TB) string { return storetest.DSN(t) }

func newImporter(t testing.TB, s *store.Store) (*Importer, *[]charter.Reject) {
	var rejects []charter.Reject
	return &Importer{Store: s, Reject: func(r charter.Reject) { rejects = append(rejects, r) }}, &rejects
}

func mustImport(t testing.TB, im *Importer, paths ...string) []Result {
	t.Helper()
	rs, err := im.Import(context.Background(), paths...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func monthCounts(t testing.TB, s *store.Store) map[string]charter.MonthCounts {
	t.Helper()
	cs, err := s.MonthCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]charter.MonthCounts{}
	for _, c := range cs {
		out[c.Force+"/"+c.Month.String()] = c
	}
	return out
}

// The 13 real Met archive months: one record per source row, re-import adds
// nothing, and export reproduces every row.
func TestMetArchiveImportExport(t *testing.T) {
	s := storetest.Open(t)
	im, rejects := newImporter(t, s)
	rs := mustImport(t, im, metZip)
	if len(rs) != 13 {
		t.Fatalf("%d sources in the zip, want 13", len(rs))
	}
	for _, r := range rs {
		if r.Err != nil || r.Skipped {
			t.Fatalf("%s: %+v", r.Source, r)
		}
	}
	if len(*rejects) != 0 {
		t.Fatalf("%d rejects in real data, first %v", len(*rejects), (*rejects)[0])
	}
	mc := monthCounts(t, s)
	total := 0
	for m, want := range metMonths {
		if got := mc["metropolitan/"+m].Count; got != want {
			t.Errorf("%s: stored %d, want %d", m, got, want)
		}
		total += want
	}
	if len(mc) != 13 {
		t.Errorf("%d force-months stored, want 13", len(mc))
	}

	// Re-import: every source unchanged, nothing added.
	rs = mustImport(t, im, metZip)
	for _, r := range rs {
		if !r.Skipped || r.Rows != 0 {
			t.Fatalf("re-import of %s: %+v", r.Source, r)
		}
	}
	if n, _ := s.CountStops(context.Background(), charter.StopFilter{}); n != total {
		t.Fatalf("after re-import %d stops, want %d", n, total)
	}

	// Export each month and compare with the source file as multisets of rows.
	zr, err := zip.OpenReader(metZip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		month := filepath.Base(f.Name)[:7]
		rc, _ := f.Open()
		src, _ := io.ReadAll(rc)
		rc.Close()
		m, _ := charter.ParseMonth(month)
		var out bytes.Buffer
		pw, _ := export.NewPoliceCSV(&out)
		if err := s.FindStops(context.Background(), charter.StopFilter{Force: "metropolitan", From: m, To: m}, pw.Write); err != nil {
			t.Fatal(err)
		}
		pw.Flush()
		want, got := csvRows(t, src), csvRows(t, out.Bytes())
		if len(want) != len(got) {
			t.Errorf("%s: exported %d rows, source has %d", month, len(got), len(want))
			continue
		}
		for i := range want {
			if want[i] != got[i] {
				t.Errorf("%s: rows differ (sorted position %d):\n source %s\n export %s", month, i, want[i], got[i])
				break
			}
		}
	}
}

// csvRows returns the rows of a CSV (header first, then the data rows
// sorted), each re-joined, so two files compare as multisets of rows.
func csvRows(t testing.TB, b []byte) []string {
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, rec := range recs {
		out[i] = strings.Join(rec, "\x1f")
	}
	sort.Strings(out[1:])
	return out
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func zipMember(t testing.TB, name string) []byte {
	zr, err := zip.OpenReader(metZip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if filepath.Base(f.Name) == name {
			rc, _ := f.Open()
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return b
		}
	}
	t.Fatalf("%s not in %s", name, metZip)
	return nil
}

// replaceLine replaces one field of one line (1-based) of a CSV file.
func replaceField(t testing.TB, data []byte, line, field int, value string) []byte {
	lines := strings.Split(string(data), "\n")
	rec, err := csv.NewReader(strings.NewReader(lines[line-1])).Read()
	if err != nil {
		t.Fatal(err)
	}
	rec[field] = value
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	lines[line-1] = strings.TrimRight(b.String(), "\n")
	return []byte(strings.Join(lines, "\n"))
}

// A corrupted copy: bad rows are rejected with their line and column, files
// that cannot be read are refused whole, and only valid rows of readable
// files are stored.
func TestCorruptedCopy(t *testing.T) {
	s := storetest.Open(t)
	dir := t.TempDir()
	orig := zipMember(t, "2021-06-metropolitan-stop-and-search.csv")
	bad := replaceField(t, orig, 10, 1, "2021-06-31T25:00:00+00:00") // bad date
	bad = replaceField(t, bad, 20, 4, "999")                         // latitude 999
	bad = replaceField(t, bad, 30, 8, "Martian")                     // unknown ethnicity
	writeFile(t, filepath.Join(dir, "2021-06-metropolitan-stop-and-search.csv"), bad)

	// Missing column: drop "Legislation" from every row.
	jul := zipMember(t, "2021-07-metropolitan-stop-and-search.csv")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	recs, _ := csv.NewReader(bytes.NewReader(jul)).ReadAll()
	for _, r := range recs {
		w.Write(append(append([]string{}, r[:10]...), r[11:]...))
	}
	w.Flush()
	writeFile(t, filepath.Join(dir, "2021-07-metropolitan-stop-and-search.csv"), b.Bytes())

	// Truncated file: cut in the middle of a row.
	aug := zipMember(t, "2021-08-metropolitan-stop-and-search.csv")
	cut := bytes.LastIndexByte(aug[:len(aug)/2], '\n') + 40
	writeFile(t, filepath.Join(dir, "2021-08-metropolitan-stop-and-search.csv"), aug[:cut])
	augRows := bytes.Count(aug[:cut], []byte{'\n'}) - 1 // complete data rows before the cut

	// Truncated zip.
	z, _ := os.ReadFile(metZip)
	writeFile(t, filepath.Join(dir, "truncated.zip"), z[:len(z)/3])
	// Not a CSV at all.
	writeFile(t, filepath.Join(dir, "2021-09-metropolitan-stop-and-search.csv"), []byte("\x00\x01\x02PK garbage\xff\xfe"))

	im, rejects := newImporter(t, s)
	rs := mustImport(t, im, dir)
	byName := map[string]Result{}
	for _, r := range rs {
		byName[filepath.Base(r.Source)] = r
	}
	if r := byName["2021-06-metropolitan-stop-and-search.csv"]; r.Err != nil || r.Rows != 16685-3 || r.Rejects != 3 {
		t.Errorf("bad-rows file: %+v", r)
	}
	if r := byName["2021-07-metropolitan-stop-and-search.csv"]; r.Err == nil || !strings.Contains(r.Err.Error(), `column "Legislation" is missing`) {
		t.Errorf("missing-column file: %+v", r)
	}
	if r := byName["2021-08-metropolitan-stop-and-search.csv"]; r.Err != nil || r.Rows != augRows || r.Rejects != 1 {
		t.Errorf("truncated file: %+v, want %d rows and 1 reject", r, augRows)
	}
	if r := byName["truncated.zip"]; r.Err == nil || !strings.Contains(r.Err.Error(), "zip") {
		t.Errorf("truncated zip: %+v", r)
	}
	if r := byName["2021-09-metropolitan-stop-and-search.csv"]; r.Err == nil || !strings.Contains(r.Err.Error(), "not a readable file") {
		t.Errorf("garbage file: %+v", r)
	}
	want := map[int]string{10: "Date", 20: "Latitude", 30: "Self-defined ethnicity"}
	got := map[int]string{}
	for _, r := range *rejects {
		if strings.HasSuffix(r.File, "2021-06-metropolitan-stop-and-search.csv") {
			got[r.Line] = r.Column
		}
	}
	for line, col := range want {
		if got[line] != col {
			t.Errorf("line %d: reject column %q, want %q (all: %v)", line, got[line], col, *rejects)
		}
	}
	mc := monthCounts(t, s)
	if len(mc) != 2 || mc["metropolitan/2021-06"].Count != 16682 || mc["metropolitan/2021-08"].Count != augRows {
		t.Errorf("stored months %v", mc)
	}
}

// An import interrupted part-way leaves the store as it was before the file.
func TestInterruptedImport(t *testing.T) {
	s := storetest.Open(t)
	im, _ := newImporter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	data := zipMember(t, "2021-06-metropolitan-stop-and-search.csv")
	opens := 0
	src := source{name: "2021-06-metropolitan-stop-and-search.csv", open: func() (io.ReadCloser, error) {
		opens++
		if opens == 1 { // the checksum pass
			return io.NopCloser(bytes.NewReader(data)), nil
		}
		return io.NopCloser(&cancelAfter{r: bytes.NewReader(data), n: len(data) / 2, cancel: cancel}), nil
	}}
	_, err := im.importSources(ctx, []source{src})
	if err == nil || opens != 2 {
		t.Fatalf("interrupted import returned %v after %d opens", err, opens)
	}
	if n, _ := s.CountStops(context.Background(), charter.StopFilter{}); n != 0 {
		t.Fatalf("%d stops stored by an interrupted import", n)
	}
	// The file imports in full afterwards.
	rs, err := im.importSources(context.Background(), []source{{name: src.name, open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}})
	if err != nil || rs[0].Rows != 16685 {
		t.Fatalf("re-run after interruption: %+v %v", rs, err)
	}
}

// cancelAfter cancels a context once n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int
	read   int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	if c.read > c.n {
		c.cancel()
	}
	return n, err
}
