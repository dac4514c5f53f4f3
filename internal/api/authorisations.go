package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// AuthorisationRequest is a new s60, s60AA or s47A authorisation as its
// officer gives it. Who gave it, and so the rank the register shows, is
// the signed-in user; the force is theirs.
type AuthorisationRequest struct {
	Power string `json:"power"` // "s60", "s60AA" or "s47A"
	// Wards are the 2022 ward codes (E05…) of the locality.
	Wards             []string  `json:"wards"`
	Start             time.Time `json:"start"`
	End               time.Time `json:"end"`
	Grounds           string    `json:"grounds"`
	ViolenceWillOccur bool      `json:"violence_will_occur"`
}

// ExtensionRequest lengthens an authorisation to Until.
type ExtensionRequest struct {
	Until time.Time `json:"until"`
}

// Authorisations is the public register: newest first, each with who
// authorised it by rank (never by name) and the searches made under it.
type Authorisations struct {
	Authorisations []charter.Authorisation `json:"authorisations"`
}

func (a *API) authorisationOps() []encOp {
	give := []charter.Permission{charter.PermAuthorisationCreate}
	one := reflect.TypeFor[charter.Authorisation]()
	notFound := map[int]string{404: "no such authorisation"}
	return []encOp{
		{method: "POST", path: "/api/v1/authorisations", id: "createAuthorisation", summary: "Register an authorisation",
			desc:  "Registers an authorisation to search without suspicion (s60, s60AA or s47A) given by the signed-in officer, checked against the force's rules: the rank needed, the longest period, and under the Best Use of Stop and Search rules the belief that serious violence will occur.",
			perms: give, body: reflect.TypeFor[AuthorisationRequest](), status: http.StatusCreated, answer: one,
			headers: map[string]string{"Location": "the authorisation's URL"}, run: a.createAuthorisation},
		{method: "POST", path: "/api/v1/authorisations/{id}/extensions", id: "extendAuthorisation", summary: "Extend an authorisation",
			desc:  "Lengthens an authorisation, checked against the rules: the rank needed to extend, how many extensions and how long each.",
			perms: give, params: []param{idParam("authorisation")}, body: reflect.TypeFor[ExtensionRequest](),
			status: http.StatusOK, answer: one, errs: notFound, run: a.extendAuthorisation},
		{method: "GET", path: "/api/v1/authorisations", id: "listAuthorisations", summary: "The authorisation register",
			desc:   "Every authorisation of a force (or of every force), newest first: power, wards, period with its extensions, grounds, the rank of who gave it (never their name), and the number of searches recorded under it.",
			params: []param{{name: "force", in: "query", desc: "a force id, e.g. metropolitan; empty: every force"}},
			status: http.StatusOK, answer: reflect.TypeFor[Authorisations](),
			errs: map[int]string{400: "no such force"},
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				force, err := forceParam(r)
				if err != nil {
					return nil, err
				}
				as, err := a.rec.Authorisations(r.Context(), force)
				for i := range as {
					as[i] = published(as[i])
				}
				return Authorisations{Authorisations: nonNil(as)}, err
			}},
		{method: "GET", path: "/api/v1/authorisations/{id}", id: "getAuthorisation", summary: "One authorisation",
			desc:   "An authorisation of the register.",
			params: []param{idParam("authorisation")}, status: http.StatusOK, answer: one,
			errs: map[int]string{400: "the id is not a number", 404: "no such authorisation"},
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				id, err := pathID(r, "an authorisation")
				if err != nil {
					return nil, err
				}
				au, err := a.rec.Authorisation(r.Context(), id)
				return published(au), err
			}},
	}
}

func (a *API) createAuthorisation(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	var in AuthorisationRequest
	fe, err := readBody(w, r, &in, "an authorisation")
	if err != nil {
		return nil, err
	}
	au := charter.Authorisation{Power: strings.TrimSpace(in.Power), Wards: in.Wards, Start: in.Start, End: in.End,
		Grounds: in.Grounds, ViolenceWillOccur: in.ViolenceWillOccur}
	if len(fe) > 0 {
		return nil, charter.Invalid(withChecks(fe, charter.CheckAuthorisation(au, u.Rank, a.rec.RuleSet(), time.Now())))
	}
	au, err = a.rec.Authorise(r.Context(), u, au)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Location", "/api/v1/authorisations/"+strconv.FormatInt(au.ID, 10))
	return published(au), nil
}

func (a *API) extendAuthorisation(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "an authorisation")
	if err != nil {
		return nil, err
	}
	var in ExtensionRequest
	fe, err := readBody(w, r, &in, "an extension")
	if err != nil {
		return nil, err
	}
	if len(fe) == 0 && in.Until.IsZero() {
		fe = charter.FieldErrors{{Field: "until", Reason: "give the time the extension ends"}}
	}
	if err := charter.Invalid(fe); err != nil {
		return nil, err
	}
	au, err := a.rec.Extend(r.Context(), u, id, charter.AuthorisationExtension{Until: in.Until})
	return published(au), err
}

// published is an authorisation as the API answers it: the lists [] when
// empty, never null, so that a client iterates without a check.
func published(a charter.Authorisation) charter.Authorisation {
	a.Wards, a.Extensions = nonNil(a.Wards), nonNil(a.Extensions)
	return a
}

// forceParam reads the force of the query, by id or name ("" for none).
func forceParam(r *http.Request) (string, error) {
	s := strings.TrimSpace(r.URL.Query().Get("force"))
	if s == "" {
		return "", nil
	}
	f, ok := charter.LookupForce(s)
	if !ok {
		return "", charter.Errorf(charter.EINVALID, "force %q: no such force (the ids are at /api/forces)", s)
	}
	return f.ID, nil
}
