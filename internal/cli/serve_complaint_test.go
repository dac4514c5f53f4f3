package cli

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/server"
)

// The complaints' serve flags set the trigger, the time limits and the
// smallest published count; a wrong value names its flag.
func TestComplaintFlags(t *testing.T) {
	parse := func(args ...string) (server.Config, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		apply := complaintFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		var c server.Config
		return c, apply(&c)
	}
	c, err := parse("--trigger-threshold", "5", "--trigger-window", "6", "--complaint-triage-days", "5", "--complaint-min-count", "10")
	if err != nil || c.Complaints.Trigger.Threshold != 5 || c.Complaints.Trigger.WindowMonths != 6 ||
		c.Complaints.Limits.Triage.Days != 5 || c.Complaints.Limits.Statutory.Days != 365 || c.Complaints.MinCount != 10 {
		t.Fatalf("%+v, %v", c.Complaints, err)
	}
	for flag, bad := range map[string]string{"trigger-threshold": "0", "trigger-window": "30", "complaint-close-days": "0", "complaint-min-count": "0"} {
		if _, err := parse("--"+flag, bad); err == nil || !strings.Contains(err.Error(), "--"+flag) {
			t.Errorf("--%s %s: %v", flag, bad, err)
		}
	}
}
