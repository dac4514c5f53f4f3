package charter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckDeployment(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	ok := Deployment{Kind: DeploymentHotspot, Title: "Patrols", Wards: []string{"E05014098"}, Start: now.Add(time.Hour), End: now.Add(48 * time.Hour),
		Why: "Knife robberies have doubled near the station.", Respond: "Ward panel on Tuesday."}
	if fe := CheckDeployment(ok, now); len(fe) != 0 {
		t.Fatalf("a sound plan: %v", fe)
	}
	for _, c := range []struct {
		name  string
		edit  func(*Deployment)
		field string
	}{
		{"kind", func(d *Deployment) { d.Kind = "raid" }, "kind"},
		{"no title", func(d *Deployment) { d.Title = " " }, "title"},
		{"no ward", func(d *Deployment) { d.Wards = nil }, "wards"},
		{"a ward twice", func(d *Deployment) { d.Wards = []string{"E05014098", "E05014098"} }, "wards"},
		{"too many wards", func(d *Deployment) {
			d.Wards = nil
			for i := range 21 {
				d.Wards = append(d.Wards, fmt.Sprintf("E050140%02d", i))
			}
		}, "wards"},
		{"started", func(d *Deployment) { d.Start = now }, "start"},
		{"ends first", func(d *Deployment) { d.End = d.Start }, "end"},
		{"too long", func(d *Deployment) { d.End = d.Start.Add(93 * 24 * time.Hour) }, "end"},
		{"why too short", func(d *Deployment) { d.Why = "knives" }, "why"},
		{"no way to respond", func(d *Deployment) { d.Respond = "" }, "respond"},
	} {
		d := ok
		c.edit(&d)
		fe := CheckDeployment(d, now)
		if len(fe) != 1 || fe[0].Field != c.field {
			t.Errorf("%s: %v, want one problem with %s", c.name, fe, c.field)
		}
	}
	if CheckComment("ok?") != nil || CheckComment("  ") == nil || CheckComment(strings.Repeat("x", 2001)) == nil {
		t.Error("comment lengths")
	}
	d := ok
	if d.Status(now) != "draft, not published" {
		t.Errorf("draft status %q", d.Status(now))
	}
	d.Published = &now
	for at, want := range map[time.Time]string{now: "planned", d.Start: "under way", d.End: "ended"} {
		if got := d.Status(at); got != want {
			t.Errorf("status at %s: %q, want %q", at, got, want)
		}
	}
}

// A plan's evidence is stored as it always was (crimes per month beside its
// interval), so plans stored before it was a Figure read the same.
func TestWardEvidenceJSON(t *testing.T) {
	stored := `{"code":"E05014098","name":"Brixton Acre Lane","ranked":true,"rank":12,"of_wards":679,"hotspot":false,"weapon_crimes":96,` +
		`"per_month":8,"per_month_ci":[6.48,9.77],"searches":120,"weapon_searches":30}`
	var e WardEvidence
	if err := json.Unmarshal([]byte(stored), &e); err != nil {
		t.Fatal(err)
	}
	if e.Rank != 12 || e.Units != 679 || e.PerMonth.Text() != "8.00 (6.48 to 9.77)" || e.PerMonth.Level != 0.95 || e.WeaponSearches != 30 {
		t.Errorf("read %+v", e)
	}
	b, err := json.Marshal(e)
	if err != nil || string(b) != stored {
		t.Errorf("written %s %v, want %s", b, err, stored)
	}
	unranked := `{"code":"E05000001","name":"","ranked":false,"rank":0,"of_wards":679,"hotspot":false,"weapon_crimes":0,` +
		`"per_month":null,"per_month_ci":null,"searches":0,"weapon_searches":0}`
	e = WardEvidence{}
	if err := json.Unmarshal([]byte(unranked), &e); err != nil || e.PerMonth.HasValue() {
		t.Errorf("unranked %+v %v", e, err)
	}
	if b, _ := json.Marshal(e); string(b) != unranked {
		t.Errorf("unranked written %s", b)
	}
}
