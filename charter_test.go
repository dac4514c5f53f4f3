package charter

import (
	"testing"
	"time"
)

func TestMonth(t *testing.T) {
	for _, s := range []string{"2021-06", "202106"} {
		m, err := ParseMonth(s)
		if err != nil || m.String() != "2021-06" || m.YYYYMM() != 202106 || MonthFromYYYYMM(202106) != m {
			t.Errorf("ParseMonth(%q) = %v, %v", s, m, err)
		}
	}
	for _, s := range []string{"2021-13", "21-06", "", "2021/06", "abcdef", "2023-+1", "+20106"} {
		if _, err := ParseMonth(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParseMonth(%q) err = %v, want invalid", s, err)
		}
	}
	if d := NewMonth(2022, time.January) - NewMonth(2021, time.December); d != 1 {
		t.Errorf("months do not subtract across a year: %d", d)
	}
	// A search at 23:30 UTC on 31 May in summer is a June search in London.
	if m := MonthOf(time.Date(2021, 5, 31, 23, 30, 0, 0, time.UTC).In(London)); m.String() != "2021-06" {
		t.Errorf("London month = %s", m)
	}
}

func TestSelfDefined(t *testing.T) {
	cases := []struct {
		label string
		code  string
		group EthnicGroup
		ok    bool
	}{
		{"White - English/Welsh/Scottish/Northern Irish/British", "W1", GroupWhite, true},
		{"Other ethnic group - Not stated", "NS", GroupNotStated, true},
		{"Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", "B9", GroupBlack, true},
		{"Mixed/Multiple ethnic groups - White and Asian", "M3", GroupMixed, true},
		{"White - White British (W1)", "W1", GroupWhite, true}, // older spelling with the code
		{"Asian - Indian (A1)", "A1", GroupAsian, true},
		{"Martian", "", GroupUnknown, false},
		{"", "", GroupUnknown, false},
	}
	for _, c := range cases {
		e, ok := LookupSelfDefined(c.label)
		if ok != c.ok || e.Code != c.code || e.Group != c.group {
			t.Errorf("LookupSelfDefined(%q) = %+v, %v", c.label, e, ok)
		}
	}
	// 18 police categories plus not stated, plus Roma for census tables.
	if len(SelfDefinedEthnicities) != 20 {
		t.Errorf("%d self-defined categories", len(SelfDefinedEthnicities))
	}
}

func TestCensusCategory(t *testing.T) {
	cases := map[string]string{
		"Asian, Asian British or Asian Welsh: Bangladeshi":                       "A3",
		"Black, Black British, Black Welsh, Caribbean or African: Caribbean":     "B1",
		"Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": "M9",
		"White: English, Welsh, Scottish, Northern Irish or British":             "W1",
		"White: Roma":                     "W4",
		"Other ethnic group: Arab":        "O1",
		"White British":                   "W1",
		"White Gypsy/Irish Traveller":     "W3",
		"Mixed White and Black Caribbean": "M1",
		"Asian Other":                     "A9",
		"Black Other":                     "B9",
		"Other Any other":                 "O9",
		"White Other":                     "W9",
		"White Percentage":                "",
		"Does not apply":                  "",
		"All usual residents":             "",
	}
	for label, want := range cases {
		code, _, ok := CensusCategory(label)
		if code != want || ok != (want != "") {
			t.Errorf("CensusCategory(%q) = %q, %v; want %q", label, code, ok, want)
		}
	}
}

func TestTristate(t *testing.T) {
	for s, want := range map[string]Tristate{"True": True, "FALSE": False, "": Unknown, "null": Unknown, "1": True} {
		if got, ok := ParseTristate(s); !ok || got != want {
			t.Errorf("ParseTristate(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := ParseTristate("maybe"); ok {
		t.Error("maybe parsed")
	}
	if True.CSV() != "True" || False.CSV() != "False" || Unknown.CSV() != "" {
		t.Error("CSV spellings")
	}
}

func TestValidate(t *testing.T) {
	good := func() Stop {
		return Stop{Force: "metropolitan", Type: "Person search", Datetime: time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC),
			Location: &Location{Latitude: 51.5, Longitude: -0.1}, Gender: "Male", AgeRange: "18-24",
			SelfDefinedEthnicity: "White - Irish", OfficerDefinedEthnicity: "White"}
	}
	s := good()
	if fe := s.Validate(); fe != nil {
		t.Fatalf("valid stop: %v", fe)
	}
	cases := map[string]func(*Stop){
		"Force":                     func(s *Stop) { s.Force = "Metropolitan Police" },
		"Type":                      func(s *Stop) { s.Type = "Horse search" },
		"Date":                      func(s *Stop) { s.Datetime = time.Time{} },
		"Latitude":                  func(s *Stop) { s.Location.Latitude = 999 },
		"Longitude":                 func(s *Stop) { s.Location.Longitude = -181 },
		"Gender":                    func(s *Stop) { s.Gender = "M" },
		"Age range":                 func(s *Stop) { s.AgeRange = "18-25" },
		"Self-defined ethnicity":    func(s *Stop) { s.SelfDefinedEthnicity = "White" },
		"Officer-defined ethnicity": func(s *Stop) { s.OfficerDefinedEthnicity = "W1" },
	}
	for field, mutate := range cases {
		s := good()
		mutate(&s)
		if fe := s.Validate(); fe == nil || fe.Field != field {
			t.Errorf("%s: got %v", field, fe)
		}
	}
}

func TestLookupForce(t *testing.T) {
	for name, id := range map[string]string{"Metropolitan Police": "metropolitan", "London, City of": "city-of-london",
		"metropolitan": "metropolitan", "Devon & Cornwall Police": "devon-and-cornwall"} {
		if f, ok := LookupForce(name); !ok || f.ID != id {
			t.Errorf("LookupForce(%q) = %v, %v", name, f, ok)
		}
	}
	if _, ok := LookupForce("Gotham City Police"); ok {
		t.Error("unknown force found")
	}
}

func counts(force string, first Month, ns ...int) []MonthCounts {
	var out []MonthCounts
	for i, n := range ns {
		if n < 0 {
			continue // a missing month
		}
		out = append(out, MonthCounts{Force: force, Month: first + Month(i), Count: n, Located: n * 9 / 10,
			Tristates: map[string]TristateCounts{FieldOutcomeLinked: {True: n / 5, False: n - n/5}}})
	}
	return out
}

func flagsOf(q []MonthQuality) map[string][]string {
	out := map[string][]string{}
	for _, m := range q {
		out[m.Month] = m.Flags
	}
	return out
}

func has(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

func TestAssessQuality(t *testing.T) {
	start := NewMonth(2021, 6)
	// 13 normal months with two gaps, then 8 months at a third of the volume
	// after a long gap: the shape of the real Met data.
	in := counts("metropolitan", start, 16000, 15000, 16000, 14000, 18000, 16000, 15000, -1, 17000, 18000, 14500, 16700, -1, 15000, 17000)
	in = append(in, counts("metropolitan", NewMonth(2024, 9), 3253, 3400, 3389, 2836, 3646, 3506, 3824, 3541)...)
	q := AssessQuality(in)
	f := flagsOf(q)
	for _, m := range []string{"2022-01", "2022-06", "2023-05", "2024-08"} {
		if !has(f[m], FlagMissing) {
			t.Errorf("%s not flagged missing: %v", m, f[m])
		}
	}
	for m := NewMonth(2024, 9); m <= NewMonth(2025, 4); m++ {
		if !has(f[m.String()], FlagLowVolume) {
			t.Errorf("%s not flagged low-volume: %v", m, f[m.String()])
		}
	}
	// Only the API months lose their "not stated" searches.
	for i := range in {
		in[i].NotStated = in[i].Count * 28 / 100
		if in[i].Month >= NewMonth(2024, 9) {
			in[i].NotStated = 0
		}
	}
	q = AssessQuality(in)
	f = flagsOf(q)
	if !has(f["2024-09"], FlagNotStatedDrop) || !has(f["2025-04"], FlagNotStatedDrop) || has(f["2022-08"], FlagNotStatedDrop) {
		t.Errorf("not-stated-drop flags: %v %v %v", f["2024-09"], f["2025-04"], f["2022-08"])
	}
	for _, m := range []string{"2021-06", "2021-09", "2022-08"} {
		if len(f[m]) != 0 {
			t.Errorf("%s flagged %v", m, f[m])
		}
	}
	// A field that never varies is flagged as not reported.
	in = counts("x", start, 100, 100, 100)
	in[1].Tristates[FieldOutcomeLinked] = TristateCounts{False: 100}
	in[2].Tristates[FieldRemoval] = TristateCounts{Unknown: 100}
	f = flagsOf(AssessQuality(in))
	if !has(f["2021-07"], FlagNotReportedPrefix+FieldOutcomeLinked) || has(f["2021-06"], FlagNotReportedPrefix+FieldOutcomeLinked) ||
		!has(f["2021-08"], FlagNotReportedPrefix+FieldRemoval) {
		t.Errorf("not-reported flags: %v", f)
	}
	// Midnight-heavy and located-only.
	in = counts("y", start, 100, 100, 100)
	in[0].Midnight = 30
	in[1].Coverage = CoverLocated
	f = flagsOf(AssessQuality(in))
	if !has(f["2021-06"], FlagMidnightHeavy) || !has(f["2021-07"], FlagLocatedOnly) || has(f["2021-08"], FlagMidnightHeavy) {
		t.Errorf("midnight/located flags: %v", f)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 196715: "196,715", -1234567: "-1,234,567", 100000: "100,000"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
