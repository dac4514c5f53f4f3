package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// Month counts read batch by batch (by their ranges of ids) are exactly the
// counts of grouping the whole table, for every force-month and for any
// subset, over sources that win, lose and add up (located and unlocated
// parts of one month count together), with every counted field varied.
func TestMonthCountsByRangeMatchScan(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	selfs := []string{"White - Irish", "Other ethnic group - Not stated", "", "Black/African/Caribbean/Black British - African"}
	tris := []charter.Tristate{charter.True, charter.False, charter.Unknown}
	gen := func(force string, m charter.Month, n int, located bool) []*charter.Stop {
		out := make([]*charter.Stop, n)
		for i := range out {
			st := stop(force, m, i+2)
			st.SelfDefinedEthnicity = selfs[r.IntN(len(selfs))]
			st.Operation, st.OutcomeLinked, st.Removal = tris[r.IntN(3)], tris[r.IntN(3)], tris[r.IntN(3)]
			if r.IntN(4) == 0 { // midnight, London time
				st.Datetime = time.Date(m.Year(), m.Mon(), 9, 0, 0, 0, 0, charter.London)
			}
			if !located || r.IntN(5) == 0 {
				st.Location = nil
			}
			out[i] = st
		}
		return out
	}
	m := charter.NewMonth(2022, 3)
	var fms []charter.ForceMonth
	for _, force := range []string{"city-of-london", "metropolitan", "surrey"} {
		for k := range 4 {
			month := m.Add(k)
			fms = append(fms, charter.ForceMonth{Force: force, Month: month})
			importStops(t, s, force+month.String()+"-all", charter.CoverAll, gen(force, month, 20+r.IntN(40), true)...)
		}
	}
	// One month counted from two parts, one replaced by a larger complete
	// download, one where a smaller download loses.
	met := func(k int) charter.Month { return m.Add(k) }
	importStops(t, s, "street", charter.CoverLocated, gen("metropolitan", met(6), 30, true)...)
	importStops(t, s, "noloc", charter.CoverUnlocated, gen("metropolitan", met(6), 7, false)...)
	importStops(t, s, "bigger", charter.CoverAll, gen("surrey", met(1), 90, true)...)
	importStops(t, s, "smaller", charter.CoverAll, gen("surrey", met(2), 3, true)...)
	fms = append(fms, charter.ForceMonth{Force: "metropolitan", Month: met(6)})

	want, err := s.MonthCountsScanned(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.MonthCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(fms) || !reflect.DeepEqual(got, want) {
		t.Fatalf("by range:\n%+v\nby scanning the table:\n%+v", got, want)
	}
	var notStated, midnight, located, opTrue int
	for _, c := range want {
		if c.Force == "metropolitan" && c.Month == met(6) && (len(c.Sources) != 2 || c.Count != 37) {
			t.Fatalf("the month of two parts: %+v, want both, 30+7 stops", c)
		}
		notStated, midnight, located, opTrue = notStated+c.NotStated, midnight+c.Midnight, located+c.Located, opTrue+c.Tristates[charter.FieldOperation].True
	}
	if notStated == 0 || midnight == 0 || located == 0 || opTrue == 0 {
		t.Fatalf("the data vary too little to test: %d not stated, %d at midnight, %d located, %d in an operation", notStated, midnight, located, opTrue)
	}
	for range 20 {
		var some []charter.ForceMonth
		for _, fm := range fms {
			if r.IntN(3) == 0 {
				some = append(some, fm)
			}
		}
		some = append(some, charter.ForceMonth{Force: "nowhere", Month: m}) // no stops: not answered
		got, err := s.MonthCountsOf(ctx, some)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.MonthCountsScanned(ctx, some)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(some)-1 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%v by range:\n%+v\nby scanning:\n%+v", some, got, want)
		}
	}
}
