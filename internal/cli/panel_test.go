package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// charter panel add / list, and charter user add --panel.
func TestPanelCommands(t *testing.T) {
	t.Setenv("USER", "ops")
	db := storetest.DSN(t)
	if code, out, stderr := run(t, "--db", db, "panel", "add", "Lambeth community panel", "--force", "metropolitan", "--areas", "E09000022, E05014098"); code != ExitOK || !strings.Contains(out, `added panel "Lambeth community panel"`) {
		t.Fatalf("panel add: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "panel", "add", "Bad", "--force", "metropolitan", "--areas", "SW9"); code != ExitUsage || !strings.Contains(stderr, `--areas: "SW9" is not a borough`) {
		t.Errorf("a bad area: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "panel", "add", "Lambeth community panel", "--force", "metropolitan", "--areas", "E09000022"); code == ExitOK || !strings.Contains(stderr, "already a panel") {
		t.Errorf("the same name twice: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := run(t, "--db", db, "user", "add", "member.one", "--role", "panel", "--panel", "Lambeth community panel"); code != ExitOK {
		t.Fatalf("user add --panel: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "member.two", "--role", "panel", "--panel", "Nowhere"); code == ExitOK || !strings.Contains(stderr, `no panel called "Nowhere"`) {
		t.Errorf("an unknown panel: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "pc.one", "--role", "officer", "--panel", "Lambeth community panel"); code != ExitUsage || !strings.Contains(stderr, "--role panel") {
		t.Errorf("an officer on a panel: exit %d\n%s", code, stderr)
	}
	code, out, _ := run(t, "--db", db, "panel", "list")
	if code != ExitOK || !regexp.MustCompile(`(?m)^1 +Lambeth community panel +metropolitan +E09000022,E05014098 +1$`).MatchString(out) {
		t.Errorf("panel list: exit %d\n%s", code, out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.UserByName(context.Background(), "member.one"); err != nil || u.PanelID != 1 {
		t.Errorf("the member's panel: %+v %v", u, err)
	}
}
