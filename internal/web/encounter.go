package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
)

// now is the clock of the encounter's pages (the forms' default times);
// tests replace it. The service keeps its own clock for every decision.
var now = time.Now

// registerEncounter adds the officer's pages, the receipt, feedback and the
// authorisation register. Pages for staff go through auth's one check of a
// permission; the person's pages need no account, their token is the key.
func (s *Site) registerEncounter(mux *http.ServeMux) {
	need := func(p charter.Permission, h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(p, h) }
	// The officer's own records and the form (officer.go, recordform.go).
	mux.Handle("GET /officer", need(charter.PermRecordReadOwn, s.officerHome))
	mux.Handle("GET /officer/record", need(charter.PermRecordCreate, s.newRecord))
	mux.Handle("POST /officer/record", need(charter.PermRecordCreate, s.submitRecord))
	mux.Handle("POST /officer/check", need(charter.PermRecordCreate, s.checkRecord))
	// One record, its versions and its correction (recordview.go).
	// Those who may read every record of the force (complaints, supervisors)
	// see a record too; the service decides which.
	mux.Handle("GET /officer/records/{id}", s.needAny(s.viewRecord, charter.PermRecordReadOwn, charter.PermRecordReadAll))
	mux.Handle("POST /officer/records/{id}", need(charter.PermRecordReadOwn, s.correctRecord))
	// The hand-over of the receipt (handover.go).
	mux.Handle("GET /officer/records/{id}/receipt", need(charter.PermRecordCreate, s.handOver))
	mux.Handle("POST /officer/records/{id}/send", need(charter.PermRecordCreate, s.sendReceipt))
	// The supervisor's authorisations (authorise.go).
	mux.Handle("GET /officer/authorisations", need(charter.PermAuthorisationCreate, s.officerAuthorisations))
	mux.Handle("GET /officer/authorisations/new", need(charter.PermAuthorisationCreate, s.newAuthorisation))
	mux.Handle("POST /officer/authorisations/new", need(charter.PermAuthorisationCreate, s.authorise))
	mux.Handle("POST /officer/authorisations/{id}/extend", need(charter.PermAuthorisationCreate, s.extendAuthorisation))
	// The force's first-hand records before publication (internalfigures.go).
	mux.Handle("GET /officer/figures", need(charter.PermFiguresInternal, s.internalFigures))
	// The person's receipt and survey (receipt.go, feedback.go), and the
	// public register and feedback figures (register.go, feedback.go).
	mux.HandleFunc("GET /r/{token}", s.receipt)
	mux.HandleFunc("GET /r/{token}/feedback", s.feedbackForm)
	mux.HandleFunc("POST /r/{token}/feedback", s.giveFeedback)
	mux.HandleFunc("GET /authorisations", s.register)
	mux.HandleFunc("GET /feedback", s.feedbackFigures)
}

// needAny lets through callers who may do any of perms; the others get
// auth's refusal for the first (sign in, or 403).
func (s *Site) needAny(h http.HandlerFunc, perms ...charter.Permission) http.Handler {
	refuse := s.enc.Auth.Require(perms[0], h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range perms {
			if auth.Can(r.Context(), p) {
				h(w, r)
				return
			}
		}
		refuse.ServeHTTP(w, r)
	})
}

// renderStatus renders a page with a status other than 200, private to
// the one who asked (forms hold what they typed).
func (s *Site) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusOK {
		s.render(w, r, name, p)
		return
	}
	s.render(&statusWriter{ResponseWriter: w, status: status}, r, name, p)
}

// readForm reads a urlencoded form of a modest size; false when it has
// answered already.
func (s *Site) readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, charter.Errorf(charter.EINVALID, "the form could not be read"))
		return nil, false
	}
	return r.PostForm, true
}

// pathID reads the {id} of the path; false (and a not-found page) when it
// is not a number.
func (s *Site) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

// idForm reads the {id} of the path and the form posted to it.
func (s *Site) idForm(w http.ResponseWriter, r *http.Request) (int64, url.Values, bool) {
	id, ok := s.pathID(w, r)
	if !ok {
		return 0, nil, false
	}
	v, ok := s.readForm(w, r)
	return id, v, ok
}

// fieldErrors returns the per-field problems an EFIELDS error holds.
func fieldErrors(err error) (charter.FieldErrors, bool) {
	var fe charter.FieldErrors
	if charter.ErrorCode(err) == charter.EFIELDS && errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}

// newKey is a fresh idempotency key for a form: the same submission sent
// twice (a double tap, the offline queue sending again) is stored once.
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// user is the signed-in caller; the routes above let no one else in.
func user(r *http.Request) *charter.User { return auth.UserFrom(r.Context()) }
