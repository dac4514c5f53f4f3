package cli

import (
	"strings"
	"testing"
)

// The bench command refuses what it cannot run before measuring anything:
// no benchmark named, an unknown one, sizes that are not numbers.
func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "everything"},
		{"bench", "analytics", "--sizes", "lots"},
		{"bench", "serve", "--client", "curl"},
		{"bench", "start", "--runs", "0"},
	} {
		code, out, stderr := run(t, args...)
		if code != ExitUsage || out != "" || strings.Contains(stderr, "panic") {
			t.Errorf("%q: exit %d, output %q, errors %q; want a usage error and nothing measured", args, code, out, stderr)
		}
	}
}
