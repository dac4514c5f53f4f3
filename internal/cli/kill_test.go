package cli

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// childArgs, set in a child test process's environment, makes it run the
// charter command line with these arguments (split on \x1f) instead of the
// tests: a real process that a test can kill.
const childArgs = "CHARTER_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		os.Exit(Run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(storetest.Main(m))
}

// An import killed with SIGKILL at any moment leaves every file either not
// there or whole (each file is one transaction), on SQLite and PostgreSQL;
// importing again completes the store, equal to an import never killed.
func TestKilledImport(t *testing.T) {
	const zip = "../../data/police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip"
	ctx := context.Background()
	monthCounts := func(dsn string) map[string]int {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		cs, err := st.MonthCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, c := range cs {
			out[c.Force+" "+c.Month.String()] = c.Count
		}
		return out
	}
	clean := storetest.DSN(t)
	if code, _, stderr := run(t, "--db", clean, "import", zip); code != ExitOK {
		t.Fatalf("clean import: exit %d: %s", code, stderr)
	}
	want := monthCounts(clean)
	if len(want) != 13 {
		t.Fatalf("clean import holds %d months, want 13", len(want))
	}

	db := storetest.DSN(t)
	killed := 0
	for _, after := range []time.Duration{300 * time.Millisecond, 900 * time.Millisecond, 1500 * time.Millisecond, 2500 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childArgs+"="+strings.Join([]string{"--db", db, "import", zip}, "\x1f"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done: // finished before the kill: nothing to test this round
		case <-time.After(after):
			cmd.Process.Kill()
			<-done
			killed++
		}
		for m, n := range monthCounts(db) {
			if n != want[m] {
				t.Errorf("killed after %v: %s holds %d stops, want none or all %d", after, m, n, want[m])
			}
		}
	}
	if killed == 0 {
		t.Error("every import finished before it could be killed: the test proved nothing")
	}
	if code, _, stderr := run(t, "--db", db, "import", zip); code != ExitOK {
		t.Fatalf("import after the kills: exit %d: %s", code, stderr)
	}
	got := monthCounts(db)
	for m, n := range want {
		if got[m] != n {
			t.Errorf("after the kills and one more import: %s holds %d, a clean import %d", m, got[m], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d months after the kills, %d in a clean import", len(got), len(want))
	}
}
