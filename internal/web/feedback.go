package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
)

// The procedural-justice survey from a receipt (PRODUCT E3): five
// questions on a 1–5 scale, each optional, and a comment that is never
// published. It can be answered once.

// surveyQuestions are the survey's questions, by form field.
var surveyQuestions = []struct{ Name, Label, Low, High string }{
	{"listened", "Did the officer listen to what you had to say?", "not at all", "completely"},
	{"explained", "Did the officer explain why you were searched?", "not at all", "fully"},
	{"respect", "Were you treated with respect?", "not at all", "completely"},
	{"debriefed", "Did the officer tell you the outcome and what happens next?", "not at all", "fully"},
	{"trust", "How much do you trust the police after this?", "not at all", "completely"},
}

// feedbackPage is the survey.
type feedbackPage struct {
	Token     string
	Reference string
	Questions []struct{ Name, Label, Low, High string }
	Scores    []int
	Values    url.Values
	Message   string
	Given     bool // answered already
}

// Is says whether question name was answered score.
func (f feedbackPage) Is(name string, score int) bool {
	return f.Values.Get(name) == strconv.Itoa(score)
}

func (s *Site) feedbackForm(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	rc, err := s.enc.Records.Receipt(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderFeedback(w, r, http.StatusOK, feedbackPage{Reference: rc.Reference, Given: rc.FeedbackGiven, Values: url.Values{}})
}

func (s *Site) renderFeedback(w http.ResponseWriter, r *http.Request, status int, d feedbackPage) {
	d.Token, d.Questions, d.Scores = r.PathValue("token"), surveyQuestions, []int{1, 2, 3, 4, 5}
	s.renderStatus(w, r, status, "feedbackform", &page{Title: "How was your stop and search?", Data: d})
}

// parseFeedback reads the survey; a score that is not 1 to 5 is not
// answered.
func parseFeedback(v url.Values) record.Feedback {
	score := func(k string) int {
		n, err := strconv.Atoi(v.Get(k))
		if err != nil || n < 1 || n > 5 {
			return 0
		}
		return n
	}
	return record.Feedback{Listened: score("listened"), Explained: score("explained"), Respect: score("respect"),
		Debriefed: score("debriefed"), Trust: score("trust"), Comment: strings.TrimSpace(v.Get("comment"))}
}

// giveFeedback stores the survey once; a second time is refused (409)
// with the reason in words.
func (s *Site) giveFeedback(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token")
	err := s.enc.Records.GiveFeedback(r.Context(), token, parseFeedback(v))
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/r/"+url.PathEscape(token)+"?thanks=1", http.StatusSeeOther)
	case charter.ECONFLICT:
		s.renderFeedback(w, r, http.StatusConflict, feedbackPage{Given: true, Values: v,
			Message: "You have already given feedback on this search. It can be given only once, so this answer was not kept."})
	case charter.EINVALID, charter.EFIELDS:
		s.renderFeedback(w, r, http.StatusUnprocessableEntity, feedbackPage{Values: v, Message: charter.ErrorMessage(err)})
	default:
		s.fail(w, r, err)
	}
}
