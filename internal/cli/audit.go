package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/audit"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"audit", "check the audit trail (verify) or publish today's head of its chain (publish)", runAudit})
}

// runAudit is `charter audit verify` and `charter audit publish`.
func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "publish") {
		fmt.Fprintln(e.stderr, "Usage: charter [--db PATH] audit verify|publish")
		return errUsage
	}
	fs := e.flags("audit "+args[0], "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "publish" {
		h, added, err := st.PublishAuditHead(ctx, audit.Day(store.Now()))
		switch {
		case err != nil:
			return err
		case h.Day == "":
			fmt.Fprintln(e.stdout, "the audit trail is empty: no head to publish")
		case added:
			fmt.Fprintf(e.stdout, "published the head for %s: event %s, %s\n", h.Day, charter.Thousands(int(h.Seq)), h.Hash)
		default:
			fmt.Fprintf(e.stdout, "the head for %s was already published: event %s, %s\n", h.Day, charter.Thousands(int(h.Seq)), h.Hash)
		}
		return nil
	}
	res, err := audit.Verify(ctx, st)
	var b *audit.Broken
	if errors.As(err, &b) {
		fmt.Fprintf(e.stdout, "the audit trail is BROKEN at event %d: %s\n", b.Seq, b.Reason)
		fmt.Fprintf(e.stdout, "%s before it hold\n", plural(int(b.Seq-1), "event", "events"))
		return errRejected
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "the audit trail holds: %s chained, head %s; %s checked\n",
		plural(int(res.Events), "event", "events"), orNone(res.Head), plural(res.Heads, "published daily head", "published daily heads"))
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
