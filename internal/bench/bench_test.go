package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

// hidden are peers that cannot be found: what a machine without them sees.
var hidden = Peers{SQLite3: "no-such-sqlite3", Pythons: []string{"no-such-python3"}, DuckDB: "no-such-duckdb", Node: "no-such-node"}

// hidePath empties PATH for the test, so that no peer (nor npm) is found
// there.
func hidePath(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("NODE_PATH", "")
}

// peerLines returns the lines that name a peer.
func peerLines(out string) []string {
	var ls []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "peer:") {
			ls = append(ls, l)
		}
	}
	return ls
}

// figure is a number with a unit, as a measured figure is printed.
var figure = regexp.MustCompile(`[0-9][0-9,.]* (s|ms|rows/s)\b|\b[0-9][0-9,]{2,}\s+\(`)

// With every peer hidden, analytics names each peer as not measured, with
// how to install it, and prints no figure for any of them.
func TestAnalyticsWithoutPeers(t *testing.T) {
	hidePath(t)
	var out bytes.Buffer
	if err := Analytics(context.Background(), &out, AnalyticsOptions{Runs: 1, Sizes: []int{20000}, Peers: hidden}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`CSV → borough rates per 1,000 and ratios to White \(211,468 rows\)\s+[0-9.]+ s  \(budget ≤ 0.8 s: (met|NOT met)\)`),
		regexp.MustCompile(`20k stops\s+[0-9.]+ ms \(budget ≤ 3 ms: (met|NOT met)\)`),
		regexp.MustCompile(`peer: pandas \+ geopandas, spatial join of every row\s+–\s+\(not measured: pandas with geopandas is not installed \(apt-get install python3-geopandas\)\)`),
		regexp.MustCompile(`peer: pandas \+ geopandas, each distinct point joined once\s+–\s+\(not measured: `),
		regexp.MustCompile(`peer: DuckDB, same compute on the same rows\s+–\s+\(not measured: DuckDB is not installed \(.*@duckdb/node-api\)\)`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	lines := peerLines(s)
	if len(lines) != 3 {
		t.Errorf("%d peer lines, want 3 (two pandas, one DuckDB):\n%s", len(lines), s)
	}
	for _, l := range lines {
		if figure.MatchString(l) || !strings.Contains(l, "not measured") {
			t.Errorf("a peer that is not installed has a figure or no 'not measured': %q", l)
		}
	}
}

// fakePython is a Python that is not one: it says every module imports and
// answers the peer scripts with figures of its own, rates that disagree
// with Charter's, and DuckDB's rows counted from the file it is given (in
// the shell alone: PATH is hidden).
const fakePython = `#!/bin/sh
case "$1" in
-c) exit 0 ;;
*rates.py) echo '{"seconds": 0.25, "rows": 7, "rates": {"E09000007": {"Black": {"rate": 1.5}}}}' ;;
*duckdb.py) n=-1; while read -r l; do n=$((n+1)); done < "$3"; echo "{\"query_ms\": 4.5, \"count_ms\": 0.75, \"groups\": 9, \"rows\": $n, \"bytes\": 120, \"version\": \"v0.0-fake\"}" ;;
*) exit 1 ;;
esac
`

// The peers' answers are printed as they came, beside Charter's figure, and
// borough rates that differ from Charter's are flagged.
func TestPeersAnswers(t *testing.T) {
	hidePath(t)
	dir := t.TempDir()
	py := filepath.Join(dir, "python3")
	if err := os.WriteFile(py, []byte(fakePython), 0o755); err != nil {
		t.Fatal(err)
	}
	peers := hidden
	peers.Pythons = []string{py}
	ctx := context.Background()
	var out bytes.Buffer
	want := rates{"E09000007": {"Black": 71.3, "White": 20}}
	if err := pandasPeer(ctx, &out, dir, AnalyticsOptions{Runs: 1, Peers: peers}, 0.5, want); err != nil {
		t.Fatal(err)
	}
	// Six stops of one borough, in months inside and outside the
	// aggregate's twelve: DuckDB is given all six rows.
	ix := index.New()
	for i, g := range []string{"White - Irish", "White - Irish", "Asian/Asian British - Indian", "Black/African/Caribbean/Black British - African", "", "White - Roma"} {
		st := &charter.Stop{Force: "metropolitan", Month: charter.NewMonth(2021, time.Month(6+i%2*6)), SourceRow: i, Type: "Person search", SelfDefinedEthnicity: g}
		st.Areas[charter.LevelBorough] = 1
		if err := ix.Add(st); err != nil {
			t.Fatal(err)
		}
	}
	run, ok := peers.duckdb()
	if !ok || run.kind != "python" {
		t.Fatalf("DuckDB through the fake Python not found: %+v", run)
	}
	pops := map[string]map[charter.EthnicGroup]int{"1": {charter.GroupWhite: 1000, charter.GroupAsian: 300, charter.GroupBlack: 200}}
	if err := duckdbPeer(ctx, &out, dir, run, ix, pops, 1, 1.5); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`peer: pandas \+ geopandas, spatial join of every row\s+0.250 s  \(7 rows, .*Charter takes 2.00× its time\)`),
		regexp.MustCompile(`peer: pandas \+ geopandas, each distinct point joined once\s+0.250 s`),
		regexp.MustCompile(`WARNING: the peer's rates differ from Charter's in 2 of 2 boroughs' groups, the first: E09000007 Black: Charter 71.300, the peer 1.500`),
		regexp.MustCompile(`peer: DuckDB, same compute on the same rows\s+4.50 ms \(DuckDB 0.0-fake, Python module; Charter takes 0.33× its time\)`),
		regexp.MustCompile(`peer: DuckDB, a plain count of the rows\s+0.75 ms`),
		regexp.MustCompile(`peer: DuckDB memory per row\s+20.0 B`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "not measured") {
		t.Errorf("a peer that answered is reported as not measured:\n%s", s)
	}
	rows, err := os.ReadFile(filepath.Join(dir, "duck-stops.csv"))
	if err != nil || strings.Count(string(rows), "\n") != 7 || !strings.Contains(string(rows), "202112,1,White\n") {
		t.Errorf("the rows given to DuckDB: %q %v, want a header and six rows", rows, err)
	}
}

// The sqlite3 shell hidden is named as not measured, with how to install
// it, and given no figure.
func TestSQLite3PeerHidden(t *testing.T) {
	hidePath(t)
	var out bytes.Buffer
	if err := sqlite3Peer(&out, t.TempDir(), 1, hidden, 1000); err != nil {
		t.Fatal(err)
	}
	lines := peerLines(out.String())
	if len(lines) != 1 || !strings.Contains(lines[0], "not measured: the sqlite3 shell is not installed (apt-get install sqlite3)") || figure.MatchString(lines[0]) {
		t.Errorf("peer lines %q, want the sqlite3 shell not measured", lines)
	}
}

// A fake sqlite3 shell that reads its script and succeeds is timed beside
// Charter, on the same number of rows; PostgreSQL is measured when the
// tests run on it, and named as not measured without an address.
func TestImport(t *testing.T) {
	pg := os.Getenv("CHARTER_TEST_DATABASE")
	if !store.IsPostgres(pg) {
		pg = ""
	}
	pgLine := regexp.MustCompile(`Charter → PostgreSQL\s+–\s+\(not measured: no PostgreSQL address was given\)`)
	if pg != "" {
		pgLine = regexp.MustCompile(`Charter → PostgreSQL \(COPY; validated, assigned\)\s+[1-9][0-9,]*\n`)
	}
	hidePath(t)
	sh := filepath.Join(t.TempDir(), "sqlite3")
	if err := os.WriteFile(sh, []byte("#!/bin/sh\nwhile read -r l; do :; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Import(context.Background(), &out, ImportOptions{Runs: 1, PG: pg, Peers: Peers{SQLite3: sh}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Charter → SQLite .*\s[0-9,]+\s+\(211,468 rows; budget`),
		regexp.MustCompile(`peer: sqlite3 shell .import of the same rows \(no checks\)\s+[0-9,]+\s+\(211,468 rows; Charter is [0-9.]+× the peer\)`),
		pgLine,
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}

// few are the bundled files the tests of serve and start import: the
// boroughs and wards and one month of Met stops.
var few = []string{"boundaries/london-lad22.geojson.gz", "boundaries/london-wards-2022.geojson.gz", "police-uk/stops-force-metropolitan-2024-09.json.gz"}

// Serve measures the Go hello-world peer in the same run and prints the
// uncached stops-street figure beside it.
func TestServe(t *testing.T) {
	var out bytes.Buffer
	if err := Serve(context.Background(), &out, ServeOptions{Conns: 4, Duration: 200 * time.Millisecond, Data: few}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Go hello-world \(the peer: the ceiling of this machine\)\s+[0-9]+\s+[0-9.]+ ms`),
		regexp.MustCompile(`stops-street at a new point each request: [0-9,]+ req/s, handler p99 [0-9.]+ ms \(budget ≤ 5.00 ms: (met|NOT met)\)`),
		regexp.MustCompile(`the peer, a Go hello-world server in this run: [0-9,]+ req/s, handler p99 [0-9.]+ ms`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "FAILED") {
		t.Errorf("requests failed:\n%s", s)
	}
}

// Start prints both starts, from the read model's file and from the store
// (Start itself fails when a start did not load from where it says), and
// says it has no peer.
func TestStart(t *testing.T) {
	var out bytes.Buffer
	if err := Start(context.Background(), &out, StartOptions{Stops: 1, Runs: 1, Data: few}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !regexp.MustCompile(`first answer of /, from the read model's file\s+[0-9.]+ s`).MatchString(s) ||
		!regexp.MustCompile(`first start: no file, the model built from the store\s+[0-9.]+ s`).MatchString(s) || !strings.Contains(s, "no peer is measured") {
		t.Errorf("output lacks the start or the no-peer line:\n%s", s)
	}
	if !strings.Contains(s, "budget ≤ 1 s") {
		t.Errorf("a start on fewer than ten million stops is not held to a second:\n%s", s)
	}
}

// The cold-start fill adds up the stops it imports instead of counting the
// table after each round: its sum must be the store's count, also when a
// kept folder is filled further (its earlier rounds skipped, not counted
// twice).
func TestFillStoreCounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "charter.db")
	counted := func() int {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		n, err := st.CountStops(ctx, charter.StopFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, err := fillStore(ctx, dsn, dir, few, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	base := counted()
	if first != base {
		t.Fatalf("fill says %d stops, the store holds %d", first, base)
	}
	// One round of relabelled months (two of them), then a second on the
	// kept store.
	one, err := fillStore(ctx, dsn, dir, few, base+1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := counted(); one != got || one <= base {
		t.Fatalf("after one round the fill says %d stops, the store holds %d (before: %d)", one, got, base)
	}
	two, err := fillStore(ctx, dsn, dir, few, one+1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := counted(); two != got || two-one != one-base {
		t.Fatalf("after a second round on the kept store the fill says %d stops, the store holds %d (a round adds %d)", two, got, one-base)
	}
}

// Record submits from two officers and finds nothing lost or doubled.
func TestRecord(t *testing.T) {
	var out bytes.Buffer
	if err := Record(context.Background(), &out, RecordOptions{Officers: 2, Duration: 300 * time.Millisecond}); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if !regexp.MustCompile(`SQLite\s+[0-9,]+\s+[0-9]+\s+[0-9.]+ ms`).MatchString(out.String()) || !strings.Contains(out.String(), "No peer is measured") {
		t.Errorf("output:\n%s", out.String())
	}
}

// A round of the fill as another force moves each stop's date back whole
// years and writes the round's seconds, and changes nothing else, so that
// its file is new to the store (a checksum is of the content) and its stops
// keep their month, day and minute.
func TestRelabel(t *testing.T) {
	zr, err := metArchive()
	if err != nil {
		t.Fatal(err)
	}
	var f *zip.File
	for _, m := range zr.File {
		if strings.HasSuffix(m.Name, "2021-08-metropolitan-stop-and-search.csv") {
			f = m
		}
	}
	if f == nil {
		t.Fatal("the archive has no 2021-08 month")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	orig, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	p, err := relabel(f, t.TempDir(), fillRound{force: "kent", back: 4, second: 7})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "2017-08-kent-stop-and-search.csv" {
		t.Errorf("relabelled file named %s", filepath.Base(p))
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ol, gl := strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")
	if len(ol) != len(gl) || ol[0] != gl[0] {
		t.Fatalf("%d lines became %d, or the header changed", len(ol), len(gl))
	}
	for i := 1; i < len(ol); i++ {
		if ol[i] == "" {
			continue
		}
		oc, gc := strings.SplitN(ol[i], ",", 3), strings.SplitN(gl[i], ",", 3)
		od, gd := oc[1], gc[1] // 2021-07-31T23:01:00+00:00
		if oc[0] != gc[0] || oc[2] != gc[2] || gd != "2017"+od[4:17]+"07"+od[19:] {
			t.Fatalf("line %d: %q became %q", i+1, ol[i], gl[i])
		}
	}
}
