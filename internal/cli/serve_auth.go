package cli

import (
	"flag"
	"os"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
)

// AuthFlags are charter serve's sign-in settings: the session cookie and
// single sign-on. Options turns them into the auth.Options the server
// takes (server.Config.Auth).
type AuthFlags struct {
	OIDCIssuer           string
	OIDCClientID         string
	OIDCClientSecret     string
	OIDCClientSecretFile string
	OIDCRedirectURL      string
	OIDCMatchClaim       string
	SecureCookies        bool
	SessionTTL           time.Duration
}

// AddAuthFlags defines the sign-in flags on fs (each also read from
// CHARTER_<FLAG>, as every flag).
func AddAuthFlags(fs *flag.FlagSet) *AuthFlags {
	f := &AuthFlags{}
	fs.StringVar(&f.OIDCIssuer, "oidc-issuer", "", "single sign-on: the identity provider's issuer address (e.g. https://login.example.org/realms/police); empty: passwords only")
	fs.StringVar(&f.OIDCClientID, "oidc-client-id", "", "single sign-on: Charter's client id at the identity provider")
	fs.StringVar(&f.OIDCClientSecret, "oidc-client-secret", "", "single sign-on: Charter's client secret (better: --oidc-client-secret-file, or CHARTER_OIDC_CLIENT_SECRET_FILE)")
	fs.StringVar(&f.OIDCClientSecretFile, "oidc-client-secret-file", "", "single sign-on: a file holding the client secret")
	fs.StringVar(&f.OIDCRedirectURL, "oidc-redirect-url", "", "single sign-on: the address the identity provider sends people back to, ending in /signin/oidc/callback (e.g. https://charter.example/signin/oidc/callback)")
	fs.StringVar(&f.OIDCMatchClaim, "oidc-match-claim", "preferred_username", "single sign-on: the claim that must equal a user's name the first time they sign in this way")
	fs.BoolVar(&f.SecureCookies, "secure-cookies", false, "send the sign-in cookie over HTTPS only (set it when Charter is served over HTTPS, directly or behind a proxy)")
	fs.DurationVar(&f.SessionTTL, "session-ttl", auth.DefaultSessionTTL, "how long a sign-in lasts")
	return f
}

// Options returns the sign-in options, checking that single sign-on is
// set up completely or not at all.
func (f *AuthFlags) Options() (auth.Options, error) {
	o := auth.Options{Secure: f.SecureCookies, SessionTTL: f.SessionTTL}
	if f.SessionTTL <= 0 {
		return o, charter.Errorf(charter.EINVALID, "--session-ttl must be more than 0")
	}
	secret := f.OIDCClientSecret
	if f.OIDCClientSecretFile != "" {
		if secret != "" {
			return o, charter.Errorf(charter.EINVALID, "give the single sign-on client secret once: --oidc-client-secret or --oidc-client-secret-file")
		}
		b, err := os.ReadFile(f.OIDCClientSecretFile)
		if err != nil {
			return o, charter.Errorf(charter.EINVALID, "--oidc-client-secret-file: cannot read %s: %v", f.OIDCClientSecretFile, err)
		}
		secret = strings.TrimSpace(string(b))
	}
	if f.OIDCIssuer == "" && f.OIDCClientID == "" && f.OIDCRedirectURL == "" && secret == "" {
		return o, nil
	}
	if f.OIDCIssuer == "" || f.OIDCClientID == "" || f.OIDCRedirectURL == "" {
		return o, charter.Errorf(charter.EINVALID, "single sign-on needs --oidc-issuer, --oidc-client-id and --oidc-redirect-url together")
	}
	if !strings.HasSuffix(f.OIDCRedirectURL, "/signin/oidc/callback") {
		return o, charter.Errorf(charter.EINVALID, "--oidc-redirect-url must end in /signin/oidc/callback, where Charter finishes single sign-on")
	}
	o.OIDC = &auth.OIDCConfig{Issuer: f.OIDCIssuer, ClientID: f.OIDCClientID, ClientSecret: secret, RedirectURL: f.OIDCRedirectURL, MatchClaim: f.OIDCMatchClaim}
	return o, nil
}
