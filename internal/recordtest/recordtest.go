// Package recordtest sets up what tests of the encounter need: a store
// with London's real boundaries and a month of real published searches
// (for street points), users of each role, device tokens, and a routine
// record that passes every check.
package recordtest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// DataDir is the repository's bundled data directory.
func DataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "data")
}

// London opens a fresh store (SQLite, or PostgreSQL under
// CHARTER_TEST_DATABASE) holding London's boroughs and 2022 wards and the
// Met's searches of September 2024. The import runs once per test process
// (a storetest fixture: the package's TestMain must run storetest.Main);
// each test gets its own copy, to write to as it likes. Some forty tests in
// six packages start from it, and importing the boundaries each time
// took about half a second a test.
func London(t testing.TB) *store.Store {
	t.Helper()
	return storetest.OpenFixture(t, "london", importLondon)
}

// importLondon imports London's data for London's fixture.
func importLondon(ctx context.Context, st *store.Store) error {
	d := DataDir()
	im := &importer.Importer{Store: st}
	rs, err := im.Import(ctx,
		filepath.Join(d, "boundaries", "london-lad22.geojson.gz"),
		filepath.Join(d, "boundaries", "london-wards-2022.geojson.gz"),
		filepath.Join(d, "police-uk", "stops-force-metropolitan-2024-09.json.gz"))
	for _, r := range rs {
		if err == nil && r.Err != nil {
			err = r.Err
		}
	}
	return err
}

// User creates a user of the Metropolitan Police with a role and a rank
// (an officer attached to Station), and the password Password.
func User(t testing.TB, st *store.Store, name string, role charter.Role, rank charter.Rank) *charter.User {
	t.Helper()
	hash, err := auth.HashPassword(Password)
	if err != nil {
		t.Fatal(err)
	}
	force, station := "metropolitan", ""
	switch role {
	case charter.RolePanel:
		force = ""
	case charter.RoleOfficer:
		station = Station
	}
	u, err := st.CreateUser(context.Background(), store.Actor{Name: "test"}, store.NewUser{Name: name, Role: role, Force: force, Rank: rank, Station: station, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Station is every test officer's station.
const Station = "Brixton"

// Password is every test user's password.
const Password = "correct horse battery staple"

// Token issues a device token for u.
func Token(t testing.TB, st *store.Store, u *charter.User) string {
	t.Helper()
	tok, hash, err := auth.NewDeviceToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(context.Background(), store.Actor{Name: "test"}, u.ID, "handset", hash); err != nil {
		t.Fatal(err)
	}
	return tok
}

// Brixton is a point in Brixton Windrush ward, Lambeth, by the station.
const (
	BrixtonLat, BrixtonLon = 51.4626, -0.1145
	BrixtonWard            = "E05014098"
)

// Routine is a routine drugs search in Brixton an hour before now that
// passes every check.
func Routine(now time.Time) charter.Record {
	no, yes := false, true
	return charter.Record{
		Type: "Person search", Datetime: now.Add(-time.Hour).UTC().Truncate(time.Second),
		Latitude: BrixtonLat, Longitude: BrixtonLon,
		Legislation: charter.LawDrugs23, ObjectOfSearch: charter.ObjectDrugs,
		Grounds:              "Strong smell of cannabis from his jacket and he was seen passing a small bag to another man",
		SelfDefinedEthnicity: "White - English/Welsh/Scottish/Northern Irish/British", OfficerDefinedEthnicity: "White",
		Gender: "Male", AgeRange: "18-24", Outcome: "A no further action disposal",
		OutcomeLinkedToObjectOfSearch: &no, RemovalOfMoreThanOuterClothing: &no, UseOfForce: &no, BodyWornVideo: &yes,
		Gowisely: true, GroundsExplained: true, Listened: true, Debriefed: true,
	}
}
