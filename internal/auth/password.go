package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/stopsearch/charter"
)

// The argon2id parameters: OWASP's recommended minimum (19 MiB, two
// passes, one lane), about 30 ms a hash on one core here, cheap for a
// sign-in and costly for whoever guesses at a stolen database.
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password accepted: length is what
// makes a password hard to guess (NIST SP 800-63B asks for at least 8;
// accounts that can read identities deserve more).
const MinPasswordLength = 12

// CheckPasswordStrength refuses a password too short to be safe.
func CheckPasswordStrength(password string) error {
	if n := len([]rune(password)); n < MinPasswordLength {
		return charter.Errorf(charter.EINVALID, "the password is too short: use at least %d characters (it has %d)", MinPasswordLength, n)
	}
	return nil
}

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password in the PHC string
// format ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), which names its own
// parameters so that they can be raised later without breaking old hashes.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC hash, comparing
// in constant time. A malformed or empty hash matches nothing.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<22 || t > 64 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user is unknown or has no
// password, so that a wrong name takes as long as a wrong password and
// timing does not tell which names exist.
var dummyHash, _ = HashPassword("charter: no such user, no such password")

// tokenBytes is the randomness of session and device tokens: 256 bits.
const tokenBytes = 32

// DeviceTokenPrefix starts every device token, so that one pasted into a
// chat or committed to a repository is recognisable (and secret scanners
// can be taught to find it).
const DeviceTokenPrefix = "chd_"

// newToken returns a random token (base64url) and its stored hash.
func newToken(prefix string) (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// NewDeviceToken returns a new device token, to be shown once, and the
// hash to store (store.CreateToken).
func NewDeviceToken() (token, hash string, err error) { return newToken(DeviceTokenPrefix) }

// HashToken is how session and device tokens are kept: hex SHA-256. The
// tokens are 256 random bits, so a fast hash is enough, and a copy of the
// database holds nothing that signs anyone in.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
