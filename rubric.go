package charter

import (
	"fmt"
	"strings"
)

// Criterion is one question of the review rubric that supervisors (S1) and
// scrutiny panels (S3) answer of a record, so that the two can be compared.
// The questions follow the College of Policing's guidance for supervisors
// and the IOPC's learning: were the grounds stated and enough, was the
// person told what GOWISELY requires, was body-worn video on and reviewed,
// was the person treated with respect and de-briefed.
type Criterion string

// The criteria, in the order forms ask them.
const (
	CriterionGrounds  Criterion = "grounds"  // reasonable grounds stated, and sufficient
	CriterionGOWISELY Criterion = "gowisely" // the person was told what GOWISELY requires
	CriterionVideo    Criterion = "video"    // body-worn video on from the start, and reviewed
	CriterionRespect  Criterion = "respect"  // respect, voice and a de-brief
)

// Criteria lists the rubric's questions in order.
var Criteria = []Criterion{CriterionGrounds, CriterionGOWISELY, CriterionVideo, CriterionRespect}

var criterionQuestions = map[Criterion]string{
	CriterionGrounds:  "Were reasonable grounds stated, and were they enough for this search?",
	CriterionGOWISELY: "Was the person told the grounds, the object, the officer's name and station, the power and their right to a record?",
	CriterionVideo:    "Was body-worn video on from the start, and has it been reviewed?",
	CriterionRespect:  "Was the person treated with respect, listened to and told what happened next?",
}

// Question is the criterion as a form asks it.
func (c Criterion) Question() string { return criterionQuestions[c] }

// Mark is the answer to one criterion. The zero value is "not assessed"
// (for example the video could not be seen), which is neither a pass nor a
// fail and is left out of scores.
type Mark int

// The marks.
const (
	MarkNotAssessed Mark = iota
	MarkNotMet
	MarkPartly
	MarkMet
)

var markNames = [...]string{"not assessed", "not met", "partly met", "met"}

func (m Mark) String() string {
	if m < 0 || int(m) >= len(markNames) {
		return ""
	}
	return markNames[m]
}

// ParseMark reads a mark by its name ("met", "partly met" or "partly",
// "not met", "not assessed" or "").
func ParseMark(s string) (Mark, error) {
	k := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch k {
	case "", "not assessed":
		return MarkNotAssessed, nil
	case "not met":
		return MarkNotMet, nil
	case "partly", "partly met":
		return MarkPartly, nil
	case "met":
		return MarkMet, nil
	}
	return MarkNotAssessed, fmt.Errorf("%q is not a mark (want met, partly met, not met or not assessed)", s)
}

// Rubric is one completed review: a mark per criterion and a comment.
type Rubric struct {
	Marks   map[Criterion]Mark `json:"marks"`
	Comment string             `json:"comment,omitempty"`
}

// Score is the share of the assessed criteria's points that were earned
// (met 1, partly ½, not met 0), between 0 and 1; ok is false when nothing
// was assessed.
func (r Rubric) Score() (score float64, ok bool) {
	var sum float64
	n := 0
	for _, c := range Criteria {
		switch r.Marks[c] {
		case MarkMet:
			sum++
		case MarkPartly:
			sum += 0.5
		case MarkNotMet:
		default:
			continue
		}
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// CheckRubric refuses marks for unknown criteria and a rubric with nothing
// assessed and no comment; problems name their field ("marks.video").
func CheckRubric(r Rubric) error {
	var fe FieldErrors
	for c, m := range r.Marks {
		if criterionQuestions[c] == "" {
			fe = append(fe, FieldError{Field: "marks." + string(c), Reason: fmt.Sprintf("%q is not a question of the review", string(c))})
		} else if m < MarkNotAssessed || m > MarkMet {
			fe = append(fe, FieldError{Field: "marks." + string(c), Reason: "the mark must be met, partly met, not met or not assessed"})
		}
	}
	if _, ok := r.Score(); !ok && strings.TrimSpace(r.Comment) == "" && len(fe) == 0 {
		fe = append(fe, FieldError{Field: "marks", Reason: "assess at least one question, or say in the comment why none could be"})
	}
	return Invalid(fe)
}
