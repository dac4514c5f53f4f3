package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
)

// registerSignIn adds the sign-in pages: the password form, signing out,
// and single sign-on's start and return.
func (s *Site) registerSignIn(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin", s.signInPage)
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("POST /signout", s.signOut)
	mux.HandleFunc("GET /signin/oidc", s.signInOIDC)
	mux.HandleFunc("GET /signin/oidc/callback", s.signInOIDCCallback)
}

// signInData is what the sign-in page shows.
type signInData struct {
	Next    string        // where to go after signing in (a local path)
	Name    string        // the name typed, kept after a failure
	Message string        // why the last attempt failed
	SSO     bool          // offer single sign-on
	User    *charter.User // already signed in
}

func (s *Site) renderSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	d.SSO = s.enc.Auth.OIDCEnabled()
	if d.User == nil {
		d.User = auth.UserFrom(r.Context())
	}
	// Never cached: the page holds a name, and the answer depends on who asks.
	w.Header().Set("Cache-Control", "no-store")
	if status != http.StatusOK {
		// render writes 200 unless a status was written first.
		rec := &statusWriter{ResponseWriter: w, status: status}
		s.render(rec, r, "signin", &page{Title: "Sign in", Data: d})
		return
	}
	s.render(w, r, "signin", &page{Title: "Sign in", Data: d})
}

// statusWriter writes status instead of 200 with the page's first byte.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (sw *statusWriter) WriteHeader(code int) {
	if !sw.wrote {
		sw.wrote = true
		if code == http.StatusOK {
			code = sw.status
		}
		sw.ResponseWriter.WriteHeader(code)
	}
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if !sw.wrote {
		sw.WriteHeader(http.StatusOK)
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets the server's writer be found (httpx.NoteError).
func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

func (s *Site) signInPage(w http.ResponseWriter, r *http.Request) {
	s.renderSignIn(w, r, http.StatusOK, signInData{Next: auth.SafeNext(r.URL.Query().Get("next"))})
}

func (s *Site) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, charter.Errorf(charter.EINVALID, "the form could not be read"))
		return
	}
	name, next := r.PostForm.Get("name"), auth.SafeNext(r.PostForm.Get("next"))
	_, err := s.enc.Auth.SignIn(w, r, name, r.PostForm.Get("password"))
	if err == nil {
		if next == "/" && s.enc.Records != nil {
			// Nowhere in particular to return to: the user's own work.
			next = "/staff"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	status := http.StatusUnauthorized
	switch {
	case errors.As(err, new(*auth.TooManyAttempts)):
		var tm *auth.TooManyAttempts
		errors.As(err, &tm)
		w.Header().Set("Retry-After", strconv.Itoa(tm.Seconds()))
		status = http.StatusTooManyRequests
	case charter.ErrorCode(err) != charter.EUNAUTHORIZED:
		s.fail(w, r, err)
		return
	}
	s.renderSignIn(w, r, status, signInData{Next: next, Name: name, Message: charter.ErrorMessage(err)})
}

func (s *Site) signOut(w http.ResponseWriter, r *http.Request) {
	if err := s.enc.Auth.SignOut(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Site) signInOIDC(w http.ResponseWriter, r *http.Request) {
	if !s.enc.Auth.OIDCEnabled() {
		s.notFound(w, r)
		return
	}
	s.enc.Auth.OIDCStart(w, r, r.URL.Query().Get("next"))
}

func (s *Site) signInOIDCCallback(w http.ResponseWriter, r *http.Request) {
	if !s.enc.Auth.OIDCEnabled() {
		s.notFound(w, r)
		return
	}
	_, next, err := s.enc.Auth.OIDCCallback(w, r)
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, next, http.StatusSeeOther)
	case charter.EUNAUTHORIZED:
		s.renderSignIn(w, r, http.StatusUnauthorized, signInData{Next: next, Message: charter.ErrorMessage(err)})
	default:
		s.fail(w, r, err)
	}
}
