package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// The sign-in page without JavaScript: the form, a failure that keeps the
// name and answers 401, a success that goes to a local next only, and
// signing out.
func TestSignInPage(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	site, err := New(public.New(st, snap, "metropolitan"), log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, st, auth.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	site.SetEncounter(Encounter{Auth: a})
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(a.Middleware(mux))
	defer srv.Close()
	hash, _ := auth.HashPassword("a long enough password")
	if _, err := st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "pc.web", Role: charter.RoleOfficer, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, body := get(t, c, srv.URL+"/signin?next=%2Frecords%2Fnew")
	if res.StatusCode != 200 || !strings.Contains(body, `action="/signin"`) || !strings.Contains(body, `name="next" value="/records/new"`) ||
		!strings.Contains(body, `autocomplete="current-password"`) || strings.Contains(body, "single sign-on") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /signin: %d\n%s", res.StatusCode, body)
	}
	post := func(form url.Values) (*http.Response, string) {
		t.Helper()
		res, err := c.PostForm(srv.URL+"/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body = post(url.Values{"name": {"pc.web"}, "password": {"not the password"}, "next": {"/records/new"}})
	if res.StatusCode != 401 || !strings.Contains(body, "The name or password is not right") ||
		!strings.Contains(body, `value="pc.web"`) || !strings.Contains(body, `value="/records/new"`) {
		t.Errorf("failed sign-in: %d\n%s", res.StatusCode, body)
	}
	res, _ = post(url.Values{"name": {"pc.web"}, "password": {"a long enough password"}, "next": {"//evil.example/"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Errorf("sign-in with a foreign next: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = post(url.Values{"name": {"pc.web"}, "password": {"a long enough password"}, "next": {"/rights"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/rights" {
		t.Errorf("sign-in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = get(t, c, srv.URL+"/signin")
	if !strings.Contains(body, "signed in as <strong>pc.web</strong>") || !strings.Contains(body, `action="/signout"`) {
		t.Errorf("signed-in page: %d\n%s", res.StatusCode, body)
	}
	res, err = c.PostForm(srv.URL+"/signout", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Errorf("sign-out: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body = get(t, c, srv.URL+"/signin"); strings.Contains(body, "signed in as") {
		t.Errorf("still signed in after signing out")
	}
	if res, _ := get(t, c, srv.URL+"/signin/oidc"); res.StatusCode != 404 {
		t.Errorf("single sign-on without an identity provider: %d", res.StatusCode)
	}
}
