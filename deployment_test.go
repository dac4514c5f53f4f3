package charter

import (
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
