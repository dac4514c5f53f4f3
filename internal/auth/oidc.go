package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// oidcCookie holds the state, nonce and PKCE verifier of one single
// sign-on between leaving for the identity provider and coming back. It
// is HttpOnly, limited to the callback's path and lives ten minutes.
const (
	oidcCookie     = "charter_oidc"
	oidcCookiePath = "/signin/oidc"
	oidcCookieTTL  = 10 * time.Minute
)

type oidcClient struct {
	cfg      OIDCConfig
	issuer   string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

func newOIDC(ctx context.Context, cfg OIDCConfig, now func() time.Time) (*oidcClient, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, charter.Errorf(charter.EINVALID, "single sign-on needs the identity provider's address, the client id and the redirect address")
	}
	if cfg.MatchClaim == "" {
		cfg.MatchClaim = "preferred_username"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	ctx = oidc.ClientContext(ctx, client)
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, &charter.Error{Code: charter.EINVALID, Message: "cannot reach the single sign-on identity provider at " + cfg.Issuer, Err: err}
	}
	return &oidcClient{
		cfg:      cfg,
		issuer:   cfg.Issuer,
		client:   client,
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: now}),
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile"},
		},
	}, nil
}

// OIDCEnabled reports whether single sign-on is configured.
func (a *Auth) OIDCEnabled() bool { return a.oidc != nil }

type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

func randomString() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// OIDCStart sends the browser to the identity provider (state and nonce in
// a short-lived cookie); next is where to go after signing in.
func (a *Auth) OIDCStart(w http.ResponseWriter, r *http.Request, next string) {
	if a.oidc == nil {
		http.Error(w, charter.ErrorMessage(ErrOIDCOff), http.StatusNotFound)
		return
	}
	st := oidcState{Next: SafeNext(next), Verifier: oauth2.GenerateVerifier()}
	var err error
	if st.State, err = randomString(); err == nil {
		st.Nonce, err = randomString()
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	b, _ := json.Marshal(st)
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: oidcCookiePath,
		MaxAge: int(oidcCookieTTL / time.Second), HttpOnly: true, Secure: a.opts.Secure,
		// Lax: the identity provider sends the browser back with a
		// top-level GET from its own site, which Lax cookies go with.
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.oidc.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusSeeOther)
}

// errSSO is the answer to a single sign-on that failed on our side of the
// exchange; the cause goes to the log.
func errSSO(msg string, cause error) error {
	return &charter.Error{Code: charter.EUNAUTHORIZED, Message: msg, Err: cause}
}

// OIDCCallback finishes single sign-on: checks state, exchanges the code,
// verifies the ID token, finds the user by issuer and subject, starts a
// session. It returns where to go next.
//
// A person the identity provider knows but Charter does not is refused:
// accounts are made by an administrator (charter user add), never by
// signing in. The first time a user signs in this way they are matched by
// the configured claim (their sign-in name) and linked to the identity
// for good.
func (a *Auth) OIDCCallback(w http.ResponseWriter, r *http.Request) (u *charter.User, next string, err error) {
	next = "/"
	if a.oidc == nil {
		return nil, next, ErrOIDCOff
	}
	ctx := r.Context()
	addr := clientAddr(r)
	u, next, name, err := a.oidcFinish(w, r)
	if err != nil {
		a.failed(ctx, "single sign-on", name, addr, err.Error())
		return nil, "/", err
	}
	if err := a.startSession(w, r, u); err != nil {
		return nil, "/", err
	}
	a.log.Info("signed in", "name", u.Name, "address", addr, "method", "single sign-on")
	return u, next, nil
}

func (a *Auth) oidcFinish(w http.ResponseWriter, r *http.Request) (u *charter.User, next, name string, err error) {
	next = "/"
	c, cerr := r.Cookie(oidcCookie)
	a.clearCookie(w, oidcCookie, oidcCookiePath)
	if cerr != nil {
		return nil, next, "", errSSO("The single sign-on took too long or was started in another browser. Please try again.", cerr)
	}
	var st oidcState
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err == nil {
		err = json.Unmarshal(raw, &st)
	}
	if err != nil || st.State == "" || st.Nonce == "" {
		return nil, next, "", errSSO("The single sign-on could not be checked. Please try again.", fmt.Errorf("bad state cookie: %v", err))
	}
	next = SafeNext(st.Next)
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1 {
		return nil, next, "", errSSO("The single sign-on could not be checked. Please try again.", fmt.Errorf("state does not match"))
	}
	if e := q.Get("error"); e != "" {
		return nil, next, "", errSSO("The single sign-on service did not sign you in.", fmt.Errorf("identity provider: %s: %s", e, q.Get("error_description")))
	}
	code := q.Get("code")
	if code == "" {
		return nil, next, "", errSSO("The single sign-on service did not sign you in.", fmt.Errorf("no code"))
	}
	ctx := oidc.ClientContext(r.Context(), a.oidc.client)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.oidc.client)
	tok, err := a.oidc.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return nil, next, "", errSSO("The single sign-on service did not confirm who you are. Please try again.", fmt.Errorf("exchange the code: %w", err))
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, next, "", errSSO("The single sign-on service did not confirm who you are.", fmt.Errorf("no id_token in the token response"))
	}
	idt, err := a.oidc.verifier.Verify(ctx, rawID)
	if err != nil {
		return nil, next, "", errSSO("The single sign-on service did not confirm who you are.", fmt.Errorf("verify the ID token: %w", err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, next, "", errSSO("The single sign-on could not be checked. Please try again.", fmt.Errorf("nonce does not match"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, next, "", errSSO("The single sign-on service did not confirm who you are.", err)
	}
	name, _ = claims[a.oidc.cfg.MatchClaim].(string)
	u, err = a.st.UserByOIDC(r.Context(), idt.Issuer, idt.Subject)
	if charter.ErrorCode(err) == charter.ENOTFOUND && name != "" {
		// First single sign-on: match by name, then link for good.
		u, err = a.st.UserByName(r.Context(), name)
		if err == nil && !u.Disabled {
			err = a.st.LinkOIDC(r.Context(), store.ActorOf(u), u.ID, idt.Issuer, idt.Subject)
		}
	}
	if ec := charter.ErrorCode(err); ec == charter.ENOTFOUND || ec == charter.ECONFLICT {
		return nil, next, name, errSSO("Your single sign-on account has no access to Charter. Ask an administrator to add you.", fmt.Errorf("subject %s of %s: %w", idt.Subject, idt.Issuer, err))
	}
	if err != nil {
		return nil, next, name, err
	}
	if u.Disabled {
		return nil, next, name, errSSO("Your single sign-on account has no access to Charter. Ask an administrator to add you.", fmt.Errorf("user %s is disabled", u.Name))
	}
	return u, next, u.Name, nil
}
