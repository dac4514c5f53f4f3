package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
)

// duckdbAnswer is what a DuckDB runner prints: the medians of the timed
// query and of the plain count, the groups the query gave and the rows
// loaded.
type duckdbAnswer struct {
	QueryMs float64 `json:"query_ms"`
	CountMs float64 `json:"count_ms"`
	Groups  int     `json:"groups"`
	Rows    int     `json:"rows"`
	Bytes   int64   `json:"bytes"` // memory held after the load (0: not known, from the command line)
	Version string  `json:"version"`
}

// duckdbPeer writes the rows of ix and the populations out once, has DuckDB
// load them (not timed) and time the same compute as the dashboard
// aggregate and a plain count, and prints both beside Charter's figure.
func duckdbPeer(ctx context.Context, w io.Writer, dir string, run duckdbRunner, ix *index.Index, pops map[string]map[charter.EthnicGroup]int, runs int, ours float64) error {
	stops, pop := filepath.Join(dir, "duck-stops.csv"), filepath.Join(dir, "duck-pops.csv")
	if err := writeIndexRows(stops, ix); err != nil {
		return err
	}
	if err := writePopulations(pop, pops); err != nil {
		return err
	}
	sqlPath, err := writePeer(dir, "aggregate.sql")
	if err != nil {
		return err
	}
	args := []string{sqlPath, stops, pop, strconv.Itoa(aggQuery.From.YYYYMM()), strconv.Itoa(aggQuery.To.YYYYMM()), strconv.Itoa(max(runs, 1))}
	var ans duckdbAnswer
	switch run.kind {
	case "cli":
		ans, err = duckdbCLI(ctx, dir, run.path, args)
	case "python":
		var script string
		if script, err = writePeer(dir, "duckdb.py"); err == nil {
			err = runPeer(ctx, dir, nil, &ans, run.path, append([]string{script}, args...)...)
		}
	case "node":
		var script string
		if script, err = writePeer(dir, "duckdb.mjs"); err == nil {
			err = runPeer(ctx, dir, []string{"DUCKDB_NODE_API=" + run.nodeAPI}, &ans, run.path, append([]string{script}, args...)...)
		}
	}
	if err != nil {
		return err
	}
	if ans.Rows != ix.Len() || ans.Groups == 0 {
		return fmt.Errorf("bench: DuckDB loaded %s rows of %s and gave %d groups", charter.Thousands(ans.Rows), charter.Thousands(ix.Len()), ans.Groups)
	}
	how := map[string]string{"cli": "command line", "python": "Python module", "node": "Node module"}[run.kind]
	fmt.Fprintf(w, "%-64s %10.2f ms (DuckDB %s, %s; Charter takes %s its time)\n", "  peer: DuckDB, same compute on the same rows", ans.QueryMs, strings.TrimPrefix(ans.Version, "v"), how, times(ours/ans.QueryMs))
	fmt.Fprintf(w, "%-64s %10.2f ms\n", "  peer: DuckDB, a plain count of the rows", ans.CountMs)
	if ans.Bytes > 0 {
		fmt.Fprintf(w, "%-64s %10.1f B  (DuckDB holds only this query's three columns; Charter's index every dimension)\n", "  peer: DuckDB memory per row", float64(ans.Bytes)/float64(ans.Rows))
	}
	return nil
}

// writeIndexRows writes one CSV line (month as YYYYMM, borough, group) for
// each stop of ix, in a shuffled order, so that DuckDB holds the same rows
// as the index, not a sorted copy that would compress better.
func writeIndexRows(path string, ix *index.Index) error {
	cells, err := ix.Count(index.Query{GroupBy: []index.Dim{index.DimMonth, index.DimBorough, index.DimSelfGroup}})
	if err != nil {
		return err
	}
	lines := make([]string, len(cells))
	var order []uint32
	for i, c := range cells {
		m, err := charter.ParseMonth(c.Values[0])
		if err != nil {
			return err
		}
		lines[i] = strconv.Itoa(m.YYYYMM()) + "," + c.Values[1] + "," + c.Values[2] + "\n"
		for range c.Count {
			order = append(order, uint32(i))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b := bufio.NewWriterSize(f, 1<<20)
	b.WriteString("month,borough,grp\n")
	for _, i := range order {
		b.WriteString(lines[i])
	}
	if err := b.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// writePopulations writes the census populations by borough and group.
func writePopulations(path string, pops map[string]map[charter.EthnicGroup]int) error {
	var b strings.Builder
	b.WriteString("borough,grp,pop\n")
	keys := make([]string, 0, len(pops))
	for k := range pops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, g := range charter.EthnicGroups {
			if p := pops[k][g]; p > 0 {
				fmt.Fprintf(&b, "%s,%s,%d\n", k, g, p)
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// duckdbCLI runs aggregate.sql with DuckDB's command line: the load, then
// the query and the count runs times each with its timer on, and reads the
// timer's real seconds.
func duckdbCLI(ctx context.Context, dir, duckdb string, args []string) (duckdbAnswer, error) {
	var ans duckdbAnswer
	sqlPath, stops, pops, from, to := args[0], args[1], args[2], args[3], args[4]
	runs, _ := strconv.Atoi(args[5])
	b, err := os.ReadFile(sqlPath)
	if err != nil {
		return ans, err
	}
	parts := map[string]string{}
	name := ""
	for _, line := range strings.Split(string(b), "\n") {
		if n, ok := strings.CutPrefix(line, "-- "); ok && (n == "load" || n == "query" || n == "count") {
			name = n
			continue
		}
		if name != "" {
			parts[name] += strings.NewReplacer("{stops}", stops, "{pops}", pops, "{from}", from, "{to}", to).Replace(line) + "\n"
		}
	}
	var script strings.Builder
	script.WriteString(parts["load"] + ".mode csv\n.headers off\nSELECT version();\nSELECT count(*) FROM stops;\n")
	script.WriteString("SELECT count(*) FROM (" + strings.TrimSuffix(strings.TrimSpace(parts["query"]), ";") + ");\n.timer on\n")
	for _, q := range []string{parts["query"], parts["count"]} {
		for range runs {
			script.WriteString(q)
		}
	}
	cmd := exec.CommandContext(ctx, duckdb, ":memory:")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(script.String())
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return ans, fmt.Errorf("duckdb: %v: %s", err, lastLines(stderr.String(), 5))
	}
	var times []float64
	var plain []string
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "Run Time (s): real "); ok {
			secs, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			times = append(times, secs*1000)
		} else if len(times) == 0 && line != "" {
			plain = append(plain, line) // the version, the rows and the groups come first
		}
	}
	if len(times) != 2*runs || len(plain) < 3 {
		return ans, fmt.Errorf("duckdb: cannot read its timer:\n%s", lastLines(out.String(), 5))
	}
	ans.Version = plain[0]
	ans.Rows, _ = strconv.Atoi(plain[1])
	ans.Groups, _ = strconv.Atoi(plain[2])
	ans.QueryMs = medianOf(times[:runs])
	ans.CountMs = medianOf(times[runs:])
	return ans, nil
}

// medianOf is the median of vs, as median gives it.
func medianOf(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
