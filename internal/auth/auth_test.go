package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func TestAuthPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Errorf("hash %q is not the PHC string at OWASP's parameters", h)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	if !CheckPassword(h, "correct horse battery staple") {
		t.Errorf("the right password does not match")
	}
	for _, tc := range []struct{ hash, pw string }{
		{h, "correct horse battery stapl"},
		{h, ""},
		{"", ""},
		{"$argon2id$v=19$m=19456,t=2,p=1$bad$bad", "x"},
		{strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery staple"},
		{"$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", "x"},
	} {
		if CheckPassword(tc.hash, tc.pw) {
			t.Errorf("CheckPassword(%q, %q) = true", tc.hash, tc.pw)
		}
	}
	if err := CheckPasswordStrength("short pass"); charter.ErrorCode(err) != charter.EINVALID {
		t.Errorf("a 10-character password was accepted: %v", err)
	}
	if err := CheckPasswordStrength("twelve chars"); err != nil {
		t.Errorf("a 12-character password was refused: %v", err)
	}
}

func TestAuthTokens(t *testing.T) {
	tok, hash, err := NewDeviceToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "chd_") || len(tok) != 4+43 || hash != HashToken(tok) || len(hash) != 64 {
		t.Errorf("device token %q hash %q", tok, hash)
	}
	tok2, _, _ := NewDeviceToken()
	if tok == tok2 {
		t.Errorf("two device tokens are equal")
	}
}

func TestAuthSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/":                     "/",
		"/records/42?tab=a":     "/records/42?tab=a",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"records":               "/",
		"javascript:alert(1)":   "/",
		"/a\nb":                 "/",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// fixture is a store with users, an Auth over it with a clock the test
// moves, and the sleeps the sign-in asked for.
type fixture struct {
	st     *store.Store
	a      *Auth
	now    time.Time
	mu     sync.Mutex
	sleeps []time.Duration
	logs   bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{st: storetest.Open(t), now: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}
	a, err := New(context.Background(), f.st, Options{
		Now:    func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now },
		Logger: slog.New(slog.NewTextHandler(&f.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	a.sleep = func(_ context.Context, d time.Duration) { f.mu.Lock(); f.sleeps = append(f.sleeps, d); f.mu.Unlock() }
	f.a = a
	return f
}

func (f *fixture) user(t *testing.T, name string, role charter.Role, password string) *charter.User {
	t.Helper()
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password); err != nil {
			t.Fatal(err)
		}
	}
	u, err := f.st.CreateUser(context.Background(), store.SystemActor, store.NewUser{Name: name, Role: role, Force: "metropolitan", PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) session(t *testing.T, u *charter.User, expires time.Time) string {
	t.Helper()
	tok, hash, err := newToken("")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateSession(context.Background(), hash, u.ID, expires); err != nil {
		t.Fatal(err)
	}
	return tok
}

func (f *fixture) token(t *testing.T, u *charter.User) (string, store.Token) {
	t.Helper()
	tok, hash, err := NewDeviceToken()
	if err != nil {
		t.Fatal(err)
	}
	tk, err := f.st.CreateToken(context.Background(), store.SystemActor, u.ID, "handset", hash)
	if err != nil {
		t.Fatal(err)
	}
	return tok, tk
}

// The middleware and Require, per kind of caller.
func TestAuthMiddleware(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	officer := f.user(t, "pc.one", charter.RoleOfficer, "")
	analyst := f.user(t, "analyst.one", charter.RoleAnalyst, "")
	gone := f.user(t, "pc.gone", charter.RoleOfficer, "")

	officerSession := f.session(t, officer, f.now.Add(time.Hour))
	expiredSession := f.session(t, officer, f.now.Add(-time.Minute))
	analystSession := f.session(t, analyst, f.now.Add(time.Hour))
	officerToken, _ := f.token(t, officer)
	revokedToken, revoked := f.token(t, officer)
	if err := f.st.RevokeToken(ctx, store.SystemActor, revoked.ID); err != nil {
		t.Fatal(err)
	}
	goneSession := f.session(t, gone, f.now.Add(time.Hour))
	goneToken, _ := f.token(t, gone)
	if err := f.st.DisableUser(ctx, store.SystemActor, gone.ID); err != nil {
		t.Fatal(err)
	}

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "public"
		if u := UserFrom(r.Context()); u != nil {
			name = u.Name
		}
		io.WriteString(w, "hello "+name)
	})
	mux := http.NewServeMux()
	mux.Handle("/api/records", f.a.Require(charter.PermRecordCreate, ok))
	mux.Handle("/records/new", f.a.Require(charter.PermRecordCreate, ok))
	mux.Handle("/", ok)
	h := f.a.Middleware(mux)

	const html = "text/html,application/xhtml+xml"
	for _, tc := range []struct {
		name, path, accept, cookie, bearer string
		status                             int
		body, location                     string
		problem                            bool // a problem+json document
		clears                             bool // the session cookie is cleared
	}{
		{name: "no credentials, public page", path: "/", status: 200, body: "hello public"},
		{name: "no credentials, API", path: "/api/records", status: 401, problem: true},
		{name: "no credentials, page", path: "/records/new?x=1", accept: html, status: 303, location: "/signin?next=%2Frecords%2Fnew%3Fx%3D1"},
		{name: "no credentials, page not asked as HTML", path: "/records/new", status: 401, problem: true},
		{name: "bad bearer", path: "/", bearer: "chd_nonsense", status: 401, problem: true},
		{name: "bad bearer on API", path: "/api/records", bearer: "chd_nonsense", status: 401, problem: true},
		{name: "revoked token", path: "/api/records", bearer: revokedToken, status: 401, problem: true},
		{name: "disabled user's token", path: "/api/records", bearer: goneToken, status: 401, problem: true},
		{name: "disabled user's session", path: "/api/records", cookie: goneSession, status: 401, problem: true, clears: true},
		{name: "valid token", path: "/api/records", bearer: officerToken, status: 200, body: "hello pc.one"},
		{name: "valid session", path: "/api/records", cookie: officerSession, status: 200, body: "hello pc.one"},
		{name: "valid session, page", path: "/records/new", accept: html, cookie: officerSession, status: 200, body: "hello pc.one"},
		{name: "expired session, API", path: "/api/records", cookie: expiredSession, status: 401, problem: true, clears: true},
		{name: "expired session, page", path: "/records/new", accept: html, cookie: expiredSession, status: 303, location: "/signin?next=%2Frecords%2Fnew", clears: true},
		{name: "expired session, public page", path: "/", cookie: expiredSession, status: 200, body: "hello public", clears: true},
		{name: "unknown session", path: "/", cookie: "made-up", status: 200, body: "hello public", clears: true},
		{name: "without the permission, API", path: "/api/records", cookie: analystSession, status: 403, problem: true},
		{name: "without the permission, page", path: "/records/new", accept: html, cookie: analystSession, status: 403, body: "may not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.path, nil)
			if tc.accept != "" {
				r.Header.Set("Accept", tc.accept)
			}
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: CookieName, Value: tc.cookie})
			}
			if tc.bearer != "" {
				r.Header.Set("Authorization", "Bearer "+tc.bearer)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.body != "" && !strings.Contains(w.Body.String(), tc.body) {
				t.Errorf("body %q lacks %q", w.Body, tc.body)
			}
			if tc.location != "" && w.Header().Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", w.Header().Get("Location"), tc.location)
			}
			if tc.problem {
				var p struct {
					Status int
					Code   string
				}
				if w.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Status != tc.status {
					t.Errorf("not a problem document: %s %s", w.Header().Get("Content-Type"), w.Body)
				}
			}
			if signedIn := tc.status == 200 && !strings.Contains(tc.body, "public"); signedIn != (w.Header().Get("Cache-Control") == "private, no-store") {
				t.Errorf("Cache-Control %q for a signed-in caller: %v", w.Header().Get("Cache-Control"), signedIn)
			}
			cleared := strings.Contains(w.Header().Get("Set-Cookie"), CookieName+"=;")
			if cleared != tc.clears {
				t.Errorf("session cookie cleared: %v, want %v (Set-Cookie %q)", cleared, tc.clears, w.Header().Get("Set-Cookie"))
			}
		})
	}
}

func signInRequest(addr string) *http.Request {
	r := httptest.NewRequest("POST", "/signin", nil)
	r.RemoteAddr = addr + ":5555"
	return r
}

func auditedActions(t *testing.T, st *store.Store) []charter.AuditEvent {
	t.Helper()
	var evs []charter.AuditEvent
	st.AuditEvents(context.Background(), 1, func(ev charter.AuditEvent) error { evs = append(evs, ev); return nil })
	return evs
}

// Signing in with a password: a session cookie with the right attributes
// on success; one message for every failure; failures logged and audited
// without the password.
func TestAuthSignIn(t *testing.T) {
	f := newFixture(t)
	const pw = "a long enough password"
	u := f.user(t, "pc.two", charter.RoleOfficer, pw)
	f.user(t, "sso.only", charter.RoleOfficer, "")
	gone := f.user(t, "pc.gone", charter.RoleOfficer, pw)
	f.st.DisableUser(context.Background(), store.SystemActor, gone.ID)

	w := httptest.NewRecorder()
	got, err := f.a.SignIn(w, signInRequest("192.0.2.1"), "pc.two", pw)
	if err != nil || got.ID != u.ID {
		t.Fatalf("SignIn = %+v, %v", got, err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v", cookies)
	}
	c := cookies[0]
	if c.Name != CookieName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != 12*3600 || len(c.Value) != 43 {
		t.Errorf("session cookie %+v", c)
	}
	if su, err := f.st.SessionUser(context.Background(), HashToken(c.Value), f.now); err != nil || su.ID != u.ID {
		t.Errorf("the cookie's session: %+v, %v", su, err)
	}

	var msgs []string
	for _, tc := range []struct{ name, pw string }{
		{"pc.two", "wrong password!!"},
		{"nobody", pw},
		{"sso.only", ""},
		{"pc.gone", pw},
	} {
		_, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("192.0.2.9"), tc.name, tc.pw)
		if charter.ErrorCode(err) != charter.EUNAUTHORIZED {
			t.Errorf("SignIn(%s) = %v, want unauthorized", tc.name, err)
		}
		msgs = append(msgs, charter.ErrorMessage(err))
	}
	for _, m := range msgs[1:] {
		if m != msgs[0] {
			t.Errorf("failures answer differently: %q", msgs)
		}
	}

	var failed int
	for _, ev := range auditedActions(t, f.st) {
		if strings.Contains(ev.Before+ev.After, pw) || strings.Contains(ev.After, "wrong password!!") {
			t.Errorf("audit holds a password: %+v", ev)
		}
		if ev.Action == "signin.failed" {
			failed++
			if ev.Actor != "public" || ev.ActorID != 0 || !strings.Contains(ev.After, "192.0.2.9") {
				t.Errorf("failed sign-in audited as %+v", ev)
			}
		}
	}
	if failed != 4 {
		t.Errorf("%d failed sign-ins audited, want 4", failed)
	}
	logs := f.logs.String()
	if strings.Contains(logs, pw) || strings.Contains(logs, "wrong password!!") || !strings.Contains(logs, "name=nobody") || !strings.Contains(logs, "address=192.0.2.9") {
		t.Errorf("log:\n%s", logs)
	}

	// Signing in again replaces the browser's session.
	r := signInRequest("192.0.2.1")
	r.AddCookie(c)
	if _, err := f.a.SignIn(httptest.NewRecorder(), r, "pc.two", pw); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SessionUser(context.Background(), HashToken(c.Value), f.now); charter.ErrorCode(err) != charter.EUNAUTHORIZED {
		t.Errorf("the old session still works after signing in again: %v", err)
	}
}

// Failures slow the next attempts, up to 2 s, then refuse them for a
// while, per name and per address.
func TestAuthSignInThrottle(t *testing.T) {
	f := newFixture(t)
	const pw = "a long enough password"
	f.user(t, "pc.three", charter.RoleOfficer, pw)
	f.user(t, "pc.four", charter.RoleOfficer, pw)
	for i := 0; i < 10; i++ {
		_, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("198.51.100.1"), "pc.three", "guess number "+string(rune('a'+i)))
		if charter.ErrorCode(err) != charter.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	want := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000}
	if len(f.sleeps) != len(want) {
		t.Fatalf("slept %v", f.sleeps)
	}
	for i, d := range want {
		if f.sleeps[i] != d*time.Millisecond {
			t.Errorf("sleep %d = %v, want %v ms", i, f.sleeps[i], d)
		}
	}
	// The 11th, even with the right password and from another address, is
	// refused without checking it.
	_, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("203.0.113.5"), "pc.three", pw)
	var tm *TooManyAttempts
	if !errors.As(err, &tm) || tm.Seconds() != 900 || !strings.Contains(charter.ErrorMessage(err), "wait 900 seconds") {
		t.Fatalf("11th attempt: %v", err)
	}
	// The same address is refused for another name too.
	if _, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("198.51.100.1"), "pc.four", pw); !errors.As(err, &tm) {
		t.Errorf("another name from the same address: %v", err)
	}
	// Another name from another address is not slowed.
	f.sleeps = nil
	if _, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("203.0.113.5"), "pc.four", pw); err != nil || len(f.sleeps) != 0 {
		t.Errorf("unrelated sign-in: %v, slept %v", err, f.sleeps)
	}
	// Fifteen minutes on, the name may try again.
	f.mu.Lock()
	f.now = f.now.Add(15 * time.Minute)
	f.mu.Unlock()
	if _, err := f.a.SignIn(httptest.NewRecorder(), signInRequest("203.0.113.5"), "pc.three", pw); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestAuthSignOut(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, "pc.five", charter.RoleOfficer, "")
	tok := f.session(t, u, f.now.Add(time.Hour))
	r := httptest.NewRequest("POST", "/signout", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: tok})
	w := httptest.NewRecorder()
	if err := f.a.SignOut(w, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("cookie not cleared: %q", w.Header().Get("Set-Cookie"))
	}
	if _, err := f.st.SessionUser(context.Background(), HashToken(tok), f.now); charter.ErrorCode(err) != charter.EUNAUTHORIZED {
		t.Errorf("session works after signing out: %v", err)
	}
	if err := f.a.SignOut(httptest.NewRecorder(), httptest.NewRequest("POST", "/signout", nil)); err != nil {
		t.Errorf("signing out without a session: %v", err)
	}
}
