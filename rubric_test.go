package charter

import "testing"

func TestRubricScore(t *testing.T) {
	cases := []struct {
		marks map[Criterion]Mark
		want  float64
		ok    bool
	}{
		{nil, 0, false},
		{map[Criterion]Mark{CriterionGrounds: MarkMet, CriterionVideo: MarkNotAssessed}, 1, true},
		{map[Criterion]Mark{CriterionGrounds: MarkMet, CriterionGOWISELY: MarkPartly, CriterionVideo: MarkNotMet, CriterionRespect: MarkMet}, 2.5 / 4, true},
	}
	for _, c := range cases {
		got, ok := Rubric{Marks: c.marks}.Score()
		if got != c.want || ok != c.ok {
			t.Errorf("%v: %v %v, want %v %v", c.marks, got, ok, c.want, c.ok)
		}
	}
	if err := CheckRubric(Rubric{Marks: map[Criterion]Mark{"colour": MarkMet}}); ErrorCode(err) != EFIELDS {
		t.Errorf("an unknown criterion: %v", err)
	}
	if err := CheckRubric(Rubric{}); ErrorCode(err) != EFIELDS {
		t.Errorf("nothing assessed and no comment: %v", err)
	}
	if err := CheckRubric(Rubric{Comment: "The video had been deleted"}); err != nil {
		t.Errorf("a comment alone: %v", err)
	}
	for _, s := range []string{"met", "Partly met", "not met", ""} {
		if _, err := ParseMark(s); err != nil {
			t.Errorf("ParseMark(%q): %v", s, err)
		}
	}
	if _, err := ParseMark("good"); err == nil {
		t.Error("ParseMark(good) accepted")
	}
}
