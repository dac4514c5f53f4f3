package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/stopsearch/charter/bench/peers"
)

// Peers says where the peers are looked for. A peer not found is reported
// as not measured, with how to install it; tests hide them all.
type Peers struct {
	SQLite3 string   // the sqlite3 shell
	Pythons []string // interpreters tried in turn for pandas + geopandas and for DuckDB's module
	DuckDB  string   // DuckDB's command line
	Node    string   // Node, for DuckDB's @duckdb/node-api
}

// DefaultPeers looks on PATH, and for Python also at Debian's own
// interpreter, where apt-get installs python3-geopandas when another
// python3 (a pyenv one, say) comes first on PATH.
func DefaultPeers() Peers {
	return Peers{SQLite3: "sqlite3", Pythons: []string{"python3", "/usr/bin/python3"}, DuckDB: "duckdb", Node: "node"}
}

// How each peer is installed, for the line that says it was not measured.
const (
	installSQLite3 = "apt-get install sqlite3"
	installPandas  = "apt-get install python3-geopandas"
	installDuckDB  = "install the duckdb command, the duckdb Python module, or npm install -g @duckdb/node-api"
)

// notMeasured is what a benchmark prints in place of a peer's figure.
func notMeasured(peer, how string) string {
	return fmt.Sprintf("not measured: %s is not installed (%s)", peer, how)
}

// python returns the first interpreter that can import every module.
func (p Peers) python(modules ...string) (string, bool) {
	for _, py := range p.Pythons {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import "+strings.Join(modules, ", ")).Run() == nil {
			return path, true
		}
	}
	return "", false
}

// duckdbRunner is how DuckDB is run here: its CLI, its Python module or
// Node's module, whichever is found first.
type duckdbRunner struct {
	kind    string // "cli", "python" or "node"
	path    string // the program
	nodeAPI string // the @duckdb/node-api entry file, for Node
}

// duckdb finds DuckDB: the command line on PATH, else the Python module,
// else @duckdb/node-api resolvable from the working directory, NODE_PATH or
// npm's global folder.
func (p Peers) duckdb() (duckdbRunner, bool) {
	if path, err := exec.LookPath(p.DuckDB); err == nil && p.DuckDB != "" {
		return duckdbRunner{kind: "cli", path: path}, true
	}
	if py, ok := p.python("duckdb"); ok {
		return duckdbRunner{kind: "python", path: py}, true
	}
	node, err := exec.LookPath(p.Node)
	if err != nil || p.Node == "" {
		return duckdbRunner{}, false
	}
	dirs := []string{"."}
	dirs = append(dirs, filepath.SplitList(os.Getenv("NODE_PATH"))...)
	if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	paths, _ := json.Marshal(dirs)
	out, err := exec.Command(node, "-e", "process.stdout.write(require.resolve('@duckdb/node-api', {paths: "+string(paths)+"}))").Output()
	if err != nil {
		return duckdbRunner{}, false
	}
	return duckdbRunner{kind: "node", path: node, nodeAPI: string(out)}, true
}

// writePeer writes a peer script into dir and returns its path.
func writePeer(dir, name string) (string, error) {
	b, err := fs.ReadFile(peers.FS, name)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, b, 0o644)
}

// runPeer runs a peer's program and decodes the one line of JSON it prints.
func runPeer(ctx context.Context, dir string, env []string, out any, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the peer %s failed: %v: %s", filepath.Base(args[0]), err, lastLines(stderr.String(), 5))
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("the peer %s answered what cannot be read: %v: %s", filepath.Base(args[0]), err, lastLines(stdout.String(), 5))
	}
	return nil
}

// lastLines keeps the end of a peer's output, where its error is.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
