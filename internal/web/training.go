package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/training"
)

// Training (S4): supervisors and administrators record who completed which
// course and read the training report. Officers' names appear here, for
// staff only; the report itself counts and names no one.

// registerTraining adds the pages of training (S4): courses and completions.
func (s *Site) registerTraining(mux *http.ServeMux) {
	need := func(h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(charter.PermTrainingManage, h) }
	mux.Handle("GET /training", need(s.trainingPage))
	mux.Handle("POST /training", need(s.recordCompletion))
	mux.Handle("POST /training/courses", need(s.addCourse))
	mux.Handle("GET /training/report", need(s.trainingReport))
}

// trainingPage is the form to record a completion, the courses and the
// latest completions.
type trainingPage struct {
	Courses     []charter.Course
	Completions []charter.Completion
	Values      url.Values
	Errors      map[string]string
	Message     string
	Done        string
}

// Err is the message beside field name.
func (p trainingPage) Err(name string) string { return p.Errors[name] }

func (s *Site) trainingPage(w http.ResponseWriter, r *http.Request) {
	v := url.Values{"date": {s.enc.Training.Today().Format("2006-01-02")}}
	s.renderTraining(w, r, http.StatusOK, trainingPage{Values: v, Done: r.URL.Query().Get("done")})
}

func (s *Site) renderTraining(w http.ResponseWriter, r *http.Request, status int, d trainingPage) {
	noStorePrivate(w)
	var err error
	if d.Courses, err = s.enc.Training.Courses(r.Context(), user(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Completions, err = s.enc.Training.Completions(r.Context(), user(r), 50); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	s.renderStatus(w, r, status, "training", &page{Title: "Training", Data: d})
}

// afterTraining answers a form of the training page.
func (s *Site) afterTraining(w http.ResponseWriter, r *http.Request, v url.Values, err error, done string) {
	if err == nil {
		http.Redirect(w, r, "/training?done="+done, http.StatusSeeOther)
		return
	}
	d := trainingPage{Values: v, Errors: map[string]string{}}
	if fe, ok := fieldErrors(err); ok {
		for _, e := range fe {
			d.Errors[e.Field] = e.Reason
		}
	} else if c := charter.ErrorCode(err); c == charter.ECONFLICT || c == charter.EINVALID {
		d.Message = charter.ErrorMessage(err)
	} else {
		s.fail(w, r, err)
		return
	}
	s.renderTraining(w, r, http.StatusUnprocessableEntity, d)
}

func (s *Site) recordCompletion(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	err := s.enc.Training.Record(r.Context(), user(r), v.Get("officer"), v.Get("course"), v.Get("date"))
	s.afterTraining(w, r, v, err, "completion")
}

func (s *Site) addCourse(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	_, err := s.enc.Training.CreateCourse(r.Context(), user(r), charter.Course{Name: v.Get("name"), Description: v.Get("description")})
	if fe, ok := fieldErrors(err); ok {
		// The course form's name field is "name"; the store calls it course.
		for i := range fe {
			if fe[i].Field == "course" {
				fe[i].Field = "name"
			}
		}
		err = charter.Invalid(fe)
	}
	s.afterTraining(w, r, v, err, "course")
}

// trainingReportPage is the report of one course.
type trainingReportPage struct {
	Courses []charter.Course
	Course  string
	Report  *training.Report
}

func (s *Site) trainingReport(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	cs, err := s.enc.Training.Courses(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := trainingReportPage{Courses: cs, Course: strings.TrimSpace(r.URL.Query().Get("course"))}
	if d.Course != "" {
		force := cmp.Or(user(r).Force, s.fig.Force)
		if d.Report, err = s.enc.Training.ReportOf(r.Context(), store.ActorOf(user(r)), force, d.Course); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, "trainingreport", &page{Title: "Training report", Data: d})
}
