package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// charter serve's sign-in flags: single sign-on all or nothing, the secret
// from a file, the cookie settings.
func TestAuthFlags(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{args: nil},
		{args: []string{"--secure-cookies", "--session-ttl", "8h"}},
		{args: []string{"--oidc-issuer", "https://idp", "--oidc-client-id", "charter", "--oidc-redirect-url", "https://c.example/signin/oidc/callback", "--oidc-client-secret-file", secret}},
		{args: []string{"--oidc-issuer", "https://idp"}, err: "together"},
		{args: []string{"--oidc-issuer", "https://idp", "--oidc-client-id", "charter", "--oidc-redirect-url", "https://c.example/callback"}, err: "must end in"},
		{args: []string{"--oidc-client-secret", "a", "--oidc-client-secret-file", secret}, err: "once"},
		{args: []string{"--session-ttl", "0s"}, err: "more than 0"},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f := AddAuthFlags(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		o, err := f.Options()
		if tc.err != "" {
			if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want one saying %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		switch len(tc.args) {
		case 0:
			if o.Secure || o.OIDC != nil || o.SessionTTL != 12*time.Hour {
				t.Errorf("defaults: %+v", o)
			}
		case 3:
			if !o.Secure || o.SessionTTL != 8*time.Hour {
				t.Errorf("%v: %+v", tc.args, o)
			}
		default:
			if o.OIDC == nil || o.OIDC.ClientSecret != "s3cret" || o.OIDC.MatchClaim != "preferred_username" {
				t.Errorf("%v: %+v", tc.args, o.OIDC)
			}
		}
	}
}
