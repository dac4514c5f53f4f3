package charter

import (
	"testing"
	"time"
)

func TestPeriodWords(t *testing.T) {
	for _, tt := range []struct {
		from, to Month
		want     string
	}{
		{NewMonth(2026, 12), NewMonth(2026, 12), "December 2026"},
		{NewMonth(2026, 10), NewMonth(2026, 12), "October to December 2026"},
		{NewMonth(2025, 11), NewMonth(2026, 1), "November 2025 to January 2026"},
	} {
		if got := PeriodWords(tt.from, tt.to); got != tt.want {
			t.Errorf("PeriodWords(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestCheckPanel(t *testing.T) {
	p := &Panel{Name: " Lambeth ", Force: "metropolitan", Areas: []string{" e09000022", "", "E05014098"}}
	if err := CheckPanel(p); err != nil || p.Name != "Lambeth" || len(p.Areas) != 2 || p.Areas[0] != "E09000022" {
		t.Errorf("a good panel: %v %+v", err, p)
	}
	if !p.Covers("E09000022", "E05000001") || !p.Covers("", "E05014098") || p.Covers("E09000012", "") {
		t.Error("Covers")
	}
	for _, bad := range []*Panel{{Force: "metropolitan", Areas: []string{"E09000022"}}, {Name: "x", Areas: []string{"E09000022"}},
		{Name: "x", Force: "metropolitan", Areas: []string{"SW9"}}, {Name: "x", Force: "metropolitan"}} {
		if ErrorCode(CheckPanel(bad)) != EFIELDS {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestAnonymise(t *testing.T) {
	yes := true
	r := &Record{ID: 7, Reference: "AB12-CD34", OfficerID: 3, Datetime: time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC),
		Grounds: "Mr Jones had 2 bags", VehicleRegistration: "AB12CDE", BodyWornVideo: &yes, Outcome: "Arrest"}
	s := Anonymise(r, "E05014098", 4)
	// 23:30 UTC on 30 June is 00:30 on 1 July in London.
	if s.Ordinal != 4 || s.Date != "2026-07-01" || s.Grounds != "Mr [name] had [number] bags" || s.BodyWornVideo != "used" || s.UseOfForce != "not recorded" {
		t.Errorf("%+v", s)
	}
}
