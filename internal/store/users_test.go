package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func auditActions(t *testing.T, st *store.Store) []charter.AuditEvent {
	t.Helper()
	var evs []charter.AuditEvent
	if err := st.AuditEvents(context.Background(), 1, func(ev charter.AuditEvent) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if charter.ErrorCode(err) != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, charter.ErrorCode(err), code)
	}
}

// Users are created once per name, audited without their password hash,
// and found by name, id and single sign-on identity.
func TestUserCreateAndFind(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	admin := store.Actor{Name: "cli:root"}
	u, err := st.CreateUser(ctx, admin, store.NewUser{Name: "pc.smith", Role: charter.RoleOfficer, Force: "metropolitan", Rank: charter.RankConstable, PasswordHash: "$argon2id$secret-hash"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Created.IsZero() {
		t.Errorf("created user %+v has no id or time", u)
	}
	_, err = st.CreateUser(ctx, admin, store.NewUser{Name: "pc.smith", Role: charter.RoleAnalyst})
	wantCode(t, "same name again", err, charter.ECONFLICT)
	_, err = st.CreateUser(ctx, admin, store.NewUser{Name: "bad name", Role: charter.RoleAnalyst})
	wantCode(t, "name with a space", err, charter.EINVALID)
	_, err = st.CreateUser(ctx, admin, store.NewUser{Name: "x", Role: "chief"})
	wantCode(t, "unknown role", err, charter.EINVALID)

	byName, err := st.UserByName(ctx, "pc.smith")
	if err != nil || *byName != *u {
		t.Errorf("UserByName = %+v, %v; want %+v", byName, err, u)
	}
	byID, err := st.UserByID(ctx, u.ID)
	if err != nil || *byID != *u {
		t.Errorf("UserByID = %+v, %v; want %+v", byID, err, u)
	}
	_, err = st.UserByName(ctx, "nobody")
	wantCode(t, "unknown name", err, charter.ENOTFOUND)
	_, hash, err := st.UserPassword(ctx, "pc.smith")
	if err != nil || hash != "$argon2id$secret-hash" {
		t.Errorf("UserPassword = %q, %v", hash, err)
	}

	evs := auditActions(t, st)
	if len(evs) != 1 || evs[0].Action != "user.create" || evs[0].Actor != "cli:root" || evs[0].Subject != "user:"+itoa(u.ID) {
		t.Fatalf("audit after one creation: %+v", evs)
	}
	if strings.Contains(evs[0].After, "argon2id") || strings.Contains(evs[0].After, "secret") || !strings.Contains(evs[0].After, `"pc.smith"`) {
		t.Errorf("audit of the creation: %s", evs[0].After)
	}

	// Single sign-on: linked once, found by issuer and subject; one
	// identity cannot be linked to two users.
	_, err = st.UserByOIDC(ctx, "https://idp", "sub-1")
	wantCode(t, "unlinked identity", err, charter.ENOTFOUND)
	if err := st.LinkOIDC(ctx, store.SystemActor, u.ID, "https://idp", "sub-1"); err != nil {
		t.Fatal(err)
	}
	got, err := st.UserByOIDC(ctx, "https://idp", "sub-1")
	if err != nil || got.ID != u.ID {
		t.Errorf("UserByOIDC = %+v, %v", got, err)
	}
	other, err := st.CreateUser(ctx, admin, store.NewUser{Name: "analyst", Role: charter.RoleAnalyst})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "identity linked twice", st.LinkOIDC(ctx, store.SystemActor, other.ID, "https://idp", "sub-1"), charter.ECONFLICT)
	wantCode(t, "user relinked to another identity", st.LinkOIDC(ctx, store.SystemActor, u.ID, "https://idp", "sub-2"), charter.ECONFLICT)
	if err := st.LinkOIDC(ctx, store.SystemActor, u.ID, "https://idp", "sub-1"); err != nil {
		t.Errorf("linking the same identity again: %v", err)
	}
	_, err = st.UserByOIDC(ctx, "https://other-idp", "sub-1")
	wantCode(t, "same subject at another issuer", err, charter.ENOTFOUND)

	if err := st.SetPassword(ctx, admin, other.ID, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "password of nobody", st.SetPassword(ctx, admin, 9999, "x"), charter.ENOTFOUND)
	users, err := st.Users(ctx)
	if err != nil || len(users) != 2 || users[0].Name != "analyst" {
		t.Errorf("Users = %+v, %v", users, err)
	}
	for _, ev := range auditActions(t, st) {
		if strings.Contains(ev.Before+ev.After, "argon2id") {
			t.Errorf("audit event %s holds a password hash: %s %s", ev.Action, ev.Before, ev.After)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A session works until it expires, is revoked, or its user is disabled.
func TestSessionLifecycle(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	u, err := st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "sgt.jones", Role: charter.RoleSupervisor})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	if err := st.CreateSession(ctx, "hash-a", u.ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, "hash-b", u.ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := st.SessionUser(ctx, "hash-a", now)
	if err != nil || got.ID != u.ID || got.Role != charter.RoleSupervisor {
		t.Fatalf("SessionUser = %+v, %v", got, err)
	}
	_, err = st.SessionUser(ctx, "hash-a", now.Add(time.Hour))
	wantCode(t, "expired session", err, charter.EUNAUTHORIZED)
	_, err = st.SessionUser(ctx, "hash-unknown", now)
	wantCode(t, "unknown session", err, charter.EUNAUTHORIZED)

	if err := st.RevokeSession(ctx, "hash-a"); err != nil {
		t.Fatal(err)
	}
	_, err = st.SessionUser(ctx, "hash-a", now)
	wantCode(t, "revoked session", err, charter.EUNAUTHORIZED)
	if err := st.RevokeSession(ctx, "hash-a"); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := st.SessionUser(ctx, "hash-b", now); err != nil {
		t.Errorf("the other session ended with the first: %v", err)
	}
	n, err := st.RevokeUserSessions(ctx, store.SystemActor, u.ID)
	if err != nil || n != 1 {
		t.Errorf("RevokeUserSessions = %d, %v; want 1", n, err)
	}
	_, err = st.SessionUser(ctx, "hash-b", now)
	wantCode(t, "session after revoking all", err, charter.EUNAUTHORIZED)

	// Disabling the user ends a session that would otherwise still work.
	if err := st.CreateSession(ctx, "hash-c", u.ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.DisableUser(ctx, store.SystemActor, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.SessionUser(ctx, "hash-c", now)
	wantCode(t, "session of a disabled user", err, charter.EUNAUTHORIZED)
	wantCode(t, "new session of a disabled user", st.CreateSession(ctx, "hash-d", u.ID, now.Add(time.Hour)), charter.EUNAUTHORIZED)

	var actions []string
	for _, ev := range auditActions(t, st) {
		actions = append(actions, ev.Action)
	}
	want := "user.create signin signin signout session.revoke_all signin user.disable"
	if strings.Join(actions, " ") != want {
		t.Errorf("audited %q, want %q", strings.Join(actions, " "), want)
	}
}

// Device tokens work until revoked (by id, by label, or all of a user's),
// and disabling a user revokes them in the same transaction.
func TestTokenLifecycle(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	admin := store.Actor{ID: 0, Name: "cli:ops"}
	u, err := st.CreateUser(ctx, admin, store.NewUser{Name: "pc.ali", Role: charter.RoleOfficer, Force: "metropolitan"})
	if err != nil {
		t.Fatal(err)
	}
	t1, err := st.CreateToken(ctx, admin, u.ID, "handset 1", "tok-1")
	if err != nil {
		t.Fatal(err)
	}
	t2, err := st.CreateToken(ctx, admin, u.ID, "handset 2", "tok-2")
	if err != nil {
		t.Fatal(err)
	}
	t3, err := st.CreateToken(ctx, admin, u.ID, "handset 3", "tok-3")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateToken(ctx, admin, u.ID, "dup", "tok-1")
	wantCode(t, "same token hash twice", err, charter.ECONFLICT)
	_, err = st.CreateToken(ctx, admin, 9999, "x", "tok-x")
	wantCode(t, "token for nobody", err, charter.ENOTFOUND)
	for _, h := range []string{"tok-1", "tok-2", "tok-3"} {
		if got, err := st.TokenUser(ctx, h); err != nil || got.ID != u.ID {
			t.Errorf("TokenUser(%s) = %+v, %v", h, got, err)
		}
	}
	_, err = st.TokenUser(ctx, "tok-unknown")
	wantCode(t, "unknown token", err, charter.EUNAUTHORIZED)

	if err := st.RevokeToken(ctx, admin, t1.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.TokenUser(ctx, "tok-1")
	wantCode(t, "revoked token", err, charter.EUNAUTHORIZED)
	wantCode(t, "revoke unknown id", st.RevokeToken(ctx, admin, 9999), charter.ENOTFOUND)
	if err := st.RevokeTokenByLabel(ctx, admin, u.ID, "handset 2"); err != nil {
		t.Fatal(err)
	}
	_, err = st.TokenUser(ctx, "tok-2")
	wantCode(t, "token revoked by label", err, charter.EUNAUTHORIZED)
	wantCode(t, "revoke unknown label", st.RevokeTokenByLabel(ctx, admin, u.ID, "handset 9"), charter.ENOTFOUND)
	if _, err := st.TokenUser(ctx, "tok-3"); err != nil {
		t.Errorf("token 3 stopped working: %v", err)
	}

	tks, err := st.ListTokens(ctx, u.ID)
	if err != nil || len(tks) != 3 {
		t.Fatalf("ListTokens = %+v, %v", tks, err)
	}
	if tks[0].ID != t1.ID || tks[0].Revoked.IsZero() || tks[1].Revoked.IsZero() || !tks[2].Revoked.IsZero() || tks[2].ID != t3.ID || tks[2].Label != "handset 3" || tks[2].UserName != "pc.ali" {
		t.Errorf("ListTokens = %+v", tks)
	}
	if all, err := st.ListTokens(ctx, 0); err != nil || len(all) != 3 {
		t.Errorf("ListTokens(all) = %d, %v", len(all), err)
	}
	_ = t2

	// Disabling revokes what is left.
	if err := st.CreateSession(ctx, "sess", u.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.DisableUser(ctx, admin, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.TokenUser(ctx, "tok-3")
	wantCode(t, "token of a disabled user", err, charter.EUNAUTHORIZED)
	tks, _ = st.ListTokens(ctx, u.ID)
	for _, tk := range tks {
		if tk.Revoked.IsZero() {
			t.Errorf("token %d still works after the user was disabled", tk.ID)
		}
	}
	if got, _ := st.UserByID(ctx, u.ID); !got.Disabled {
		t.Errorf("user not disabled")
	}
	if err := st.DisableUser(ctx, admin, u.ID); err != nil {
		t.Errorf("disabling twice: %v", err)
	}
	wantCode(t, "disable nobody", st.DisableUser(ctx, admin, 9999), charter.ENOTFOUND)
	_, err = st.CreateToken(ctx, admin, u.ID, "new", "tok-4")
	wantCode(t, "token for a disabled user", err, charter.EINVALID)

	var actions []string
	for _, ev := range auditActions(t, st) {
		actions = append(actions, ev.Action)
	}
	want := "user.create token.create token.create token.create token.revoke token.revoke signin user.disable"
	if strings.Join(actions, " ") != want {
		t.Errorf("audited %q, want %q", strings.Join(actions, " "), want)
	}

	// RevokeUserTokens on another user.
	v, _ := st.CreateUser(ctx, admin, store.NewUser{Name: "pc.bo", Role: charter.RoleOfficer})
	st.CreateToken(ctx, admin, v.ID, "a", "v-1")
	st.CreateToken(ctx, admin, v.ID, "b", "v-2")
	if n, err := st.RevokeUserTokens(ctx, admin, v.ID); err != nil || n != 2 {
		t.Errorf("RevokeUserTokens = %d, %v; want 2", n, err)
	}
	if n, err := st.RevokeUserTokens(ctx, admin, v.ID); err != nil || n != 0 {
		t.Errorf("RevokeUserTokens again = %d, %v; want 0", n, err)
	}
}
