// Package record is the officer's record of a search: Code A checks (the
// rules live in the root package), idempotent submission, corrections kept
// as versions, receipts and their tokens, feedback, and the s60/s47A
// authorisation register. Every change and every read of a record or a
// receipt is audited in the same transaction.
//
// THIS FILE IS THE AGREED SURFACE; the record helper replaces the bodies.
package record

import (
	"context"
	"errors"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

var errTODO = errors.New("not built yet")

// Sender sends a receipt to an email address or phone number.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now              func() time.Time // default time.Now
	ReceiptTTL       time.Duration    // how long a receipt opens; default 365 days
	CorrectionWindow time.Duration    // how long an officer may correct a record; default 24 hours
	BaseURL          string           // e.g. "https://charter.example"; receipt URLs are BaseURL + "/r/" + token
	Sender           Sender           // default: a sender that writes to the log
	RuleSet          string           // "statutory" (default) or "busss"
	// MinFeedback is the fewest responses an area-month needs before its
	// feedback figures are published; default 10.
	MinFeedback int
}

// Service is the encounter's business logic over the store.
type Service struct{}

// New returns the service over st.
func New(st *store.Store, opts Options) *Service { return &Service{} }

// Submitted is the answer to a submission.
type Submitted struct {
	ID           int64  `json:"id"`
	Reference    string `json:"reference"`
	ReceiptURL   string `json:"receipt_url"`
	ReceiptToken string `json:"-"`
	// Replayed is true when the Idempotency-Key was seen before: nothing new
	// was stored and the first answer is returned.
	Replayed bool `json:"-"`
}

// Check runs every check on r as the officer u would submit it, without
// storing anything (check-as-typed on the server).
//
// Submit, Correct and Authorise refuse a bad body with charter.Invalid(…):
// code EFIELDS (HTTP 422) holding a charter.FieldErrors, one per bad field,
// each named by its JSON field name.
func (s *Service) Check(ctx context.Context, u *charter.User, r charter.Record) charter.FieldErrors {
	return nil
}

// Submit stores r by officer u. key is the Idempotency-Key ("" for none).
func (s *Service) Submit(ctx context.Context, u *charter.User, key string, r charter.Record) (Submitted, error) {
	return Submitted{}, errTODO
}

// Get returns a record for u (its officer within the correction window or
// after, or a user who may read all records); the read is audited.
func (s *Service) Get(ctx context.Context, u *charter.User, id int64) (charter.Record, error) {
	return charter.Record{}, errTODO
}

// Mine lists u's own records, newest first.
func (s *Service) Mine(ctx context.Context, u *charter.User) ([]charter.Record, error) {
	return nil, errTODO
}

// Correct stores r as the next version of record id, by its officer within
// the correction window; the earlier version is kept.
func (s *Service) Correct(ctx context.Context, u *charter.User, id int64, r charter.Record) (charter.Record, error) {
	return charter.Record{}, errTODO
}

// Versions lists every version of a record, oldest first.
func (s *Service) Versions(ctx context.Context, u *charter.User, id int64) ([]charter.Record, error) {
	return nil, errTODO
}

// Receipt is what the person searched sees from the receipt's token.
type Receipt struct {
	Token     string
	Reference string
	Record    charter.Record // without the officer's id, grounds kept (it is their own record)
	// What GOWISELY gives about the officer: name or number, station.
	OfficerName    string
	OfficerStation string
	Expires        time.Time
	FeedbackGiven  bool
}

// Receipt opens a receipt by its token (audited as a public read). An
// unknown or expired token is ENOTFOUND.
func (s *Service) Receipt(ctx context.Context, token string) (Receipt, error) {
	return Receipt{}, errTODO
}

// SendReceipt sends record id's receipt link to an email address or phone
// number through the Sender; the contact is not kept in public view.
func (s *Service) SendReceipt(ctx context.Context, u *charter.User, id int64, to string) error {
	return errTODO
}

// Feedback is the person's answer to the procedural-justice survey: each
// score 1–5, 0 when not answered; Comment is never published.
type Feedback struct {
	Listened, Explained, Respect, Debriefed, Trust int
	Comment                                        string
}

// GiveFeedback stores the survey for a receipt, once: a second time is
// ECONFLICT.
func (s *Service) GiveFeedback(ctx context.Context, token string, f Feedback) error {
	return errTODO
}

// FeedbackAggregate is one area-month of public feedback figures.
type FeedbackAggregate struct {
	Area      string // GSS code or force id
	Month     charter.Month
	Responses int
	// Mean score per question with its 95% interval; Suppressed when fewer
	// than the minimum responses (then the means are zero).
	Suppressed bool
	Questions  []QuestionScore
}

// QuestionScore is one survey question's mean with its interval.
type QuestionScore struct {
	Question        string
	Mean, Low, High float64
	N               int
}

// FeedbackAggregates are the public figures for an area (force id, borough
// or ward code) and months.
func (s *Service) FeedbackAggregates(ctx context.Context, area string, from, to charter.Month) ([]FeedbackAggregate, error) {
	return nil, errTODO
}

// Authorisation is an s60, s60AA or s47A authorisation (see charter.Authorisation).
type Authorisation = charter.Authorisation

// Extension lengthens an authorisation.
type Extension = charter.AuthorisationExtension

// Authorise registers an authorisation by u, checked against the rule set.
func (s *Service) Authorise(ctx context.Context, u *charter.User, a Authorisation) (Authorisation, error) {
	return Authorisation{}, errTODO
}

// Extend lengthens authorisation id, checked against the rule set.
func (s *Service) Extend(ctx context.Context, u *charter.User, id int64, e Extension) (Authorisation, error) {
	return Authorisation{}, errTODO
}

// Authorisations lists a force's authorisations ("" for every force),
// newest first, with the number of searches recorded under each (public).
func (s *Service) Authorisations(ctx context.Context, force string) ([]Authorisation, error) {
	return nil, errTODO
}

// Authorisation returns one authorisation (public).
func (s *Service) Authorisation(ctx context.Context, id int64) (Authorisation, error) {
	return Authorisation{}, errTODO
}

// InForce lists the authorisations of u's force in force at time t, for the
// officer's form.
func (s *Service) InForce(ctx context.Context, u *charter.User, t time.Time) ([]Authorisation, error) {
	return nil, errTODO
}

// RuleSet is the rule set authorisations are checked against.
func (s *Service) RuleSet() string { return "" }

// MinFeedback is the fewest responses an area-month needs to be published.
func (s *Service) MinFeedback() int { return 0 }
