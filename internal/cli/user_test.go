package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func withStdin(t *testing.T, s string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(s)
	t.Cleanup(func() { stdin = old })
}

// charter user add / list / disable, and what they store and audit.
func TestUserCommands(t *testing.T) {
	t.Setenv("USER", "ops")
	db := storetest.DSN(t)
	withStdin(t, "a long enough password\n")
	code, out, stderr := run(t, "--db", db, "user", "add", "pc.smith", "--role", "officer", "--force", "metropolitan", "--rank", "PC", "--password-stdin")
	if code != ExitOK || !strings.Contains(out, "added user pc.smith") || !strings.Contains(out, "officer, constable, metropolitan") {
		t.Fatalf("user add: exit %d\n%s%s", code, out, stderr)
	}
	withStdin(t, "too short\n")
	if code, _, stderr := run(t, "--db", db, "user", "add", "pc.short", "--role", "officer", "--password-stdin"); code != ExitUsage || !strings.Contains(stderr, "at least 12 characters") {
		t.Errorf("short password: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "pc.smith", "--role", "analyst"); code != ExitUsage || !strings.Contains(stderr, "already a user") {
		t.Errorf("same name twice: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "x", "--role", "chief"); code != ExitUsage || !strings.Contains(stderr, "unknown role") {
		t.Errorf("bad role: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "x"); code != ExitUsage || !strings.Contains(stderr, "--role") {
		t.Errorf("no role: exit %d\n%s", code, stderr)
	}
	if code, _, _ := run(t, "--db", db, "user", "add", "--role", "panel"); code != ExitUsage {
		t.Errorf("no name: exit %d", code)
	}
	if code, out, stderr := run(t, "--db", db, "user", "add", "--role", "panel", "panel.one"); code != ExitOK || !strings.Contains(out, "single sign-on only") {
		t.Errorf("user add, flags first, no password: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, _ := run(t, "--db", db, "user"); code != ExitUsage {
		t.Errorf("user without a subcommand: exit %d", code)
	}

	code, out, _ = run(t, "--db", db, "user", "list")
	if code != ExitOK || !regexp.MustCompile(`(?m)^1 +pc\.smith +officer +constable +metropolitan +active`).MatchString(out) || !strings.Contains(out, "panel.one") {
		t.Errorf("user list: exit %d\n%s", code, out)
	}

	withStdin(t, "another long password\n")
	if code, out, stderr := run(t, "--db", db, "user", "password", "pc.smith"); code != ExitOK || !strings.Contains(out, "set the password of pc.smith and ended 0 sessions") {
		t.Errorf("user password: exit %d\n%s%s", code, out, stderr)
	}
	withStdin(t, "short\n")
	if code, _, _ := run(t, "--db", db, "user", "password", "pc.smith"); code != ExitUsage {
		t.Errorf("user password, too short: exit %d", code)
	}
	code, out, _ = run(t, "--db", db, "user", "disable", "pc.smith")
	if code != ExitOK || !strings.Contains(out, "disabled user pc.smith") {
		t.Errorf("user disable: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, "--db", db, "user", "disable", "nobody"); code != ExitNotFound {
		t.Errorf("disable nobody: exit %d", code)
	}
	if _, out, _ = run(t, "--db", db, "user", "list"); !regexp.MustCompile(`pc\.smith .* disabled`).MatchString(out) {
		t.Errorf("user list after disabling:\n%s", out)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, hash, err := st.UserPassword(ctx, "pc.smith")
	if err != nil || !auth.CheckPassword(hash, "another long password") {
		t.Errorf("stored password hash %q does not match (%v)", hash, err)
	}
	var actions []string
	st.AuditEvents(ctx, 1, func(ev charter.AuditEvent) error {
		actions = append(actions, ev.Actor+" "+ev.Action)
		if strings.Contains(ev.After, "argon2") {
			t.Errorf("the audit holds a password hash: %s", ev.After)
		}
		return nil
	})
	if got := strings.Join(actions, ", "); got != "cli:ops user.create, cli:ops user.create, cli:ops user.password, cli:ops user.disable" {
		t.Errorf("audited %s", got)
	}
}

// charter token create prints one line, the token, which then signs the
// user in; revoke by id, by label and --all.
func TestTokenCommands(t *testing.T) {
	t.Setenv("USER", "ops")
	db := storetest.DSN(t)
	if code, _, stderr := run(t, "--db", db, "user", "add", "pc.jones", "--role", "officer"); code != ExitOK {
		t.Fatalf("user add: %d %s", code, stderr)
	}
	create := func(label string) string {
		t.Helper()
		code, out, stderr := run(t, "--db", db, "token", "create", "pc.jones", "--label", label)
		if code != ExitOK || !regexp.MustCompile(`^chd_[A-Za-z0-9_-]{43}\n$`).MatchString(out) || !strings.Contains(stderr, "shown only this once") {
			t.Fatalf("token create: exit %d\nstdout %q\n%s", code, out, stderr)
		}
		return strings.TrimSpace(out)
	}
	t1, t2, t3, t4 := create("handset 1"), create("handset 2"), create("handset 3"), create("handset 4")
	if code, _, _ := run(t, "--db", db, "token", "create", "nobody"); code != ExitNotFound {
		t.Errorf("token for nobody: exit %d", code)
	}
	ctx := context.Background()
	works := func(tok string) bool {
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = st.TokenUser(ctx, auth.HashToken(tok))
		return err == nil
	}
	if !works(t1) {
		t.Fatalf("a new token does not work")
	}
	if code, out, _ := run(t, "--db", db, "token", "revoke", "1"); code != ExitOK || !strings.Contains(out, "revoked device token 1") {
		t.Errorf("token revoke 1: exit %d %s", code, out)
	}
	if code, _, stderr := run(t, "--db", db, "token", "revoke", "pc.jones", "--label", "handset 2"); code != ExitOK {
		t.Errorf("token revoke --label: exit %d %s", code, stderr)
	}
	if works(t1) || works(t2) || !works(t3) {
		t.Errorf("after revoking 1 and 2: %v %v %v", works(t1), works(t2), works(t3))
	}
	code, out, _ := run(t, "--db", db, "token", "list", "pc.jones")
	if code != ExitOK || strings.Count(out, "\n") != 5 || !strings.Contains(out, "handset 3") || strings.Contains(out, "chd_") {
		t.Errorf("token list: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "--db", db, "token", "revoke", "--all", "pc.jones"); code != ExitOK || !strings.Contains(out, "revoked 2 device tokens of pc.jones") {
		t.Errorf("token revoke --all: exit %d %s", code, out)
	}
	if works(t3) || works(t4) {
		t.Errorf("tokens work after revoke --all")
	}
	if code, _, stderr := run(t, "--db", db, "token", "revoke", "pc.jones"); code != ExitUsage || !strings.Contains(stderr, "not a token id") {
		t.Errorf("token revoke NAME: exit %d %s", code, stderr)
	}
	if code, _, _ := run(t, "--db", db, "token", "revoke", "99"); code != ExitNotFound {
		t.Errorf("token revoke 99: exit %d", code)
	}
	if code, _, _ := run(t, "--db", db, "token"); code != ExitUsage {
		t.Errorf("token without a subcommand: exit %d", code)
	}
	if code, _, stderr := run(t, "--db", db, "user", "disable", "pc.jones"); code != ExitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := run(t, "--db", db, "token", "create", "pc.jones"); code != ExitUsage || !strings.Contains(stderr, "disabled") {
		t.Errorf("token for a disabled user: exit %d %s", code, stderr)
	}
}
