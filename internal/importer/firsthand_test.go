package importer

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/storetest"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// TestPublishFirstHand publishes a month of first-hand records beside the
// same month from data.police.uk: they count instead of it, at published
// street points, with nothing that identifies the person or the officer,
// once; and the store reconciles the two.
func TestPublishFirstHand(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	im := &Importer{Store: st}
	mustImport(t, im, append(londonBoundaries, "../../data/police-uk/stops-force-metropolitan-2024-09.json.gz")...)
	pts, err := st.StreetPoints(ctx)
	if err != nil || len(pts) < 100 {
		t.Fatalf("street points: %d, %v", len(pts), err)
	}
	published := map[[2]float64]bool{}
	for _, p := range pts {
		published[[2]float64{p.Lat, p.Lng}] = true
	}
	snap := geo.NewSnapper(pts, SnapMetres)
	at := time.Date(2024, 9, 14, 21, 5, 0, 0, time.UTC)
	var recs []charter.Record
	for i, p := range [][2]float64{{51.5014, -0.1419}, {51.4613, -0.1156}, {51.5390, 0.0813}, {60.0, -1.0}} {
		recs = append(recs, charter.Record{ID: int64(i + 1), Version: 1, Reference: "MET-TEST", Force: "metropolitan", OfficerID: 7,
			Type: "Person search", Datetime: at.Add(time.Duration(i) * time.Hour), Latitude: p[0], Longitude: p[1],
			Legislation: "Misuse of Drugs Act 1971 (section 23)", ObjectOfSearch: "Controlled drugs",
			Grounds: "Smelt strongly of cannabis and was seen passing a small bag", VehicleRegistration: "AB12CDE",
			SelfDefinedEthnicity: "White - Irish", OfficerDefinedEthnicity: "White", Gender: "Male", AgeRange: "18-24",
			Outcome: "Arrest", OutcomeLinkedToObjectOfSearch: yes(), RemovalOfMoreThanOuterClothing: no()})
	}
	month := charter.NewMonth(2024, 9)
	p, err := im.PublishFirstHand(ctx, "metropolitan", month, recs, snap)
	if err != nil {
		t.Fatal(err)
	}
	if p.Records != 4 || p.Unlocated != 1 || p.Unchanged {
		t.Fatalf("published %+v, want 4 records, 1 without a location (the one in the sea)", p)
	}
	if p2, err := im.PublishFirstHand(ctx, "metropolitan", month, recs, snap); err != nil || !p2.Unchanged {
		t.Fatalf("publishing the same records again: %+v, %v", p2, err)
	}
	// Only the first-hand records count for 2024-09 now.
	mcs, err := st.MonthCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, mc := range mcs {
		if mc.Force == "metropolitan" && mc.Month == month && (mc.Count != 4 || mc.Coverage != charter.CoverFirstHand) {
			t.Errorf("counted for 2024-09: %d (%s), want the 4 first-hand records", mc.Count, mc.Coverage)
		}
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT latitude, longitude, grounds, officer_id, receipt_ref, borough_id FROM stops WHERE active = 1 AND month = 202409`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var lat, lng sql.NullFloat64
		var grounds, ref sql.NullString
		var officer, borough sql.NullInt64
		if err := rows.Scan(&lat, &lng, &grounds, &officer, &ref, &borough); err != nil {
			t.Fatal(err)
		}
		n++
		if grounds.String != "" || officer.Int64 != 0 || ref.String != "" {
			t.Errorf("a published first-hand stop keeps grounds %q, officer %d or receipt %q", grounds.String, officer.Int64, ref.String)
		}
		if lat.Valid && (!published[[2]float64{lat.Float64, lng.Float64}] || !borough.Valid) {
			t.Errorf("published at (%v, %v), not a street point data.police.uk published, or not placed", lat.Float64, lng.Float64)
		}
	}
	if n != 4 {
		t.Fatalf("%d active stops in 2024-09, want 4", n)
	}
	rec, err := st.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 1 || rec[0].Month != "2024-09" || rec[0].FirstHand.Searches != 4 || rec[0].FirstHand.Arrests != 4 ||
		!rec[0].FirstHand.Counted || len(rec[0].Published) != 1 || rec[0].Published[0].Counted || rec[0].Published[0].Searches < 1000 {
		t.Fatalf("reconciliation %+v", rec)
	}
}

// The street points first-hand records snap to, over a month of the Met's
// searches and a month of City of London street crimes (four points are
// published for both): every published point once, a point of both a
// search and a crime as the search's (with its street id), in order.
func TestStreetPoints(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	im := &Importer{Store: st}
	mustImport(t, im, "../../data/police-uk/stops-force-metropolitan-2024-09.json.gz", "../../data/police-uk/2023-01-city-of-london-street.csv.gz")
	pts, err := st.StreetPoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type at [2]float64
	searches, crimes := map[at]bool{}, map[at]bool{}
	for _, q := range []struct {
		sql  string
		into map[at]bool
	}{
		{`SELECT latitude, longitude FROM stops WHERE latitude IS NOT NULL AND street_id IS NOT NULL`, searches},
		{`SELECT latitude, longitude FROM street_crimes WHERE latitude IS NOT NULL`, crimes},
	} {
		rows, err := st.DB().Query(q.sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p at
			if err := rows.Scan(&p[0], &p[1]); err != nil {
				t.Fatal(err)
			}
			q.into[p] = true
		}
		rows.Close()
	}
	both := 0
	for p := range crimes {
		if searches[p] {
			both++
		}
	}
	if both == 0 {
		t.Fatal("no point is published for both a search and a crime: the data no longer tests the rule")
	}
	got := map[at]bool{}
	for i, p := range pts {
		k := at{p.Lat, p.Lng}
		if p.ID == 0 && searches[k] {
			t.Errorf("%+v: a crime's point where a search's is published", p)
		}
		if i > 0 && !slices.IsSortedFunc(pts[i-1:i+1], func(a, b geo.StreetPoint) int {
			return cmp.Or(cmp.Compare(a.Lat, b.Lat), cmp.Compare(a.Lng, b.Lng), cmp.Compare(a.ID, b.ID), strings.Compare(a.Name, b.Name))
		}) || i > 0 && pts[i-1] == p {
			t.Fatalf("points %d and %d out of order or repeated: %+v, %+v", i-1, i, pts[i-1], p)
		}
		got[k] = true
	}
	for p := range searches {
		crimes[p] = true
	}
	if len(got) != len(crimes) {
		t.Errorf("%d distinct places among the points, %d published", len(got), len(crimes))
	}
}
