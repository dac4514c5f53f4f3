package charter

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRecordRisks(t *testing.T) {
	yes, no := true, false
	base := Record{Legislation: "Misuse of Drugs Act 1971 (section 23)", Grounds: strings.Repeat("word ", ReviewMinGroundsWords),
		RemovalOfMoreThanOuterClothing: &no, UseOfForce: &no}
	cases := []struct {
		name string
		edit func(*Record)
		want []Risk
	}{
		{"routine", func(*Record) {}, nil},
		{"short grounds", func(r *Record) { r.Grounds = "smell of cannabis from the car" }, []Risk{RiskShortGrounds}},
		{"strip search and force", func(r *Record) { r.RemovalOfMoreThanOuterClothing, r.UseOfForce = &yes, &yes }, []Risk{RiskStripSearch, RiskForce}},
		{"unrecorded is not yes", func(r *Record) { r.RemovalOfMoreThanOuterClothing, r.UseOfForce = nil, nil }, nil},
		{"s60: short text is no risk, no suspicion is", func(r *Record) {
			r.Legislation, r.Grounds = "Criminal Justice and Public Order Act 1994 (section 60)", "authorisation in force"
		}, []Risk{RiskNoSuspicion}},
	}
	for _, c := range cases {
		r := base
		c.edit(&r)
		if got := RecordRisks(r); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	for _, r := range Risks {
		if r.Description() == "" || r.Short() == "" || strings.Contains(r.Description(), "_") {
			t.Errorf("risk %s has no plain description", r)
		}
	}
}

func TestSampled(t *testing.T) {
	key := []byte("k")
	n := 0
	for i := 0; i < 10000; i++ {
		ref := time.Unix(int64(i), 0).Format("150405")
		a := Sampled(key, ref, 0.1)
		if a != Sampled(key, ref, 0.1) {
			t.Fatal("the draw is not reproducible")
		}
		if a {
			n++
		}
		if Sampled(key, ref, 0) || !Sampled(key, ref, 1) {
			t.Fatal("rates 0 and 1 are not none and all")
		}
	}
	// 10,000 draws at 0.1: the count is within 850–1,150 (5 standard
	// deviations) unless the draw is biased.
	if n < 850 || n > 1150 {
		t.Errorf("%d of 10,000 sampled at 0.1", n)
	}
	other := 0
	for i := 0; i < 1000; i++ {
		ref := time.Unix(int64(i), 0).Format("150405")
		if Sampled(key, ref, 0.5) != Sampled([]byte("another key"), ref, 0.5) {
			other++
		}
	}
	if other < 350 {
		t.Errorf("another key draws nearly the same sample (%d of 1,000 differ)", other)
	}
}

func TestGroundsWordsAndShingles(t *testing.T) {
	if got := GroundsWords("He ran, FAST -- from the car!"); !slices.Equal(got, []string{"he", "ran", "fast", "from", "the", "car"}) {
		t.Errorf("words: %v", got)
	}
	if s := Shingles([]string{"a", "b", "c", "d"}); len(s) != 2 || !s["a b c"] || !s["b c d"] {
		t.Errorf("shingles: %v", s)
	}
}
