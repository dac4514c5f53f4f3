package web

import (
	"net/http"
	"strings"

	"github.com/stopsearch/charter"
)

// The public register of s60, s60AA and s47A authorisations (PRODUCT E4):
// what was authorised, where, for how long and why, by rank and never by
// name, with the number of searches made under each.

// registerRow is one authorisation in words.
type registerRow struct {
	ID         int64
	Power      string
	Title      string // e.g. "Section 60 in Brixton Windrush"
	PowerWords string
	Rank       string
	Wards      []string
	Start, End string
	Extensions []string
	Grounds    string
	Searches   int
	InForce    bool
	// Until is the end as a datetime-local value, for the extension form.
	Until string
}

// powerWords says what an authorisation lets officers do.
var powerWords = map[string]string{
	"s60":   "search anyone for weapons, without suspicion, where serious violence is expected (section 60, Criminal Justice and Public Order Act 1994)",
	"s60AA": "require face coverings to be removed (section 60AA, Criminal Justice and Public Order Act 1994)",
	"s47A":  "search anyone for evidence of terrorism, without suspicion (section 47A, Terrorism Act 2000)",
}

// registerRows puts authorisations in words, in force first.
func (s *Site) registerRows(r *http.Request, as []charter.Authorisation) []registerRow {
	names := s.wardNames(r.Context())
	t := now()
	var live, ended []registerRow
	for _, a := range as {
		row := registerRow{ID: a.ID, Power: a.Power, PowerWords: powerWords[a.Power], Rank: rankWords(a.RankName),
			Start: when(a.Start), End: when(a.End), Grounds: a.Grounds, Searches: a.Searches, InForce: a.InForce(t),
			Until: a.End.In(charter.London).Format(dateTimeLayout)}
		for _, c := range a.Wards {
			row.Wards = append(row.Wards, wardName(c, names))
		}
		row.Title = "Section " + strings.TrimPrefix(a.Power, "s") + " in " + wardList(a.Wards, names, 2)
		for _, e := range a.Extensions {
			row.Extensions = append(row.Extensions, "until "+when(e.Until)+" (extended on "+when(e.At)+" by an officer of the rank of "+rankWords(e.RankName)+")")
		}
		if row.InForce {
			live = append(live, row)
		} else {
			ended = append(ended, row)
		}
	}
	return append(live, ended...)
}

// rankWords is a rank as the register prints it.
func rankWords(rank string) string {
	if rank == "" {
		return "officer of unrecorded rank"
	}
	return rank
}

// registerPage is the public register, or a supervisor's view of their
// force's authorisations with a form to extend each in force.
type registerPage struct {
	Rows    []registerRow
	InForce int

	Officer  bool
	Made     bool   // an authorisation was just registered
	Message  string // why an extension was refused
	FailedID int64  // the authorisation whose extension was refused
}

// renderRegister shows authorisations as, in words.
func (s *Site) renderRegister(w http.ResponseWriter, r *http.Request, status int, title string, as []charter.Authorisation, d registerPage) {
	d.Rows = s.registerRows(r, as)
	for _, row := range d.Rows {
		if row.InForce {
			d.InForce++
		}
	}
	// The register changes as authorisations are made and end: always
	// read afresh.
	s.renderStatus(w, r, status, "authorisations", &page{Title: title, Data: d})
}

func (s *Site) register(w http.ResponseWriter, r *http.Request) {
	as, err := s.enc.Records.Authorisations(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRegister(w, r, http.StatusOK, "Section 60 and 47A authorisations", as, registerPage{})
}
