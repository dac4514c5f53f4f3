package report

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/storetest"
)

func TestOutcomesRealMet(t *testing.T) {
	s, ix := load(t)
	r, err := NewOutcomes(snapOf(t, s, ix, nil), OutcomeQuery{Area: "E09000022", From: charter.NewMonth(2021, 6), To: charter.NewMonth(2022, 5)})
	if err != nil {
		t.Fatal(err)
	}
	var black *OutcomeRow
	for i := range r.Rows {
		if r.Rows[i].Group == "Black" {
			black = &r.Rows[i]
		}
		// The Met does not report the link: no find rate anywhere.
		if r.Rows[i].Find != nil || r.Rows[i].Note == "" {
			t.Errorf("find rate given although the link is not reported: %+v", r.Rows[i])
		}
	}
	var arrests, searches int
	s.DB().QueryRow(`SELECT SUM(CASE WHEN o.label = 'Arrest' THEN 1 ELSE 0 END), count(*) FROM stops s
		JOIN areas a ON a.id = s.borough_id JOIN vocab v ON v.id = s.self_eth_id LEFT JOIN vocab o ON o.id = s.outcome_id
		WHERE a.code = 'E09000022' AND s.month BETWEEN 202106 AND 202205 AND v.code LIKE 'B%' AND s.active = 1`).Scan(&arrests, &searches)
	if black == nil || black.Searches != searches || black.Arrest.Count != arrests || !black.Arrest.Rate.HasValue() ||
		math.Abs(black.Arrest.Rate.Value-float64(arrests)/float64(searches)) > 1e-12 || !black.Arrest.Rate.HasInterval() || black.Arrest.Rate.Scale != charter.ScaleShare {
		t.Fatalf("Black row %+v; store: %d arrests of %d", black, arrests, searches)
	}
	if r.Limits == "" || r.Rows[0].Group != "Asian" {
		t.Errorf("limits or order: %q %v", r.Limits, r.Rows[0].Group)
	}
}

// Where the link is recorded, the find rate is found ÷ searches with the link
// recorded, with a Wilson interval (Newcombe 1998: 81/263 → 0.2553 to 0.3662).
func TestOutcomesFindRate(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2023, 1)
	x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindStops, Source: "t", Checksum: "t", Format: "test", Coverage: charter.CoverAll})
	if err != nil {
		t.Fatal(err)
	}
	add := func(n int, eth string, link charter.Tristate, object string) {
		for i := 0; i < n; i++ {
			st := &charter.Stop{Force: "city-of-london", Month: m, Type: "Person search", Datetime: time.Date(2023, 1, 5, 12, 0, 0, 0, time.UTC),
				SelfDefinedEthnicity: eth, OutcomeLinked: link, ObjectOfSearch: object, Outcome: "A no further action disposal"}
			if err := x.AddStop(st); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(81, "White - Irish", charter.True, "Controlled drugs")
	add(182, "White - Irish", charter.False, "Controlled drugs")
	add(15, "Black/African/Caribbean/Black British - African", charter.True, "Offensive weapons")
	add(133, "Black/African/Caribbean/Black British - African", charter.False, "Offensive weapons")
	add(7, "Black/African/Caribbean/Black British - African", charter.Unknown, "Offensive weapons")
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewOutcomes(snapOf(t, s, ix, nil), OutcomeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]OutcomeRow{}
	for _, row := range r.Rows {
		rows[row.Group] = row
	}
	w, b := rows["White"], rows["Black"]
	if w.Find == nil || w.Find.Count != 81 || w.Find.Of != 263 || math.Abs(w.Find.Rate.Lower-0.2553) > 5e-5 || math.Abs(w.Find.Rate.Upper-0.3662) > 5e-5 {
		t.Errorf("White find %+v", w.Find)
	}
	// Newcombe 1998: 15/148 → 0.0624 to 0.1605; the 7 unknown links are left out.
	if b.Find == nil || b.Find.Of != 148 || b.Searches != 155 || math.Abs(b.Find.Rate.Lower-0.0624) > 5e-5 || math.Abs(b.Find.Rate.Upper-0.1605) > 5e-5 {
		t.Errorf("Black find %+v", b.Find)
	}
	if w.NoAction.Count != 263 || w.NoAction.Rate.Value != 1 {
		t.Errorf("White no further action %+v", w.NoAction)
	}
	by, err := NewOutcomes(snapOf(t, s, ix, nil), OutcomeQuery{ByObject: true})
	if err != nil || len(by.Rows) != 2 || by.Rows[0].Object != "Controlled drugs" || by.Rows[1].Object != "Offensive weapons" {
		t.Fatalf("by object: %+v %v", by, err)
	}
}
