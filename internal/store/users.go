package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// Actor is who makes a change, as the audit trail names them: a user, or
// "system" / "cli:NAME" / "public" with ID 0.
type Actor struct {
	ID   int64
	Name string
}

// SystemActor is the server itself, for changes no person asked for.
var SystemActor = Actor{Name: "system"}

// PublicActor is someone not signed in (a failed sign-in).
var PublicActor = Actor{Name: "public"}

// ActorOf names user u as the actor of a change; nil is the public.
func ActorOf(u *charter.User) Actor {
	if u == nil {
		return PublicActor
	}
	return Actor{ID: u.ID, Name: u.Name}
}

// NewUser is an account to create. PasswordHash is the argon2id PHC string
// (internal/auth makes it), or "" for a user who signs in only through
// single sign-on.
type NewUser struct {
	Name         string
	Role         charter.Role
	Force        string
	Rank         charter.Rank
	Station      string
	Team         string // the team an officer or supervisor works in
	PanelID      int64  // the scrutiny panel a panel member sits on
	PasswordHash string
}

// userJSON is a user as the audit trail records it: never the password
// hash, only whether there is one.
type userJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Force    string `json:"force,omitempty"`
	Rank     string `json:"rank,omitempty"`
	Station  string `json:"station,omitempty"`
	Team     string `json:"team,omitempty"`
	PanelID  int64  `json:"panel_id,omitempty"`
	Disabled bool   `json:"disabled"`
}

func userAudit(u *charter.User) string {
	b, _ := json.Marshal(userJSON{ID: u.ID, Name: u.Name, Role: string(u.Role), Force: u.Force, Rank: u.Rank.String(), Station: u.Station, Team: u.Team, PanelID: u.PanelID, Disabled: u.Disabled})
	return string(b)
}

func userSubject(id int64) string { return fmt.Sprintf("user:%d", id) }

// ValidUserName reports whether name can be a sign-in name: 1 to 64
// letters, digits and . _ - @, so that names are unambiguous in the audit
// trail and on the command line.
func ValidUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-@", c)) {
			return false
		}
	}
	return true
}

// CreateUser stores a new account, audited as "user.create" by by. A name
// already taken is a conflict.
func (s *Store) CreateUser(ctx context.Context, by Actor, nu NewUser) (*charter.User, error) {
	if !ValidUserName(nu.Name) {
		return nil, charter.Errorf(charter.EINVALID, "user name %q: use 1 to 64 letters, digits, dots, dashes, underscores or @", nu.Name)
	}
	if _, err := charter.ParseRole(string(nu.Role)); err != nil {
		return nil, err
	}
	if nu.Force != "" && !charter.ValidForceID(nu.Force) {
		return nil, charter.Errorf(charter.EINVALID, "force %q is not a data.police.uk force id (e.g. metropolitan)", nu.Force)
	}
	u := &charter.User{Name: nu.Name, Role: nu.Role, Force: nu.Force, Rank: nu.Rank, Station: strings.TrimSpace(nu.Station),
		Team: strings.TrimSpace(nu.Team), PanelID: nu.PanelID, Created: Now().UTC().Truncate(time.Second)}
	err := s.inTx(ctx, func(t *tx) error {
		err := t.queryRow(`INSERT INTO users (name, role, force, rank, station, team, panel_id, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Name, string(u.Role), u.Force, int64(u.Rank), u.Station, u.Team, u.PanelID, nu.PasswordHash, u.Created.Unix()).Scan(&u.ID)
		if charter.ErrorCode(err) == charter.ECONFLICT {
			return &charter.Error{Code: charter.ECONFLICT, Message: fmt.Sprintf("there is already a user called %q", u.Name), Err: err}
		}
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "user.create", Subject: userSubject(u.ID), After: userAudit(u)})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

const userCols = `u.id, u.name, u.role, u.force, u.rank, u.station, u.team, u.panel_id, u.disabled, u.created_at`

func scanUser(sc scanner, extra ...any) (*charter.User, error) {
	var u charter.User
	var role string
	var rank, disabled, created int64
	dest := append([]any{&u.ID, &u.Name, &role, &u.Force, &rank, &u.Station, &u.Team, &u.PanelID, &disabled, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.Rank, u.Disabled, u.Created = charter.Role(role), charter.Rank(rank), disabled != 0, time.Unix(created, 0).UTC()
	return &u, nil
}

// userWhere reads the one user matching the condition (on the read pool).
func (s *Store) userWhere(ctx context.Context, what, cond string, args ...any) (*charter.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u WHERE `+cond, args...))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no user %s", what)
	}
	return u, err
}

// UserByName returns the user with the sign-in name.
func (s *Store) UserByName(ctx context.Context, name string) (*charter.User, error) {
	return s.userWhere(ctx, fmt.Sprintf("called %q", name), `u.name = $1`, name)
}

// UserByID returns the user with the id.
func (s *Store) UserByID(ctx context.Context, id int64) (*charter.User, error) {
	return s.userWhere(ctx, fmt.Sprintf("with id %d", id), `u.id = $1`, id)
}

// UserByOIDC returns the user linked to the identity provider's issuer and
// subject (LinkOIDC).
func (s *Store) UserByOIDC(ctx context.Context, issuer, subject string) (*charter.User, error) {
	if subject == "" {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no user for an empty single sign-on subject")
	}
	return s.userWhere(ctx, "linked to this single sign-on account", `u.oidc_issuer = $1 AND u.oidc_subject = $2`, issuer, subject)
}

// UserPassword returns the user called name and their password hash ("" if
// they have none), for checking a password at sign-in. Nothing else reads
// the hash.
func (s *Store) UserPassword(ctx context.Context, name string) (*charter.User, string, error) {
	var hash string
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+`, u.password_hash FROM users u WHERE u.name = $1`, name), &hash)
	if isNoRows(err) {
		return nil, "", charter.Errorf(charter.ENOTFOUND, "there is no user called %q", name)
	}
	return u, hash, err
}

// Users lists every account, by name.
func (s *Store) Users(ctx context.Context) ([]charter.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// user reads a user inside the transaction.
func (t *tx) user(id int64) (*charter.User, error) {
	u, err := scanUser(t.queryRow(`SELECT `+userCols+` FROM users u WHERE u.id = $1`, id))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no user with id %d", id)
	}
	return u, err
}

// DisableUser stops the user signing in, and in the same transaction ends
// every session and revokes every device token of theirs, so a lost or
// departed officer is locked out at once. Audited "user.disable";
// disabling a disabled user changes nothing and is not an error.
func (s *Store) DisableUser(ctx context.Context, by Actor, id int64) error {
	return s.inTx(ctx, func(t *tx) error {
		u, err := t.user(id)
		if err != nil {
			return err
		}
		if u.Disabled {
			return nil
		}
		before := userAudit(u)
		if _, err := t.exec(`UPDATE users SET disabled = 1 WHERE id = $1`, id); err != nil {
			return err
		}
		now := Now().Unix()
		if _, err := t.exec(`UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, id); err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, id); err != nil {
			return err
		}
		u.Disabled = true
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "user.disable", Subject: userSubject(id), Before: before, After: userAudit(u)})
	})
}

// SetPassword replaces the user's password hash ("" removes the password:
// single sign-on only), audited "user.password" without the hash.
func (s *Store) SetPassword(ctx context.Context, by Actor, id int64, hash string) error {
	return s.inTx(ctx, func(t *tx) error {
		n, err := t.exec(`UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return charter.Errorf(charter.ENOTFOUND, "there is no user with id %d", id)
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "user.password", Subject: userSubject(id)})
	})
}

// LinkOIDC links the user to an identity at the identity provider, so that
// single sign-on finds them by issuer and subject from then on. Audited
// "user.link_sso". An identity already linked to another user, or a user
// already linked to another identity, is a conflict; linking the same pair
// again changes nothing.
func (s *Store) LinkOIDC(ctx context.Context, by Actor, id int64, issuer, subject string) error {
	if issuer == "" || subject == "" {
		return charter.Errorf(charter.EINVALID, "a single sign-on link needs an issuer and a subject")
	}
	return s.inTx(ctx, func(t *tx) error {
		var curIss, curSub string
		err := t.queryRow(`SELECT oidc_issuer, oidc_subject FROM users WHERE id = $1`, id).Scan(&curIss, &curSub)
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "there is no user with id %d", id)
		}
		if err != nil {
			return err
		}
		if curIss == issuer && curSub == subject {
			return nil
		}
		if curSub != "" {
			// Relinking would let whoever holds another identity with the
			// same name take the account over.
			return charter.Errorf(charter.ECONFLICT, "this user is already linked to another single sign-on account")
		}
		_, err = t.exec(`UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3`, issuer, subject, id)
		if charter.ErrorCode(err) == charter.ECONFLICT {
			return &charter.Error{Code: charter.ECONFLICT, Message: "this single sign-on account is already linked to another user", Err: err}
		}
		if err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]string{"issuer": issuer, "subject": subject})
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "user.link_sso", Subject: userSubject(id), After: string(after)})
	})
}

// CreateSession stores a web session (only the hash of the cookie's token)
// for the user until expires, audited as the user's "signin" in the same
// transaction. A disabled user gets no session.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	return s.inTx(ctx, func(t *tx) error {
		u, err := t.user(userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return charter.Errorf(charter.EUNAUTHORIZED, "this account is disabled")
		}
		now := Now()
		if _, err := t.exec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			tokenHash, userID, now.Unix(), expires.Unix()); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"expires": expires.UTC().Format(time.RFC3339)})
		return t.audit(&charter.AuditEvent{At: now, ActorID: u.ID, Actor: u.Name, Action: "signin", Subject: userSubject(u.ID), After: string(after)})
	})
}

// SessionUser returns the user of the session whose token hashes to
// tokenHash. A session that is unknown, expired at now, revoked, or whose
// user is disabled is EUNAUTHORIZED.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, now time.Time) (*charter.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled = 0`, tokenHash, now.Unix()))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.EUNAUTHORIZED, "your session has ended; please sign in again")
	}
	return u, err
}

// RevokeSession ends one session (signing out), audited as the user's
// "signout". An unknown or already ended session changes nothing.
func (s *Store) RevokeSession(ctx context.Context, tokenHash string) error {
	return s.inTx(ctx, func(t *tx) error {
		var uid int64
		var name string
		err := t.queryRow(`SELECT u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.revoked_at IS NULL`, tokenHash).Scan(&uid, &name)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2`, Now().Unix(), tokenHash); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: uid, Actor: name, Action: "signout", Subject: userSubject(uid)})
	})
}

// RevokeUserSessions ends every session of the user (a stolen phone, a
// password reset) and returns how many were open; audited
// "session.revoke_all" when there were any.
func (s *Store) RevokeUserSessions(ctx context.Context, by Actor, userID int64) (int, error) {
	var n int64
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		n, err = t.exec(`UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, Now().Unix(), userID)
		if err != nil || n == 0 {
			return err
		}
		after, _ := json.Marshal(map[string]int64{"sessions": n})
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "session.revoke_all", Subject: userSubject(userID), After: string(after)})
	})
	return int(n), err
}

// Token is a device token as listed: never the token itself, which is
// shown once when created and kept only as a hash.
type Token struct {
	ID       int64
	UserID   int64
	UserName string
	Label    string
	Created  time.Time
	Revoked  time.Time // zero while the token works
}

func tokenAudit(tk Token) string {
	b, _ := json.Marshal(map[string]any{"id": tk.ID, "user": tk.UserName, "label": tk.Label})
	return string(b)
}

// CreateToken stores a device token (its hash) for the user, labelled
// (e.g. "handset 4411"), audited "token.create". A disabled user gets none.
func (s *Store) CreateToken(ctx context.Context, by Actor, userID int64, label, tokenHash string) (Token, error) {
	var tk Token
	err := s.inTx(ctx, func(t *tx) error {
		u, err := t.user(userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return charter.Errorf(charter.EINVALID, "user %q is disabled and cannot be given a device token", u.Name)
		}
		tk = Token{UserID: u.ID, UserName: u.Name, Label: label, Created: Now().UTC().Truncate(time.Second)}
		if err := t.queryRow(`INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			tokenHash, userID, label, tk.Created.Unix()).Scan(&tk.ID); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "token.create", Subject: fmt.Sprintf("token:%d", tk.ID), After: tokenAudit(tk)})
	})
	return tk, err
}

// TokenUser returns the user of the device token whose hash is tokenHash;
// unknown, revoked, or of a disabled user is EUNAUTHORIZED.
func (s *Store) TokenUser(ctx context.Context, tokenHash string) (*charter.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM api_tokens k JOIN users u ON u.id = k.user_id
		WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.disabled = 0`, tokenHash))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.EUNAUTHORIZED, "the device token is not known or has been revoked")
	}
	return u, err
}

const tokenCols = `k.id, k.user_id, u.name, k.label, k.created_at, k.revoked_at`

func scanToken(sc scanner) (Token, error) {
	var tk Token
	var created int64
	var revoked sql.NullInt64
	if err := sc.Scan(&tk.ID, &tk.UserID, &tk.UserName, &tk.Label, &created, &revoked); err != nil {
		return tk, err
	}
	tk.Created = time.Unix(created, 0).UTC()
	if revoked.Valid {
		tk.Revoked = time.Unix(revoked.Int64, 0).UTC()
	}
	return tk, nil
}

// RevokeToken revokes the device token with the id, audited
// "token.revoke". A token already revoked is left as it is.
func (s *Store) RevokeToken(ctx context.Context, by Actor, id int64) error {
	return s.revokeTokens(ctx, by, fmt.Sprintf("with id %d", id), `k.id = $1`, id)
}

// RevokeTokenByLabel revokes the user's working device tokens with the
// label, each audited "token.revoke".
func (s *Store) RevokeTokenByLabel(ctx context.Context, by Actor, userID int64, label string) error {
	return s.revokeTokens(ctx, by, fmt.Sprintf("labelled %q", label), `k.user_id = $1 AND k.label = $2 AND k.revoked_at IS NULL`, userID, label)
}

// RevokeUserTokens revokes every working device token of the user and
// returns how many, each audited "token.revoke".
func (s *Store) RevokeUserTokens(ctx context.Context, by Actor, userID int64) (int, error) {
	var n int
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		n, err = t.revokeTokens(by, `k.user_id = $1 AND k.revoked_at IS NULL`, userID)
		return err
	})
	return n, err
}

func (s *Store) revokeTokens(ctx context.Context, by Actor, what, cond string, args ...any) error {
	return s.inTx(ctx, func(t *tx) error {
		var found int
		err := t.queryRow(`SELECT count(*) FROM api_tokens k WHERE `+cond, args...).Scan(&found)
		if err != nil {
			return err
		}
		if found == 0 {
			return charter.Errorf(charter.ENOTFOUND, "there is no device token %s", what)
		}
		_, err = t.revokeTokens(by, cond, args...)
		return err
	})
}

// revokeTokens revokes the matching tokens that still work, auditing each.
func (t *tx) revokeTokens(by Actor, cond string, args ...any) (int, error) {
	var tks []Token
	err := t.query(`SELECT `+tokenCols+` FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE `+cond+` ORDER BY k.id`, func(sc scanner) error {
		tk, err := scanToken(sc)
		if err == nil && tk.Revoked.IsZero() {
			tks = append(tks, tk)
		}
		return err
	}, args...)
	if err != nil {
		return 0, err
	}
	now := Now()
	for _, tk := range tks {
		if _, err := t.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, now.Unix(), tk.ID); err != nil {
			return 0, err
		}
		if err := t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "token.revoke", Subject: fmt.Sprintf("token:%d", tk.ID), Before: tokenAudit(tk)}); err != nil {
			return 0, err
		}
	}
	return len(tks), nil
}

// ListTokens lists device tokens, revoked ones included, oldest first: the
// user's when userID is not 0, otherwise everyone's.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens k JOIN users u ON u.id = k.user_id
		WHERE $1 = 0 OR k.user_id = $1 ORDER BY k.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		tk, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}
