package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/record"
)

// IdempotencyKeyHeader names the header a handset sends with a record so
// that sending it again (after a lost answer, on a poor signal) stores it
// once; ReplayedHeader marks the answer to such a repeat.
const (
	IdempotencyKeyHeader = "Idempotency-Key"
	ReplayedHeader       = "Idempotent-Replayed"
)

// Records is the caller's own records, newest first.
type Records struct {
	Records []charter.Record `json:"records"`
}

// Versions is every version of a record, oldest first: the first as
// submitted, then one per correction.
type Versions struct {
	Versions []charter.Record `json:"versions"`
}

// Checked is the answer of the check: every problem of the record as it
// stands, by the JSON name of its field; empty when it would be stored.
type Checked struct {
	Errors []httpx.FieldProblem `json:"errors"`
}

// ReceiptRequest asks for a record's receipt link to be sent.
type ReceiptRequest struct {
	// To is an email address or a UK mobile number.
	To string `json:"to"`
}

// ReceiptSent says a receipt link is on its way.
type ReceiptSent struct {
	Status string `json:"status"`
}

// recordParams document the Idempotency-Key of a submission.
var recordParams = []param{{name: IdempotencyKeyHeader, in: "header",
	desc: "a key the handset makes for this record (a UUID), up to 200 printable characters: sending a record again with the same key stores nothing and answers as the first time, with Idempotent-Replayed: true (keys are the officer's own; a key names the record first stored with it, whatever the later body). Recommended, since a handset cannot tell a lost answer from a lost request."}}

func (a *API) recordOps() []encOp {
	read := []charter.Permission{charter.PermRecordReadOwn, charter.PermRecordReadAll}
	rec := reflect.TypeFor[charter.Record]()
	notYours := map[int]string{403: "the role may not do this, or the record is not the caller's (nor of their force, for a user who may read every record)",
		404: "no such record"}
	return []encOp{
		{method: "POST", path: "/api/v1/records", id: "createRecord", summary: "Record a search",
			desc:  "Stores a search as its officer records it (PACE Code A) and answers with its id, the reference the person is given and the receipt link. Every field is checked; a body with problems is refused naming every bad field. The fields id, reference, force, version, created and updated are the server's: they are ignored when sent.",
			perms: []charter.Permission{charter.PermRecordCreate}, params: recordParams, body: rec,
			status: http.StatusCreated, answer: reflect.TypeFor[record.Submitted](),
			headers: map[string]string{"Location": "the record's URL", ReplayedHeader: "true when the Idempotency-Key was seen before: nothing was stored and the first answer is repeated"},
			run:     a.createRecord},
		{method: "POST", path: "/api/v1/records/check", id: "checkRecord", summary: "Check a record without storing it",
			desc:  "Runs every check of a submission on the record as it stands (for a form that checks as the officer types) and stores nothing.",
			perms: []charter.Permission{charter.PermRecordCreate}, body: rec,
			status: http.StatusOK, answer: reflect.TypeFor[Checked](), run: a.checkRecord},
		{method: "GET", path: "/api/v1/records", id: "listRecords", summary: "The caller's own records",
			desc:  "Every record the signed-in officer made, newest first, in its latest version.",
			perms: []charter.Permission{charter.PermRecordReadOwn}, status: http.StatusOK, answer: reflect.TypeFor[Records](),
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				rs, err := a.rec.Mine(r.Context(), u)
				return Records{Records: nonNil(rs)}, err
			}},
		{method: "GET", path: "/api/v1/records/{id}", id: "getRecord", summary: "One record",
			desc:  "A record in its latest version: the caller's own, or any of the force's for a user who may read every record. Every read is in the audit trail.",
			perms: read, params: []param{idParam("record")}, status: http.StatusOK, answer: rec,
			errs: notYours,
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				id, err := pathID(r, "a record")
				if err != nil {
					return nil, err
				}
				return a.rec.Get(r.Context(), u, id)
			}},
		{method: "PUT", path: "/api/v1/records/{id}", id: "correctRecord", summary: "Correct a record",
			desc:  "Stores the body as the record's next version, by its officer within the correction window; earlier versions are kept. Answers with the new version.",
			perms: []charter.Permission{charter.PermRecordReadOwn}, params: []param{idParam("record")}, body: rec,
			status: http.StatusOK, answer: rec,
			errs: map[int]string{403: notYours[403], 404: notYours[404], 409: "the correction window has passed"},
			run:  a.correctRecord},
		{method: "GET", path: "/api/v1/records/{id}/versions", id: "listRecordVersions", summary: "Every version of a record",
			desc:  "The record as first submitted and after each correction, oldest first.",
			perms: read, params: []param{idParam("record")}, status: http.StatusOK, answer: reflect.TypeFor[Versions](),
			errs: notYours,
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				id, err := pathID(r, "a record")
				if err != nil {
					return nil, err
				}
				vs, err := a.rec.Versions(r.Context(), u, id)
				return Versions{Versions: nonNil(vs)}, err
			}},
		{method: "POST", path: "/api/v1/records/{id}/receipt", id: "sendReceipt", summary: "Send a record's receipt",
			desc:  "Sends the receipt link of a record to the person searched, by email or text message. The address or number is not kept in public view.",
			perms: []charter.Permission{charter.PermRecordCreate}, params: []param{idParam("record")},
			body: reflect.TypeFor[ReceiptRequest](), status: http.StatusAccepted, answer: reflect.TypeFor[ReceiptSent](),
			errs: map[int]string{403: notYours[403], 404: notYours[404],
				409: "the receipt could not be sent just now: show the QR code instead"},
			run: a.sendReceipt},
	}
}

func (a *API) createRecord(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return nil, err
	}
	rec, err := a.storable(w, r, u)
	if err != nil {
		return nil, err
	}
	s, err := a.rec.Submit(r.Context(), u, key, rec)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Location", "/api/v1/records/"+strconv.FormatInt(s.ID, 10))
	if s.Replayed {
		w.Header().Set(ReplayedHeader, "true")
	}
	return s, nil
}

func (a *API) checkRecord(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	rec, bad, err := a.readRecord(w, r, u)
	if err != nil {
		return nil, err
	}
	if len(bad) == 0 {
		bad = a.rec.Check(r.Context(), u, rec)
	}
	out := Checked{Errors: []httpx.FieldProblem{}}
	for _, f := range bad {
		out.Errors = append(out.Errors, httpx.FieldProblem{Field: f.Field, Reason: f.Reason})
	}
	return out, nil
}

func (a *API) correctRecord(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a record")
	if err != nil {
		return nil, err
	}
	rec, err := a.storable(w, r, u)
	if err != nil {
		return nil, err
	}
	return a.rec.Correct(r.Context(), u, id, rec)
}

func (a *API) sendReceipt(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a record")
	if err != nil {
		return nil, err
	}
	// The service checks the address, and names "to" when it is not one.
	var req ReceiptRequest
	fe, err := readBody(w, r, &req, "a receipt request")
	if err == nil {
		err = charter.Invalid(fe)
	}
	if err != nil {
		return nil, err
	}
	if err := a.rec.SendReceipt(r.Context(), u, id, req.To); err != nil {
		return nil, err
	}
	return ReceiptSent{Status: "sending"}, nil
}

// readRecord reads a record from the body, without the server's fields.
// bad is not empty when members of the body could not be decoded: it then
// names, beside them, every problem the checks find in the rest, so that
// one answer names every bad field.
func (a *API) readRecord(w http.ResponseWriter, r *http.Request, u *charter.User) (rec charter.Record, bad charter.FieldErrors, err error) {
	fe, err := readBody(w, r, &rec, "a record")
	if err != nil {
		return rec, nil, err
	}
	serverFields(&rec)
	if len(fe) > 0 {
		bad = withChecks(fe, a.rec.Check(r.Context(), u, rec))
	}
	return rec, bad, nil
}

// storable reads a record to submit or correct: the service checks one
// that decodes.
func (a *API) storable(w http.ResponseWriter, r *http.Request, u *charter.User) (charter.Record, error) {
	rec, bad, err := a.readRecord(w, r, u)
	if err == nil {
		err = charter.Invalid(bad)
	}
	return rec, err
}

// serverFields clears what the server sets, so that a handset may send
// back a record as it read it.
func serverFields(rec *charter.Record) {
	rec.ID, rec.Reference, rec.Force, rec.Version = 0, "", "", 0
	rec.Created, rec.Updated = time.Time{}, time.Time{}
}

// idempotencyKey reads the Idempotency-Key ("" when not sent). The
// header's draft standard sends it as a quoted string; bare is taken too.
func idempotencyKey(r *http.Request) (string, error) {
	k := strings.TrimSpace(r.Header.Get(IdempotencyKeyHeader))
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if len(k) > record.MaxKeyLength {
		return "", charter.Errorf(charter.EINVALID, "the %s header is %d characters long: at most %d are taken", IdempotencyKeyHeader, len(k), record.MaxKeyLength)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", charter.Errorf(charter.EINVALID, "the %s header may hold only printable ASCII characters (a UUID is best)", IdempotencyKeyHeader)
		}
	}
	return k, nil
}

// nonNil makes an empty list [] rather than null in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// recordDocs describe a record's fields in the OpenAPI document, with the
// data.police.uk field (JSON, and CSV column) each becomes when published;
// the coded values are listed from the same tables the checks use.
func recordDocs() map[string]string {
	police := func(jsonName, csv, more string) string {
		return "data.police.uk " + jsonName + " (CSV column \"" + csv + "\"). " + more
	}
	var selfDefined []string
	for _, e := range charter.SelfDefinedEthnicities {
		selfDefined = append(selfDefined, e.Label)
	}
	var outcomes []string
	for _, o := range charter.Outcomes {
		outcomes = append(outcomes, o.Label+" ("+o.ID+")")
	}
	unknown := " true, false, or null when not recorded (never read as false)."
	return map[string]string{
		"id":                                  "The record's id, set by the server.",
		"reference":                           "The short reference given to the person searched with the receipt; set by the server.",
		"force":                               "data.police.uk force id, from the officer's account.",
		"version":                             "1 as submitted, then one more per correction.",
		"created":                             "When the record was first stored (UTC).",
		"updated":                             "When this version was stored (UTC).",
		"type":                                police("type", "Type", "One of: "+strings.Join(charter.StopTypes, "; ")+"."),
		"datetime":                            police("datetime", "Date", "When the search began, RFC 3339; published to the month and the location's map point only."),
		"latitude":                            police("location.latitude", "Latitude", "Where it happened (WGS84); published as the nearest anonymised map point."),
		"longitude":                           police("location.longitude", "Longitude", "Where it happened (WGS84)."),
		"address":                             "What the officer typed where the place was not pinned on the map; never published.",
		"legislation":                         police("legislation", "Legislation", "The power, spelt as data.police.uk spells it, e.g. \"Police and Criminal Evidence Act 1984 (section 1)\"."),
		"object_of_search":                    police("object_of_search", "Object of search", "What was searched for, as data.police.uk spells it; the power must allow it."),
		"grounds":                             "The grounds for suspicion (at least 20 characters where the power needs suspicion); for a search under an authorisation, what the person was told of it. Never published.",
		"authorisation_id":                    "The s60, s60AA or s47A authorisation searched under (see /api/v1/authorisations); only for those powers.",
		"self_defined_ethnicity":              police("self_defined_ethnicity", "Self-defined ethnicity", "As the person states it; one of: "+strings.Join(selfDefined, "; ")+"."),
		"officer_defined_ethnicity":           police("officer_defined_ethnicity", "Officer-defined ethnicity", "One of: "+strings.Join(charter.OfficerDefinedEthnicities, "; ")+"."),
		"gender":                              police("gender", "Gender", "One of: "+strings.Join(charter.Genders, "; ")+"; not for a search of a vehicle alone."),
		"age_range":                           police("age_range", "Age range", "One of: "+strings.Join(charter.AgeRanges, "; ")+"."),
		"vehicle_registration":                "The registration of the vehicle searched; never published.",
		"outcome":                             police("outcome", "Outcome", "The label, or its data.police.uk outcome_object.id: "+strings.Join(outcomes, "; ")+"."),
		"outcome_linked_to_object_of_search":  police("outcome_linked_to_object_of_search", "Outcome linked to object of search", unknown),
		"removal_of_more_than_outer_clothing": police("removal_of_more_than_outer_clothing", "Removal of more than just outer clothing", unknown),
		"use_of_force":                        "Whether force was used (Best Use of Stop and Search);" + unknown,
		"body_worn_video":                     "Whether body-worn video recorded the search;" + unknown,
		"gowisely":                            "The officer confirms GOWISELY was given before the search.",
		"grounds_explained":                   "The officer confirms the grounds were explained to the person.",
		"listened":                            "The officer confirms the person was listened to.",
		"debriefed":                           "The officer confirms the person was de-briefed afterwards.",
	}
}

// recordReadOnly are the fields of a record the server sets.
var recordReadOnly = []string{"id", "reference", "force", "version", "created", "updated"}
