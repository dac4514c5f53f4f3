package cli

import (
	"flag"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/server"
)

// The complaints' flags of charter serve: the community trigger's rule,
// the time limits of each stage, and the smallest published count.
func init() {
	serveFlagSets = append(serveFlagSets, complaintFlags)
}

func complaintFlags(fs *flag.FlagSet) func(*server.Config) error {
	def := charter.DefaultTimeLimits()
	threshold := fs.Int("trigger-threshold", charter.DefaultTrigger.Threshold, "complaints about searches in one ward, within the trigger's window, that fire the community trigger")
	window := fs.Int("trigger-window", charter.DefaultTrigger.WindowMonths, "the community trigger's rolling window, in months")
	triage := fs.Int("complaint-triage-days", def.Triage.Days, "working days from lodging by which a complaint must be triaged")
	assign := fs.Int("complaint-assign-days", def.Assign.Days, "working days from lodging by which a complaint must have a handler")
	outcome := fs.Int("complaint-outcome-days", def.Outcome.Days, "days from lodging by which the force aims to decide a complaint (its own target)")
	statutory := fs.Int("complaint-statutory-days", def.Statutory.Days, "days from lodging after which an undecided complaint must be reported (the statutory limit)")
	closing := fs.Int("complaint-close-days", def.Close.Days, "working days from the outcome by which the complainant must be told and the complaint closed")
	minCount := fs.Int("complaint-min-count", 3, "the smallest count of complaints the public figures show; smaller counts above nought are shown as too few")
	return func(c *server.Config) error {
		rule := charter.TriggerRule{Threshold: *threshold, WindowMonths: *window}
		if rule.Threshold < 1 || rule.Threshold > 1000 {
			return charter.Errorf(charter.EINVALID, "--trigger-threshold %d: give 1 to 1,000 complaints", *threshold)
		}
		if rule.WindowMonths < 1 || rule.WindowMonths > 24 {
			return charter.Errorf(charter.EINVALID, "--trigger-window %d: give 1 to 24 months", *window)
		}
		limits := def
		for _, l := range []struct {
			flag string
			v    int
			to   *charter.TimeLimit
		}{{"complaint-triage-days", *triage, &limits.Triage}, {"complaint-assign-days", *assign, &limits.Assign},
			{"complaint-outcome-days", *outcome, &limits.Outcome}, {"complaint-statutory-days", *statutory, &limits.Statutory},
			{"complaint-close-days", *closing, &limits.Close}} {
			if l.v < 1 || l.v > 3650 {
				return charter.Errorf(charter.EINVALID, "--%s %d: give 1 to 3,650 days", l.flag, l.v)
			}
			l.to.Days = l.v
		}
		if *minCount < 1 || *minCount > 100 {
			return charter.Errorf(charter.EINVALID, "--complaint-min-count %d: give 1 to 100", *minCount)
		}
		c.Complaints.Trigger, c.Complaints.Limits, c.Complaints.MinCount = rule, &limits, *minCount
		return nil
	}
}
