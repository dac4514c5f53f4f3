// Package auth signs users in and says who is asking: argon2id passwords,
// single sign-on with OpenID Connect, sessions kept in the store as hashes
// of random tokens (an HttpOnly, SameSite cookie), device tokens for the
// officers' handsets (Bearer), and the one check of a permission that every
// surface goes through.
package auth

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/store"
)

// CookieName is the session cookie.
const CookieName = "charter_session"

// DefaultSessionTTL is how long a session lasts: a shift and a margin.
const DefaultSessionTTL = 12 * time.Hour

// OIDCConfig turns on single sign-on with one identity provider.
type OIDCConfig struct {
	Issuer       string // e.g. https://login.example.org/realms/police
	ClientID     string
	ClientSecret string
	RedirectURL  string // e.g. https://charter.example/signin/oidc/callback
	// MatchClaim is the claim of the ID token that must equal a user's
	// sign-in name the first time they sign in this way (after that they
	// are found by issuer and subject); default "preferred_username".
	MatchClaim string
	// HTTPClient talks to the identity provider (nil: http.DefaultClient);
	// for a private certificate authority.
	HTTPClient *http.Client
}

// Options tune sign-in; zero fields take the defaults.
type Options struct {
	Now        func() time.Time
	SessionTTL time.Duration // default 12 hours (a shift and a margin)
	Secure     bool          // mark the cookie Secure (behind HTTPS)
	OIDC       *OIDCConfig   // nil: passwords only
	Logger     *slog.Logger
	// ErrorPage, if set, answers a refused request for a page (not under
	// /api/): the site's error page for a 403. Nil: a short plain page.
	ErrorPage func(w http.ResponseWriter, r *http.Request, err error)
}

// Auth is sign-in and access control over the store.
type Auth struct {
	st    *store.Store
	opts  Options
	log   *slog.Logger
	limit *limiter
	// sleep slows a sign-in after failures; tests replace it.
	sleep func(ctx context.Context, d time.Duration)

	oidc *oidcClient // nil when single sign-on is off
}

// New returns the sign-in service over st (and discovers the identity
// provider when OIDC is set).
func New(ctx context.Context, st *store.Store, opts Options) (*Auth, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &Auth{st: st, opts: opts, log: opts.Logger, limit: newLimiter(), sleep: sleepCtx}
	if opts.OIDC != nil {
		oc, err := newOIDC(ctx, *opts.OIDC, opts.Now)
		if err != nil {
			return nil, err
		}
		a.oidc = oc
	}
	return a, nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

type ctxKey struct{}

// WithUser returns ctx carrying u as the caller.
func WithUser(ctx context.Context, u *charter.User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFrom is the caller put there by Middleware; nil is the public.
func UserFrom(ctx context.Context) *charter.User {
	u, _ := ctx.Value(ctxKey{}).(*charter.User)
	return u
}

// Can is the one check of a permission for every surface: whether the
// caller in ctx may do p (charter.User.Can; the public may do nothing
// that needs a permission).
func Can(ctx context.Context, p charter.Permission) bool { return UserFrom(ctx).Can(p) }

// Middleware finds the caller from the session cookie or an
// "Authorization: Bearer" device token and puts them in the request's
// context. A Bearer token that is unknown or revoked is answered 401 at
// once; a stale cookie is dropped and the request goes on as the public.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, tok, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
				httpx.WriteError(w, charter.Errorf(charter.EUNAUTHORIZED, "send a device token as \"Authorization: Bearer <token>\""))
				return
			}
			u, err := a.st.TokenUser(ctx, HashToken(strings.TrimSpace(tok)))
			if err != nil {
				httpx.WriteError(w, err)
				return
			}
			personal(w)
			next.ServeHTTP(w, r.WithContext(WithUser(ctx, u)))
			return
		}
		if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
			u, err := a.st.SessionUser(ctx, HashToken(c.Value), a.opts.Now())
			switch charter.ErrorCode(err) {
			case "":
				personal(w)
				r = r.WithContext(WithUser(ctx, u))
			case charter.EUNAUTHORIZED:
				a.clearCookie(w, CookieName, "/")
			default:
				httpx.WriteError(w, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// personal marks an answer to a signed-in caller as theirs alone: no
// shared cache may keep it, and no browser may keep it on disk (a
// handler answering with public files may still set its own).
func personal(w http.ResponseWriter) {
	w.Header().Add("Vary", "Cookie, Authorization")
	w.Header().Set("Cache-Control", "private, no-store")
}

// Require lets through only callers who may do p: the public gets 401 (a
// page asked for with GET is sent to the sign-in page instead), a signed-in
// user without the permission gets 403.
func (a *Auth) Require(p charter.Permission, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := UserFrom(r.Context())
		if u.Can(p) {
			h.ServeHTTP(w, r)
			return
		}
		api := isAPI(r)
		if u == nil {
			if !api && (r.Method == http.MethodGet || r.Method == http.MethodHead) && wantsHTML(r) {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.refuse(w, r, charter.Errorf(charter.EUNAUTHORIZED, "please sign in first"))
			return
		}
		a.refuse(w, r, charter.Errorf(charter.EFORBIDDEN, "your account may not do this"))
	})
}

func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

func wantsHTML(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "text/html") }

var refusedPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Charter</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Message}}</p><p><a href="/">Go to the home page</a></p></main></body></html>`))

// refuse answers a refused request: a problem document for the APIs, a
// page otherwise.
func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) || !wantsHTML(r) {
		httpx.WriteError(w, err)
		return
	}
	if a.opts.ErrorPage != nil {
		a.opts.ErrorPage(w, r, err)
		return
	}
	status := httpx.StatusOf(err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	title := "You cannot see this page"
	if status == http.StatusUnauthorized {
		title = "Please sign in"
	}
	_ = refusedPage.Execute(w, map[string]string{"Title": title, "Message": charter.ErrorMessage(err)})
}

// errBadSignIn is the one answer to a wrong name, a wrong password, a
// disabled account or an account without a password, so that the answer
// never tells which names exist.
var errBadSignIn = charter.Errorf(charter.EUNAUTHORIZED, "The name or password is not right. Please check them and try again.")

// SignIn checks name and password and, when they match an enabled user,
// starts a session and sets its cookie on w. Failures are slowed, logged
// and audited, and say only that the name or password is wrong
// (EUNAUTHORIZED). After too many recent failures the attempt is refused
// with a cause of type *TooManyAttempts.
func (a *Auth) SignIn(w http.ResponseWriter, r *http.Request, name, password string) (*charter.User, error) {
	ctx := r.Context()
	name = strings.TrimSpace(name)
	addr := clientAddr(r)
	key := strings.ToLower(name)
	if len(key) > 64 {
		// No sign-in name is longer; made-up long names must not cost memory.
		key = key[:64]
	}
	keys := []string{"name:" + key, "addr:" + addr}
	delay, refused := a.limit.check(a.opts.Now(), keys...)
	if refused {
		tm := &TooManyAttempts{Wait: delay}
		a.log.Warn("sign-in refused: too many failures", "name", name, "address", addr, "wait", delay.Round(time.Second))
		return nil, &charter.Error{Code: charter.EUNAUTHORIZED, Message: "Too many failed attempts. Please wait " + plural(tm.Seconds(), "second") + " and try again.", Err: tm}
	}
	if delay > 0 {
		a.sleep(ctx, delay)
	}
	u, hash, err := a.st.UserPassword(ctx, name)
	reason := ""
	switch {
	case charter.ErrorCode(err) == charter.ENOTFOUND:
		CheckPassword(dummyHash, password)
		reason = "unknown name"
	case err != nil:
		return nil, err
	case hash == "":
		CheckPassword(dummyHash, password)
		reason = "no password (single sign-on only)"
	case !CheckPassword(hash, password):
		reason = "wrong password"
	case u.Disabled:
		reason = "account disabled"
	}
	if reason != "" {
		a.limit.fail(a.opts.Now(), keys...)
		a.failed(ctx, "password", name, addr, reason)
		return nil, errBadSignIn
	}
	if err := a.startSession(w, r, u); err != nil {
		return nil, err
	}
	a.limit.clear(keys[0])
	a.log.Info("signed in", "name", u.Name, "address", addr, "method", "password")
	return u, nil
}

// failed logs and audits a failed sign-in (never the password).
func (a *Auth) failed(ctx context.Context, method, name, addr, reason string) {
	a.log.Warn("sign-in failed", "name", name, "address", addr, "method", method, "reason", reason)
	after, _ := json.Marshal(map[string]string{"name": name, "address": addr, "method": method})
	subject := "signin"
	if name != "" {
		subject = "signin:" + name
	}
	// Recorded even when the client has gone (a guesser hanging up early).
	if err := a.st.Audit(context.WithoutCancel(ctx), charter.AuditEvent{Actor: "public", Action: "signin.failed", Subject: subject, After: string(after)}); err != nil {
		a.log.Error("cannot audit a failed sign-in", "err", err)
	}
}

// startSession starts a session for u and sets its cookie, ending the
// session the browser held before (a fresh token at every sign-in, so a
// token planted before sign-in is worth nothing after).
func (a *Auth) startSession(w http.ResponseWriter, r *http.Request, u *charter.User) error {
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		if err := a.st.RevokeSession(r.Context(), HashToken(c.Value)); err != nil {
			return err
		}
	}
	tok, hash, err := newToken("")
	if err != nil {
		return err
	}
	expires := a.opts.Now().Add(a.opts.SessionTTL)
	if err := a.st.CreateSession(r.Context(), hash, u.ID, expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: tok, Path: "/", Expires: expires, MaxAge: int(a.opts.SessionTTL / time.Second),
		HttpOnly: true, Secure: a.opts.Secure, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

func (a *Auth) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: a.opts.Secure, SameSite: http.SameSiteLaxMode})
}

// SignOut revokes the caller's session and clears the cookie.
func (a *Auth) SignOut(w http.ResponseWriter, r *http.Request) error {
	a.clearCookie(w, CookieName, "/")
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	return a.st.RevokeSession(r.Context(), HashToken(c.Value))
}

// SafeNext returns next when it is a path on this site, and "/" otherwise,
// so that "?next=" cannot send a user who has just signed in to another
// site ("//evil.example", "https://…", "/\evil.example").
func SafeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// clientAddr is the client's address as the server sees it (the
// connection's peer; a proxy in front should be trusted by the server,
// not here).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// ErrOIDCOff is returned by the single sign-on calls when it is not
// configured.
var ErrOIDCOff = charter.Errorf(charter.ENOTFOUND, "single sign-on is not set up on this site")
