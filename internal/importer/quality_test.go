package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stopsearch/charter"
)

func qualityFlags(t *testing.T, mc map[string]charter.MonthCounts) map[string]charter.MonthQuality {
	var in []charter.MonthCounts
	for _, c := range mc {
		in = append(in, c)
	}
	out := map[string]charter.MonthQuality{}
	for _, q := range charter.AssessQuality(in) {
		out[q.Force+"/"+q.Month] = q
	}
	return out
}

func hasFlag(q charter.MonthQuality, f string) bool {
	for _, x := range q.Flags {
		if x == f {
			return true
		}
	}
	return false
}

// The real API months: counts per file, locations, and the quality flags the
// archive and API months together must raise.
func TestAPIMonthsAndQualityFlags(t *testing.T) {
	s := openStore(t)
	im, rejects := newImporter(t, s)
	files, _ := filepath.Glob(apiJSONGlob)
	if len(files) != 8 {
		t.Fatalf("%d API files", len(files))
	}
	mustImport(t, im, files...)
	mustImport(t, im, metZip)
	if len(*rejects) != 0 {
		t.Fatalf("rejects in real API data: %v", (*rejects)[0])
	}
	mc := monthCounts(t, s)
	want := map[string][2]int{
		"2024-09": {3253, 3136}, "2024-10": {3400, 3364}, "2024-11": {3389, 3351}, "2024-12": {2836, 2813},
		"2025-01": {3646, 3624}, "2025-02": {3506, 3476}, "2025-03": {3824, 3779}, "2025-04": {3541, 3516},
	}
	for m, w := range want {
		c := mc["metropolitan/"+m]
		if c.Count != w[0] || c.Located != w[1] {
			t.Errorf("%s: %d records, %d located; want %d, %d", m, c.Count, c.Located, w[0], w[1])
		}
	}
	q := qualityFlags(t, mc)
	for m := charter.NewMonth(2024, 9); m <= charter.NewMonth(2025, 4); m++ {
		if !hasFlag(q["metropolitan/"+m.String()], charter.FlagNotStatedDrop) {
			t.Errorf("%s not flagged not-stated-drop: %+v", m, q["metropolitan/"+m.String()])
		}
		if !hasFlag(q["metropolitan/"+m.String()], charter.FlagLowVolume) {
			t.Errorf("%s not flagged low-volume: %+v", m, q["metropolitan/"+m.String()])
		}
	}
	for _, m := range []string{"2022-01", "2022-06", "2023-01", "2024-08"} {
		if !hasFlag(q["metropolitan/"+m], charter.FlagMissing) {
			t.Errorf("%s not flagged missing: %+v", m, q["metropolitan/"+m])
		}
	}
	for m := range metMonths {
		mq := q["metropolitan/"+m]
		if hasFlag(mq, charter.FlagLowVolume) || hasFlag(mq, charter.FlagMissing) {
			t.Errorf("complete archive month %s flagged %v", m, mq.Flags)
		}
		// The Met leaves the link empty in its archive: not reported.
		if !hasFlag(mq, charter.FlagNotReportedPrefix+charter.FieldOutcomeLinked) {
			t.Errorf("%s: outcome link not flagged as not reported: %v", m, mq.Flags)
		}
	}
	// ... and false on every API record: also not reported.
	if mq := q["metropolitan/2024-09"]; !hasFlag(mq, charter.FlagNotReportedPrefix+charter.FieldOutcomeLinked) {
		t.Errorf("2024-09 link not flagged: %v", mq.Flags)
	}
}

// The London extraction: located stops of two forces, its two partial months
// flagged, and no double counting where it overlaps the archive.
func TestExtraction(t *testing.T) {
	s := openStore(t)
	im, rejects := newImporter(t, s)
	rs := mustImport(t, im, extractionGz)
	if rs[0].Err != nil || rs[0].Rows != 150152 || len(*rejects) != 0 {
		t.Fatalf("extraction: %+v, %d rejects", rs[0], len(*rejects))
	}
	ctx := context.Background()
	met, _ := s.CountStops(ctx, charter.StopFilter{Force: "metropolitan"})
	city, _ := s.CountStops(ctx, charter.StopFilter{Force: "city-of-london"})
	if met != 148182 || city != 1970 {
		t.Fatalf("met %d, city %d; want 148,182 and 1,970", met, city)
	}
	mc := monthCounts(t, s)
	// Rows per month by the extraction's own date column (SOURCES); Charter
	// counts by the London month of the search, so a few late-evening
	// summer searches move to the next month.
	perMonth := map[string]int{"2021-12": 13655, "2022-01": 17933, "2022-02": 15990, "2022-03": 16773, "2022-04": 13679,
		"2022-05": 15648, "2022-07": 14124, "2022-08": 16126, "2022-09": 11619, "2022-10": 13338}
	for m, want := range perMonth {
		got := mc["metropolitan/"+m].Count + mc["city-of-london/"+m].Count
		if d := got - want; d < -want/100 || d > want/100 {
			t.Errorf("%s: %d stops, want about %d", m, got, want)
		}
	}
	q := qualityFlags(t, mc)
	for _, m := range []string{"2022-06", "2022-11"} {
		mq := q["metropolitan/"+m]
		if !hasFlag(mq, charter.FlagLowVolume) || !hasFlag(mq, charter.FlagLocatedOnly) {
			t.Errorf("partial month %s: %+v", m, mq)
		}
	}
	if mq := q["metropolitan/2022-03"]; hasFlag(mq, charter.FlagLowVolume) || !hasFlag(mq, charter.FlagLocatedOnly) {
		t.Errorf("2022-03 from the extraction alone: %+v", mq)
	}

	// With the archive: archive months count the archive only; 2022-01 and
	// 2022-06 come from the extraction.
	mustImport(t, im, metZip)
	mc = monthCounts(t, s)
	if c := mc["metropolitan/2022-03"]; c.Count != 17943 {
		t.Errorf("2022-03 with both sources: %d, want the archive's 17,943", c.Count)
	}
	if c := mc["metropolitan/2022-01"]; c.Count < 17000 || c.Coverage != charter.CoverLocated {
		t.Errorf("2022-01 from the extraction: %+v", c)
	}
	q = qualityFlags(t, mc)
	if mq := q["metropolitan/2022-03"]; hasFlag(mq, charter.FlagLocatedOnly) {
		t.Errorf("2022-03 still located-only with the archive: %v", mq.Flags)
	}
}
