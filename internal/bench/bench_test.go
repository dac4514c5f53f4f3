package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
*duckdb.py) n=-1; while read -r l; do n=$((n+1)); done < "$3"; echo "{\"query_ms\": 4.5, \"count_ms\": 0.75, \"groups\": 9, \"rows\": $n, \"version\": \"v0.0-fake\"}" ;;
*) exit 1 ;;
esac
`

// The peers' answers are printed as they came, beside Charter's figure, and
// borough rates that differ from Charter's are flagged.
func TestAnalyticsPrintsPeersAnswers(t *testing.T) {
	hidePath(t)
	py := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(py, []byte(fakePython), 0o755); err != nil {
		t.Fatal(err)
	}
	peers := hidden
	peers.Pythons = []string{py}
	var out bytes.Buffer
	if err := Analytics(context.Background(), &out, AnalyticsOptions{Runs: 1, Sizes: []int{20000}, Peers: peers}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`peer: pandas \+ geopandas, spatial join of every row\s+0.250 s  \(7 rows, .*Charter takes [0-9.]+× its time\)`),
		regexp.MustCompile(`peer: pandas \+ geopandas, each distinct point joined once\s+0.250 s`),
		regexp.MustCompile(`WARNING: the peer's rates differ from Charter's in [0-9]+ of [0-9]+ boroughs' groups`),
		regexp.MustCompile(`peer: DuckDB, same compute on the same rows\s+4.50 ms \(DuckDB 0.0-fake, Python module; Charter takes [0-9.]+× its time\)`),
		regexp.MustCompile(`peer: DuckDB, a plain count of the rows\s+0.75 ms`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "not measured") {
		t.Errorf("a peer that answered is reported as not measured:\n%s", s)
	}
}

// Import names the sqlite3 shell as not measured when it is hidden, and
// PostgreSQL as not measured when no address is given.
func TestImportWithoutPeer(t *testing.T) {
	hidePath(t)
	var out bytes.Buffer
	if err := Import(context.Background(), &out, ImportOptions{Runs: 1, Peers: hidden}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !regexp.MustCompile(`Charter → SQLite .*\s[0-9,]+\s+\(211,468 rows; budget`).MatchString(s) {
		t.Errorf("no figure for Charter:\n%s", s)
	}
	lines := peerLines(s)
	if len(lines) != 1 || !strings.Contains(lines[0], "not measured: the sqlite3 shell is not installed (apt-get install sqlite3)") || figure.MatchString(lines[0]) {
		t.Errorf("peer lines %q, want the sqlite3 shell not measured:\n%s", lines, s)
	}
}

// A fake sqlite3 shell that reads its script and succeeds is timed beside
// Charter, on the same number of rows.
func TestImportWithPeer(t *testing.T) {
	hidePath(t)
	sh := filepath.Join(t.TempDir(), "sqlite3")
	if err := os.WriteFile(sh, []byte("#!/bin/sh\nwhile read -r l; do :; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Import(context.Background(), &out, ImportOptions{Runs: 1, Peers: Peers{SQLite3: sh}}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`peer: sqlite3 shell .import of the same rows \(no checks\)\s+[0-9,]+\s+\(211,468 rows; Charter is [0-9.]+× the peer\)`).MatchString(out.String()) {
		t.Errorf("no figure for the peer:\n%s", out.String())
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
		regexp.MustCompile(`stops-street at a new point each request: [0-9]+ req/s, handler p99 [0-9.]+ ms \(budget ≤ 5.00 ms: (met|NOT met)\)`),
		regexp.MustCompile(`the peer, a Go hello-world server in this run: [0-9]+ req/s, handler p99 [0-9.]+ ms`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "FAILED") {
		t.Errorf("requests failed:\n%s", s)
	}
}

// Start prints the cold start and says it has no peer.
func TestStart(t *testing.T) {
	var out bytes.Buffer
	if err := Start(context.Background(), &out, StartOptions{Stops: 1, Runs: 1, Data: few}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !regexp.MustCompile(`open the store → first answer of / \(the dashboard\)\s+[0-9.]+ s`).MatchString(s) || !strings.Contains(s, "no peer is measured") {
		t.Errorf("output lacks the start or the no-peer line:\n%s", s)
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
