package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/cli"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/report"
)

// partsQuery is one random period and filter, as the API takes it.
type partsQuery struct {
	from, to    string
	legislation []string
	object      []string
}

func (q partsQuery) values() string {
	v := url.Values{}
	if q.from != "" {
		v.Set("from", q.from)
		v.Set("to", q.to)
	}
	for _, l := range q.legislation {
		v.Add("legislation", l)
	}
	for _, o := range q.object {
		v.Add("object", o)
	}
	return v.Encode()
}

func (q partsQuery) where() []index.Cond {
	return public.Filter{Legislation: q.legislation, Object: q.object}.Where()
}

// testPartsAddUp is the property that makes figures trustworthy at every
// level: for random periods and filters over the whole bundled data, a
// force's boroughs plus the searches outside them add up to the force, each
// borough's own page agrees with its row in the force's table, its wards
// plus the searches outside them add up to it, each ward's own page agrees
// with its row, a borough's hex cells add up to what it placed in cells,
// no unit is listed twice, and the downloads and the CLI say the same.
func testPartsAddUp(t *testing.T, s *site) {
	var opts public.Options
	s.getJSON(t, "/api/v1/filters", &opts)
	if len(opts.Months) < 12 || len(opts.Legislation) == 0 || len(opts.Object) == 0 {
		t.Fatalf("filter choices: %+v", opts)
	}
	r := rand.New(rand.NewPCG(2026, 12))
	cases := []partsQuery{{from: opts.Months[0], to: opts.Months[len(opts.Months)-1]}} // everything
	for range 5 {
		i, j := r.IntN(len(opts.Months)), r.IntN(len(opts.Months))
		q := partsQuery{from: opts.Months[min(i, j)], to: opts.Months[max(i, j)]}
		if r.IntN(2) == 0 {
			q.legislation = []string{opts.Legislation[r.IntN(len(opts.Legislation))]}
		}
		if r.IntN(2) == 0 {
			q.object = []string{opts.Object[r.IntN(len(opts.Object))], opts.Object[r.IntN(len(opts.Object))]}
		}
		cases = append(cases, q)
	}
	profile := func(t *testing.T, code string, q partsQuery) apiProfile {
		t.Helper()
		var p apiProfile
		s.getJSON(t, "/api/v1/areas/"+code+"/profile?"+q.values(), &p)
		return p
	}
	// addsUp checks one level: the sub-areas, each listed once, plus those
	// outside them make the whole.
	addsUp := func(t *testing.T, p apiProfile) {
		t.Helper()
		sum := p.OutsideSubAreas
		codes, names := map[string]bool{}, map[string]bool{}
		for _, sa := range p.SubAreas {
			if codes[sa.Code] || names[sa.Name] {
				t.Errorf("%s: %s (%s) is listed twice", p.Area.Name, sa.Name, sa.Code)
			}
			codes[sa.Code], names[sa.Name] = true, true
			sum += sa.Searches
		}
		if sum != p.Searches || p.OutsideSubAreas < 0 {
			t.Errorf("%s, %s to %s: its %ss (%d listed) plus %d outside them make %d searches, not its %d",
				p.Area.Name, p.From, p.To, p.SubLevel, len(p.SubAreas), p.OutsideSubAreas, sum, p.Searches)
		}
	}
	t.Run("precision ranks every ward", func(t *testing.T) { testPrecisionEveryWard(t, s) })
	for ci, q := range cases {
		t.Run(fmt.Sprintf("case %d %s", ci, q.values()), func(t *testing.T) {
			for _, force := range []string{"metropolitan", "city-of-london"} {
				fp := profile(t, force, q)
				addsUp(t, fp)
				boroughs, _ := charter.ForceBoroughs(force)
				for _, sa := range fp.SubAreas {
					if !slices.Contains(boroughs, sa.Code) {
						t.Errorf("%s lists %s, which it does not police", force, sa.Name)
					}
					bp := profile(t, sa.Code, q)
					if bp.Searches != sa.Searches {
						t.Errorf("%s: %d searches on its own page, %d in the %s table", sa.Name, bp.Searches, sa.Searches, fp.Area.Name)
					}
					addsUp(t, bp)
					if ci == 0 && force == "metropolitan" {
						everyWard(t, s, bp)
					}
					// Every ward's own page in the first case; a random few after.
					for wi, wa := range bp.SubAreas {
						if ci > 0 && r.IntN(len(bp.SubAreas)) > 2 && wi > 0 {
							continue
						}
						if wp := profile(t, wa.Code, q); wp.Searches != wa.Searches {
							t.Errorf("%s (%s): %d searches on its own page, %d in the table of %s", wa.Name, wa.Code, wp.Searches, wa.Searches, sa.Name)
						}
					}
					if ci == 0 || r.IntN(8) == 0 || sa.Code == "E09000001" {
						hexAddsUp(t, s, sa.Code, q, bp.Searches)
						downloadAgrees(t, s, sa.Code, q, bp)
					}
				}
			}
		})
	}
	// The CLI counts what the API counts, for random boroughs and filters.
	for _, q := range cases[1:4] {
		if strings.Contains(strings.Join(append(q.legislation, q.object...), ""), ",") {
			continue // a value with a comma in it cannot be given to the CLI's lists
		}
		code := "E09000022"
		var out, errb bytes.Buffer
		args := []string{"--db", s.dsn, "report", "disproportionality", "--area", code, "--from", q.from, "--to", q.to, "--vehicle-only", "include", "--format", "json"}
		// The CLI takes a comma-separated list of values as published.
		if len(q.legislation) > 0 {
			args = append(args, "--legislation", strings.Join(q.legislation, ","))
		}
		if len(q.object) > 0 {
			args = append(args, "--object", strings.Join(q.object, ","))
		}
		if c := cli.Run(context.Background(), args, &out, &errb); c != 0 {
			t.Fatalf("charter %v: exit %d: %s", args, c, errb.String())
		}
		var d report.Disproportionality
		if err := json.Unmarshal(out.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if p := profile(t, code, q); d.Searches != p.Searches {
			t.Errorf("%v: the CLI counts %d searches, the API %d", args, d.Searches, p.Searches)
		}
	}
}

// hexAddsUp checks the finest level: a borough's searches in hex cells add
// up, with those without a location, to the borough's figure on its page;
// and where street-level crime is held (the City of London), the precision
// report by hex cell agrees too.
func hexAddsUp(t *testing.T, s *site, borough string, q partsQuery, searches int) {
	t.Helper()
	from, _ := charter.ParseMonth(q.from)
	to, _ := charter.ParseMonth(q.to)
	a, err := s.st.AreaByCode(context.Background(), borough)
	if err != nil {
		t.Fatal(err)
	}
	force, _ := charter.BoroughForce(borough)
	where := append([]index.Cond{{Dim: index.DimBorough, Values: []string{strconv.FormatInt(a.ID, 10)}},
		{Dim: index.DimForce, Values: []string{force}}}, q.where()...)
	rows, err := s.srv.Model.Snapshot().Stops.Count(index.Query{From: from, To: to, Where: where, GroupBy: []index.Dim{index.DimHex500}})
	if err != nil {
		t.Fatal(err)
	}
	sum, seen := 0, map[string]bool{}
	for _, r := range rows {
		if seen[r.Values[0]] {
			t.Errorf("%s: hex cell %q counted twice", borough, r.Values[0])
		}
		seen[r.Values[0]] = true
		sum += r.Count
	}
	if sum != searches {
		t.Errorf("%s: its hex cells and its searches without a location hold %d, its page says %d", a.Name, sum, searches)
	}
	if borough != "E09000001" {
		return
	}
	p, err := report.NewPrecision(s.srv.Model.Snapshot(), report.PrecisionQuery{
		Area: borough, From: from, To: to, Unit: "hex500", Rank: 1 << 20, Where: q.where()})
	if err != nil {
		t.Fatalf("precision of %s by hex: %v", borough, err)
	}
	sum, seen = 0, map[string]bool{}
	for _, u := range p.Ranked {
		if seen[u.Code] {
			t.Errorf("%s: hex cell %s listed twice", borough, u.Code)
		}
		seen[u.Code] = true
		sum += u.Searches
	}
	if sum != p.SearchesPlaced || p.Searches != searches || p.SearchesPlaced > p.Searches {
		t.Errorf("%s by hex cell: the cells hold %d, %d placed in cells, %d in all; the borough's page says %d",
			borough, sum, p.SearchesPlaced, p.Searches, searches)
	}
}

// downloadAgrees checks that the wards GeoJSON download of a borough holds
// the figures of the borough's ward table.
func downloadAgrees(t *testing.T, s *site, borough string, q partsQuery, p apiProfile) {
	t.Helper()
	var fc struct {
		Features []struct{ Properties apiSubArea }
	}
	s.getJSON(t, "/downloads/wards.geojson?borough="+borough+"&"+q.values(), &fc)
	want := map[string]int{}
	for _, sa := range p.SubAreas {
		want[sa.Code] = sa.Searches
	}
	for _, f := range fc.Features {
		if n, ok := want[f.Properties.Code]; !ok || n != f.Properties.Searches {
			t.Errorf("wards.geojson of %s: %s holds %d searches, the ward table %d", borough, f.Properties.Code, f.Properties.Searches, n)
		}
	}
	if len(fc.Features) != len(p.SubAreas) {
		t.Errorf("wards.geojson of %s: %d wards mapped, %d in the table", borough, len(fc.Features), len(p.SubAreas))
	}
}

// everyWard checks a Met borough's ward table over the whole data: every
// ward of the ward set in use is listed once, each with its population and
// a rate, so the map has a colour for each.
func everyWard(t *testing.T, s *site, bp apiProfile) {
	t.Helper()
	areas, err := s.st.CurrentAreas(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, a := range areas {
		if a.Level == charter.LevelWard && a.ParentCode == bp.Area.Code {
			want[a.Code] = true
		}
	}
	if len(bp.SubAreas) != len(want) || len(want) < 15 {
		t.Errorf("%s: %d wards in its table, %d in the ward set", bp.Area.Name, len(bp.SubAreas), len(want))
	}
	for _, w := range bp.SubAreas {
		if !want[w.Code] || w.Population == nil || w.Rate == nil || len(w.RateCI) != 2 {
			t.Errorf("%s: ward %s (%s) in the set %v, population %v, rate %v", bp.Area.Name, w.Name, w.Code, want[w.Code], w.Population, w.Rate)
		}
	}
}

// testPrecisionEveryWard checks that precision ranks every ward with crime
// counts, leaving none out for want of a boundary.
func testPrecisionEveryWard(t *testing.T, s *site) {
	var p apiPrecision
	s.getJSON(t, "/api/v1/precision", &p)
	if p.Units != 679 || p.UnitsWithoutBoundary != 0 || p.WeaponCrimesLeftOut != 0 {
		t.Errorf("precision ranks %d wards (want all 679 with crime counts); %d left out without a boundary, with %d crimes",
			p.Units, p.UnitsWithoutBoundary, p.WeaponCrimesLeftOut)
	}
	if p.SearchesPlaced*100 < p.Searches*85 {
		t.Errorf("only %d of %d searches are in a ranked ward", p.SearchesPlaced, p.Searches)
	}
}
