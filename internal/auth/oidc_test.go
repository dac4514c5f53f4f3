package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// fakeIdP is an OpenID Connect identity provider started inside the test:
// discovery, a JWKS with a key made here, /authorize that sends the
// browser straight back with a code, and /token that answers with an ID
// token signed by that key (PKCE checked).
type fakeIdP struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu sync.Mutex
	// who signs in next, and how the ID token is spoilt
	subject, username string
	spoil             func(claims map[string]any)
	// per code: the nonce and PKCE challenge of the /authorize call
	codes map[string][2]string
}

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeIdP{key: key, codes: map[string][2]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		u := p.srv.URL
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
			"jwks_uri": u + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorize request: "+r.URL.RawQuery, 400)
			return
		}
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = [2]string{q.Get("nonce"), q.Get("code_challenge")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := url.Values{"code": {code}, "state": {q.Get("state")}}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		if id != "charter" || secret != "s3cret" {
			http.Error(w, `{"error":"invalid_client"}`, 401)
			return
		}
		p.mu.Lock()
		got, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		sub, name, spoil := p.subject, p.username, p.spoil
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != got[1] {
			http.Error(w, `{"error":"invalid_grant"}`, 400)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.srv.URL, "sub": sub, "aud": "charter", "exp": now.Add(5 * time.Minute).Unix(),
			"iat": now.Unix(), "nonce": got[0], "preferred_username": name}
		if spoil != nil {
			spoil(claims)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(t, claims)})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeIdP) sign(t *testing.T, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Error(err)
		return ""
	}
	b, _ := json.Marshal(claims)
	jws, err := signer.Sign(b)
	if err != nil {
		t.Error(err)
		return ""
	}
	s, _ := jws.CompactSerialize()
	return s
}

func (p *fakeIdP) next(sub, name string, spoil func(map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subject, p.username, p.spoil = sub, name, spoil
}

// The whole single sign-on round trip, through a browser-like client with
// a cookie jar, against an identity provider started in the test; and the
// ID tokens it must refuse.
func TestAuthOIDC(t *testing.T) {
	ctx := context.Background()
	idp := newFakeIdP(t)
	st := storetest.Open(t)
	var a *Auth
	site := http.NewServeMux()
	site.HandleFunc("GET /signin/oidc", func(w http.ResponseWriter, r *http.Request) {
		a.OIDCStart(w, r, r.URL.Query().Get("next"))
	})
	site.HandleFunc("GET /signin/oidc/callback", func(w http.ResponseWriter, r *http.Request) {
		u, next, err := a.OIDCCallback(w, r)
		if err != nil {
			http.Error(w, charter.ErrorMessage(err), 401)
			return
		}
		if u == nil {
			t.Error("no user and no error")
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	site.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		if u := UserFrom(r.Context()); u != nil {
			io.WriteString(w, "signed in as "+u.Name)
			return
		}
		io.WriteString(w, "public")
	})
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()

	var err error
	a, err = New(ctx, st, Options{OIDC: &OIDCConfig{Issuer: idp.srv.URL, ClientID: "charter", ClientSecret: "s3cret", RedirectURL: srv.URL + "/signin/oidc/callback"}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if !a.OIDCEnabled() {
		t.Fatal("single sign-on is off")
	}
	handler = a.Middleware(site)

	officer, err := st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "pc.sso", Role: charter.RoleOfficer})
	if err != nil {
		t.Fatal(err)
	}
	gone, _ := st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "pc.left", Role: charter.RoleOfficer})
	st.DisableUser(ctx, store.SystemActor, gone.ID)

	signIn := func(t *testing.T, next string) (int, string) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.Get(srv.URL + "/signin/oidc?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	// First time: matched by preferred_username, then linked.
	idp.next("sub-123", "pc.sso", nil)
	if code, body := signIn(t, "/whoami"); code != 200 || body != "signed in as pc.sso" {
		t.Fatalf("first sign-on: %d %q", code, body)
	}
	if u, err := st.UserByOIDC(ctx, idp.srv.URL, "sub-123"); err != nil || u.ID != officer.ID {
		t.Errorf("not linked: %+v, %v", u, err)
	}
	// Later: found by subject, whatever the name claim says now.
	idp.next("sub-123", "renamed.at.idp", nil)
	if code, body := signIn(t, "/whoami"); code != 200 || body != "signed in as pc.sso" {
		t.Errorf("second sign-on: %d %q", code, body)
	}
	// An unsafe next goes home instead (404 here, as the test site has no home page).
	idp.next("sub-123", "pc.sso", nil)
	if code, _ := signIn(t, "//evil.example/"); code != 404 {
		t.Errorf("next=//evil.example/: status %d", code)
	}

	for _, tc := range []struct {
		name, sub, user string
		spoil           func(map[string]any)
		msg             string
	}{
		{"unknown person", "sub-999", "stranger", nil, "no access"},
		{"same name, another identity", "sub-456", "pc.sso", nil, "no access"},
		{"disabled user", "sub-777", "pc.left", nil, "no access"},
		{"wrong nonce", "sub-123", "pc.sso", func(c map[string]any) { c["nonce"] = "not-the-nonce" }, "could not be checked"},
		{"wrong audience", "sub-123", "pc.sso", func(c map[string]any) { c["aud"] = "another-client" }, "did not confirm"},
		{"expired token", "sub-123", "pc.sso", func(c map[string]any) {
			c["exp"] = time.Now().Add(-time.Hour).Unix()
			c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
		}, "did not confirm"},
		{"wrong issuer", "sub-123", "pc.sso", func(c map[string]any) { c["iss"] = "https://evil.example" }, "did not confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp.next(tc.sub, tc.user, tc.spoil)
			code, body := signIn(t, "/whoami")
			if code != 401 || !strings.Contains(body, tc.msg) {
				t.Errorf("status %d %q, want 401 saying %q", code, body, tc.msg)
			}
		})
	}

	// A callback without the state cookie (another browser, or forged) is refused.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(srv.URL + "/signin/oidc/callback?code=x&state=y")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("callback without the cookie: %d", res.StatusCode)
	}

	var signins, failed int
	for _, ev := range auditedActions(t, st) {
		switch ev.Action {
		case "signin":
			signins++
		case "signin.failed":
			failed++
		}
	}
	if signins != 3 || failed != 8 {
		t.Errorf("audited %d sign-ins and %d failures, want 3 and 8", signins, failed)
	}
}
