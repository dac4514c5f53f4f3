// Package reviewtest builds what tests of supervision need: officers and
// supervisors in teams, and records with grounds in officers' own words
// (so that only the records a test means to copy are copies).
package reviewtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// User creates a Metropolitan Police user of role in team, with the
// password recordtest.Password.
func User(t testing.TB, st *store.Store, name string, role charter.Role, team string) *charter.User {
	t.Helper()
	hash, err := auth.HashPassword(recordtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	rank := charter.RankConstable
	if role == charter.RoleSupervisor {
		rank = charter.RankSergeant
	}
	u, err := st.CreateUser(context.Background(), store.Actor{Name: "test"}, store.NewUser{Name: name, Role: role,
		Force: "metropolitan", Rank: rank, Station: recordtest.Station, Team: team, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var (
	seen  = []string{"He was seen passing a small bag", "She was watched handing over folded notes", "He ran from the patrol car", "They were told by a shopkeeper of a knife", "He was seen checking car door handles", "She dropped something into a hedge", "He matched a radio description closely", "They were loitering by the cash machine", "He hid a sharp object under his coat", "She was seen climbing out of a window"}
	where = []string{"outside the station entrance", "near the market stalls", "at the bus stop on the high road", "by the railway arches", "in the car park behind the shops", "on the estate stairwell", "beside the closed chip shop", "under the bridge lighting", "in the park by the playground", "at the corner of the square"}
	then  = []string{"and smelt strongly of cannabis when spoken to.", "and would not say where he had been.", "and the bulge in his pocket looked heavy.", "and a witness pointed him out to us.", "and gave a false name at first.", "and was nervous and kept looking back.", "and was holding a screwdriver in plain view.", "and the control room confirmed the report.", "and tried to swallow something.", "and changed direction on seeing us."}
)

// Grounds returns grounds in an officer's words, different for each i
// below 1,000 and never nearly the same as another i's.
func Grounds(i int) string {
	return fmt.Sprintf("%s %s %s", seen[i%10], where[(i/10)%10], then[(i/100)%10])
}

// Record is a routine search by the record service's standards at at,
// with grounds Grounds(i) and a description that changes with i, so that
// no two records of a test describe the same person unless meant to.
func Record(i int, at time.Time) charter.Record {
	r := recordtest.Routine(at.Add(time.Hour))
	r.Grounds = Grounds(i)
	r.AgeRange = charter.AgeRanges[1+i%4]
	r.SelfDefinedEthnicity = charter.SelfDefinedEthnicities[i%len(charter.SelfDefinedEthnicities)].Label
	return r
}

// Submit stores r by officer u through the record service.
func Submit(t testing.TB, rec *record.Service, u *charter.User, r charter.Record) record.Submitted {
	t.Helper()
	sub, err := rec.Submit(context.Background(), u, "", r)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return sub
}
