package charter

import (
	"testing"
	"time"
)

// TestTriggerFires: the trigger fires exactly when the threshold is
// reached within the window, and not before.
func TestTriggerFires(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		lodged []time.Time // the last is the one just lodged
		fires  bool
		in     int
	}{
		{"one complaint", []time.Time{day(1, 10)}, false, 1},
		{"two complaints", []time.Time{day(1, 10), day(2, 1)}, false, 2},
		{"the third in the window", []time.Time{day(1, 10), day(2, 1), day(3, 5)}, true, 3},
		{"the third on the window's first instant", []time.Time{day(1, 10), day(2, 1), day(4, 10)}, true, 3},
		{"three spread over more than the window", []time.Time{day(1, 10), day(2, 1), day(4, 11)}, false, 2},
		{"three spread far apart", []time.Time{day(1, 1), day(5, 1), day(9, 1)}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, fires := DefaultTrigger.Fires(tt.lodged, tt.lodged[len(tt.lodged)-1])
			if fires != tt.fires || len(in) != tt.in {
				t.Errorf("fires %v with %d in the window, want %v with %d", fires, len(in), tt.fires, tt.in)
			}
		})
	}
}

func TestComplaintStages(t *testing.T) {
	for _, c := range []struct {
		from, to ComplaintStatus
		ok       bool
	}{
		{ComplaintReceived, ComplaintTriaged, true},
		{ComplaintReceived, ComplaintAssigned, false},
		{ComplaintTriaged, ComplaintDecided, true},
		{ComplaintInvestigating, ComplaintDecided, true},
		{ComplaintDecided, ComplaintClosed, true},
		{ComplaintInvestigating, ComplaintClosed, false},
		{ComplaintClosed, ComplaintDecided, false},
		{ComplaintAssigned, ComplaintTriaged, false},
	} {
		if got := c.from.CanMoveTo(c.to); got != c.ok {
			t.Errorf("%s to %s: %v, want %v", c.from, c.to, got, c.ok)
		}
	}
}

func TestTimeLimits(t *testing.T) {
	// Friday 3 January 2025: ten working days later is Friday 17 January.
	fri := time.Date(2025, 1, 3, 10, 0, 0, 0, time.UTC)
	if got := AddWorkingDays(fri, 10); !got.Equal(time.Date(2025, 1, 17, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("ten working days after %v: %v", fri, got)
	}
	ls := DefaultTimeLimits()
	if o := ls.Overdue(ComplaintReceived, fri, time.Time{}, fri.AddDate(0, 0, 13)); len(o) != 0 {
		t.Errorf("overdue before the triage limit: %v", o)
	}
	if o := ls.Overdue(ComplaintReceived, fri, time.Time{}, fri.AddDate(0, 0, 15)); len(o) != 1 || o[0].Stage != ComplaintTriaged {
		t.Errorf("overdue after the triage limit: %+v", o)
	}
	if o := ls.Overdue(ComplaintTriaged, fri, time.Time{}, fri.AddDate(0, 0, 15)); len(o) != 0 {
		t.Errorf("a triaged complaint overdue: %+v", o)
	}
	if o := ls.Overdue(ComplaintDecided, fri, fri.AddDate(0, 0, 1), fri.AddDate(0, 2, 0)); len(o) != 1 || o[0].Stage != ComplaintClosed {
		t.Errorf("a decided complaint left open: %+v", o)
	}
}
