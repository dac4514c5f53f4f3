package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// TestAuditVerifyCommand: `charter audit verify` exits 0 on an intact
// chain and 3, naming the first bad event, after a row is edited in the
// database directly, on whichever engine the tests run.
func TestAuditVerifyCommand(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if err := st.Audit(ctx, charter.AuditEvent{Actor: "system", Action: "test", Subject: "thing:" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, stderr := run(t, "--db", dsn, "audit", "verify")
	if code != ExitOK || !strings.Contains(out, "holds: 6 events chained") {
		t.Fatalf("verify of an intact chain: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, "--db", dsn, "audit", "publish")
	if code != ExitOK || !strings.Contains(out, "published the head for") {
		t.Fatalf("publish: exit %d\n%s", code, out)
	}
	if _, err := storetest.Raw(t, dsn).ExecContext(ctx, `UPDATE audit_events SET subject = 'thing:z' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = run(t, "--db", dsn, "audit", "verify")
	if code != ExitRejected || !strings.Contains(out, "BROKEN at event 4") {
		t.Fatalf("verify after an edit: exit %d, want %d naming event 4\n%s%s", code, ExitRejected, out, stderr)
	}
	if code, _, _ := run(t, "--db", dsn, "audit"); code != ExitUsage {
		t.Errorf("audit without verb: exit %d, want %d", code, ExitUsage)
	}
}
