package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/record"
)

// encOp is one operation of the encounter: the officers' handsets record
// searches, supervisors register authorisations, and the public reads the
// authorisation register and the feedback figures. Unlike the aggregates
// (op), these take bodies, answer other statuses than 200 and may need a
// permission, so each carries what its route, its handler and its entry in
// the OpenAPI document need, from one table.
type encOp struct {
	method, path, id, summary, desc string
	// perms lets through a caller holding any of them; none: public.
	perms  []charter.Permission
	params []param
	body   reflect.Type // the request body's shape; nil: none
	status int          // the status of success
	answer reflect.Type
	// headers are those of the answer of success, with what they say.
	headers map[string]string
	// errs are the statuses the operation answers beside those every
	// operation of its kind does (401 and 403 with perms, 400 and 422 with
	// a body), with when.
	errs map[int]string
	run  func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error)
}

// SetRecords turns on the encounter's operations over the record service;
// call it before Register. Without it they are neither routed nor
// documented (a read-only mirror of the published figures has none).
func (a *API) SetRecords(rec *record.Service) {
	a.rec = rec
	a.enc = append(append(a.recordOps(), a.authorisationOps()...), a.feedbackOps()...)
}

// registerEncounter routes the encounter's operations.
func (a *API) registerEncounter(mux *http.ServeMux) {
	for _, o := range a.enc {
		mux.Handle(o.method+" "+o.path, a.handleEnc(o))
	}
}

// handleEnc is the one gate of the encounter's operations: the route's
// permission (from the table, so the document states the same) is checked
// here with charter.User.Can, the predicate auth.Can and auth.Require use,
// before the handler runs. Which records a permitted caller may see or
// change (their own, or all) is the record service's to decide; it also
// checks the permission again for callers other than this API. Every
// answer is an object or a problem document.
func (a *API) handleEnc(o encOp) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth.UserFrom(r.Context())
		if err := permitted(u, o.perms); err != nil {
			httpx.WriteError(w, err)
			return
		}
		v, err := o.run(w, r, u)
		if err != nil {
			httpx.WriteError(w, err)
			return
		}
		if w.Header().Get("Cache-Control") == "" {
			// The public's register and feedback change with every
			// authorisation and answer: a cache must ask again. (A signed-in
			// caller's answers are already private, no-store.)
			w.Header().Set("Cache-Control", "no-cache")
		}
		httpx.WriteJSON(w, o.status, v)
	})
}

// permitted answers as auth.Require does for the APIs: the public is asked
// to sign in (401), a user without any of perms is refused (403).
func permitted(u *charter.User, perms []charter.Permission) error {
	if len(perms) == 0 {
		return nil
	}
	for _, p := range perms {
		if u.Can(p) {
			return nil
		}
	}
	if u == nil {
		return charter.Errorf(charter.EUNAUTHORIZED, "please sign in first: send a device token as \"Authorization: Bearer <token>\"")
	}
	return charter.Errorf(charter.EFORBIDDEN, "your account may not do this")
}

// pathID reads the {id} of a path.
func pathID(r *http.Request, what string) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, charter.Errorf(charter.EINVALID, "id %q is not %s id (a positive number)", s, what)
	}
	return id, nil
}

// idParam documents the {id} of a path.
func idParam(what string) param {
	return param{name: "id", in: "path", required: true, desc: "the " + what + "'s id"}
}

// The encounter's operations are grouped under this tag in the document.
const (
	tagEncounter     = "Encounter"
	tagEncounterDesc = "Recording searches: officers' handsets submit and correct records with a device token, supervisors register s60/s47A authorisations, and anyone may read the authorisation register and what the people searched said of the encounter. Answers to a signed-in caller are private and never cached."
)

// securitySchemes are how a caller signs in: a device token for a
// handset, or the session cookie of the site's sign-in.
var securitySchemes = map[string]any{
	"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "chd_…",
		"description": "A device token, issued to an officer with charter token create NAME and shown once."},
	"session": map[string]any{"type": "apiKey", "in": "cookie", "name": auth.CookieName,
		"description": "The session of a user signed in on the site."},
}

// encOperation is the OpenAPI operation of o.
func encOperation(sc *schemas, o encOp, errAnswer func(string) map[string]any) map[string]any {
	ok := map[string]any{"description": http.StatusText(o.status),
		"content": map[string]any{"application/json": map[string]any{"schema": sc.ref(o.answer)}}}
	if len(o.headers) > 0 {
		hs := map[string]any{}
		for name, d := range o.headers {
			hs[name] = map[string]any{"description": d, "schema": map[string]any{"type": "string"}}
		}
		ok["headers"] = hs
	}
	responses := map[string]any{strconv.Itoa(o.status): ok, "429": tooMany}
	desc := o.desc
	if len(o.perms) > 0 {
		responses["401"] = errAnswer("not signed in: no device token or session, or one that is unknown, expired or revoked (with WWW-Authenticate: Bearer)")
		responses["403"] = errAnswer("the signed-in user's role may not do this")
		names := make([]string, len(o.perms))
		for i, p := range o.perms {
			names[i] = string(p)
		}
		desc += " Needs a signed-in user with the permission " + strings.Join(names, " or ") + "."
	}
	if o.body != nil {
		responses["400"] = errAnswer("the body is not a JSON object, or a header or the id is malformed; detail says which")
		responses["422"] = errAnswer("fields of the body fail their checks: errors names every one by its JSON name, with the reason")
	}
	for code, when := range o.errs {
		responses[strconv.Itoa(code)] = errAnswer(when)
	}
	op := map[string]any{"operationId": o.id, "summary": o.summary, "description": desc,
		"tags": []any{tagEncounter}, "responses": responses}
	if params := paramDocs(o.params); len(params) > 0 {
		op["parameters"] = params
	}
	if o.body != nil {
		op["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": sc.ref(o.body)}}}
	}
	if len(o.perms) > 0 {
		op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
	}
	return op
}
