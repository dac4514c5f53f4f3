package cli

import (
	"regexp"
	"strings"
	"testing"
)

// bench analytics runs end to end on the bundled data and prints each figure
// beside its budget (small sizes here; the real run uses 1M and 10M).
func TestBenchAnalytics(t *testing.T) {
	code, out, stderr := run(t, "bench", "analytics", "--runs", "1", "--sizes", "20000,40000")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`CSV → borough rates per 1,000 and ratios to White \(211468 rows\)\s+[0-9.]+ s  \(budget ≤ 0.8 s: (met|NOT met)\)`),
		regexp.MustCompile(`20k stops\s+[0-9.]+ ms \(budget ≤ 10 ms: met\)`),
		regexp.MustCompile(`index memory per stop\s+40.0 B`),
		regexp.MustCompile(`SQLite GROUP BY of the same counts over 1057340 rows\s+[0-9.]+ ms`),
	} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if code, _, _ := run(t, "bench", "analytics", "--sizes", "lots"); code != ExitUsage || strings.Contains(out, "panic") {
		t.Errorf("--sizes lots: exit %d", code)
	}
}
