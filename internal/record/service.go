// Package record is the officer's record of a search: Code A checks (the
// rules live in the root package), idempotent submission, corrections kept
// as versions, receipts and their tokens, feedback, and the s60/s47A
// authorisation register. Every change and every read of a record or a
// receipt is audited in the same transaction.
package record

import (
	"context"
	"crypto/rand"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

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
	// ReceiptKey derives receipts' tokens from their references; default: a
	// random key made once and kept in the store, shared by every instance.
	ReceiptKey []byte
	Log        *slog.Logger
}

// The defaults.
const (
	DefaultReceiptTTL       = 365 * 24 * time.Hour
	DefaultCorrectionWindow = 24 * time.Hour
	DefaultMinFeedback      = 10
)

// Service is the encounter's business logic over the store.
type Service struct {
	st    *store.Store
	opts  Options
	place *placer

	keyMu sync.Mutex // guards key, made or read on first use
	key   []byte
}

// New returns the service over st.
func New(st *store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReceiptTTL <= 0 {
		opts.ReceiptTTL = DefaultReceiptTTL
	}
	if opts.CorrectionWindow <= 0 {
		opts.CorrectionWindow = DefaultCorrectionWindow
	}
	if opts.RuleSet == "" {
		opts.RuleSet = charter.RulesStatutory
	}
	if opts.MinFeedback <= 0 {
		opts.MinFeedback = DefaultMinFeedback
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Sender == nil {
		opts.Sender = LogSender{Log: opts.Log}
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	return &Service{st: st, opts: opts, place: &placer{st: st}, key: opts.ReceiptKey}
}

// ParseRuleSet reads a rule set's name.
func ParseRuleSet(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", charter.RulesStatutory:
		return charter.RulesStatutory, nil
	case charter.RulesBUSSS:
		return charter.RulesBUSSS, nil
	}
	return "", charter.Errorf(charter.EINVALID, "unknown rule set %q (want statutory or busss)", s)
}

// RuleSet is the rule set authorisations are checked against.
func (s *Service) RuleSet() string { return s.opts.RuleSet }

// MinFeedback is the fewest responses an area-month needs to be published.
func (s *Service) MinFeedback() int { return s.opts.MinFeedback }

// CorrectionWindow is how long an officer may correct a record.
func (s *Service) CorrectionWindow() time.Duration { return s.opts.CorrectionWindow }

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

// MaxKeyLength is the longest Idempotency-Key accepted.
const MaxKeyLength = 200

func forbidden(msg string) error { return charter.Errorf(charter.EFORBIDDEN, "%s", msg) }

// Check runs every check on r as the officer u would submit it, without
// storing anything (check-as-typed on the server).
//
// Submit, Correct and Authorise refuse a bad body with charter.Invalid(…):
// code EFIELDS (HTTP 422) holding a charter.FieldErrors, one per bad field,
// each named by its JSON field name.
func (s *Service) Check(ctx context.Context, u *charter.User, r charter.Record) charter.FieldErrors {
	charter.NormaliseRecord(&r)
	fe, _, err := s.check(ctx, u, &r)
	if err != nil {
		fe = append(fe, charter.FieldError{Field: "latitude", Reason: "the place could not be checked just now; try again"})
	}
	return fe
}

// check runs the record's own checks, then resolves and places its point
// and checks its authorisation; it fills r's point from its address.
func (s *Service) check(ctx context.Context, u *charter.User, r *charter.Record) (charter.FieldErrors, Place, error) {
	var pl Place
	if r.Latitude == 0 && r.Longitude == 0 && r.Address != "" {
		lat, lon, why, err := s.place.resolve(ctx, r.Address)
		if err != nil {
			return nil, pl, err
		}
		if why != "" {
			fe := charter.CheckRecord(*r, s.opts.Now())
			return append(dropField(fe, "latitude"), charter.FieldError{Field: "address", Value: r.Address, Reason: why}), pl, nil
		}
		r.Latitude, r.Longitude = lat, lon
	}
	fe := charter.CheckRecord(*r, s.opts.Now())
	if hasField(fe, "latitude") {
		return fe, pl, nil
	}
	pl, err := s.place.place(ctx, r.Latitude, r.Longitude)
	if err != nil {
		return nil, pl, err
	}
	if codes, mapped := charter.ForceBoroughs(u.Force); mapped && !slices.Contains(codes, pl.Borough) {
		fe = append(fe, charter.FieldError{Field: "latitude", Reason: "the place is outside the " + charter.ForceName(u.Force) + " area"})
	}
	if r.AuthorisationID != 0 && !hasField(fe, "authorisation_id") {
		if why, err := s.checkCover(ctx, u, r, pl); err != nil {
			return nil, pl, err
		} else if why != "" {
			fe = append(fe, charter.FieldError{Field: "authorisation_id", Reason: why})
		}
	}
	return fe, pl, nil
}

// checkCover says why authorisation r.AuthorisationID does not cover the
// search ("" when it does): the force, the power, the time and the ward.
func (s *Service) checkCover(ctx context.Context, u *charter.User, r *charter.Record, pl Place) (string, error) {
	a, err := s.st.Authorisation(ctx, r.AuthorisationID)
	if charter.ErrorCode(err) == charter.ENOTFOUND || err == nil && a.Force != u.Force {
		return "no such authorisation in your force", nil
	}
	if err != nil {
		return "", err
	}
	power, _ := charter.LookupPower(r.Legislation)
	switch {
	case !strings.HasPrefix(a.Power, power.Authorised):
		return "that authorisation is under " + a.Power + ", not " + power.Authorised, nil
	case !a.InForce(r.Datetime):
		return "that authorisation was not in force at the time of the search", nil
	case pl.Ward == "" || !a.Covers(pl.Ward):
		return "the place is outside the wards that authorisation covers", nil
	}
	return "", nil
}

// Submit stores r by officer u. key is the Idempotency-Key ("" for none).
func (s *Service) Submit(ctx context.Context, u *charter.User, key string, r charter.Record) (Submitted, error) {
	if !u.Can(charter.PermRecordCreate) {
		return Submitted{}, forbidden("only officers record searches")
	}
	if len(key) > MaxKeyLength {
		return Submitted{}, charter.Errorf(charter.EINVALID, "the Idempotency-Key is longer than %d characters", MaxKeyLength)
	}
	charter.NormaliseRecord(&r)
	r.ID, r.Reference, r.Version = 0, "", 0
	r.Force, r.OfficerID, r.Created = u.Force, u.ID, s.opts.Now()
	fe, pl, err := s.check(ctx, u, &r)
	if err != nil {
		return Submitted{}, err
	}
	if err := charter.Invalid(fe); err != nil {
		return Submitted{}, err
	}
	key2, err := s.receiptKey(ctx)
	if err != nil {
		return Submitted{}, err
	}
	for attempt := 0; ; attempt++ {
		r.Reference = newReference()
		token := receiptToken(key2, r.Reference)
		id, replayed, err := s.st.InsertRecord(ctx, store.ActorOf(u), key, store.NewRecord{
			Record: r, Borough: pl.Borough, Ward: pl.Ward,
			ReceiptHash: hashToken(token), ReceiptExpires: s.opts.Now().Add(s.opts.ReceiptTTL),
		})
		if charter.ErrorCode(err) == charter.ECONFLICT && attempt < 3 {
			continue // a reference drawn twice: draw again
		}
		if err != nil {
			return Submitted{}, err
		}
		if replayed {
			return s.replay(ctx, u, id)
		}
		return Submitted{ID: id, Reference: r.Reference, ReceiptURL: s.receiptURL(token), ReceiptToken: token}, nil
	}
}

// replay answers a resent Idempotency-Key with the first record's answer.
func (s *Service) replay(ctx context.Context, u *charter.User, id int64) (Submitted, error) {
	sr, err := s.st.ReadRecord(ctx, store.ActorOf(u), id, func(*store.StoredRecord) error { return nil })
	if err != nil {
		return Submitted{}, err
	}
	key, err := s.receiptKey(ctx)
	if err != nil {
		return Submitted{}, err
	}
	token := receiptToken(key, sr.Reference)
	return Submitted{ID: id, Reference: sr.Reference, ReceiptURL: s.receiptURL(token), ReceiptToken: token, Replayed: true}, nil
}

// mayRead decides whether u may read a record: its own officer, or a user
// who may read every record of the force.
func mayRead(u *charter.User, sr *store.StoredRecord) error {
	switch {
	case u.Can(charter.PermRecordReadAll) && (u.Force == "" || u.Force == sr.Force):
		return nil
	case u.Can(charter.PermRecordReadOwn) && sr.OfficerID == u.ID:
		return nil
	}
	return forbidden("this record is not yours to see")
}

// Get returns a record for u (its officer, or a user who may read all
// records); the read is audited, and so is a refusal.
func (s *Service) Get(ctx context.Context, u *charter.User, id int64) (charter.Record, error) {
	if !u.Can(charter.PermRecordReadOwn) && !u.Can(charter.PermRecordReadAll) {
		return charter.Record{}, forbidden("you may not see records")
	}
	sr, err := s.st.ReadRecord(ctx, store.ActorOf(u), id, func(sr *store.StoredRecord) error { return mayRead(u, sr) })
	return sr.Record, err
}

// Mine lists u's own records, newest first (the latest 200).
func (s *Service) Mine(ctx context.Context, u *charter.User) ([]charter.Record, error) {
	if !u.Can(charter.PermRecordReadOwn) {
		return nil, forbidden("only officers have records of their own")
	}
	srs, err := s.st.RecordsOfOfficer(ctx, u.ID, 200)
	if err != nil {
		return nil, err
	}
	out := make([]charter.Record, len(srs))
	for i := range srs {
		out[i] = srs[i].Record
	}
	return out, nil
}

// CanCorrect reports whether u may still correct r.
func (s *Service) CanCorrect(u *charter.User, r *charter.Record) bool {
	return u.Can(charter.PermRecordReadOwn) && r.OfficerID == u.ID && s.opts.Now().Before(r.Created.Add(s.opts.CorrectionWindow))
}

// Correct stores r as the next version of record id, by its officer within
// the correction window; the earlier version is kept.
func (s *Service) Correct(ctx context.Context, u *charter.User, id int64, r charter.Record) (charter.Record, error) {
	if !u.Can(charter.PermRecordReadOwn) {
		return charter.Record{}, forbidden("only the officer who made a record may correct it")
	}
	// Whose record it is comes first: a caller who may not correct it is
	// told so whatever the body holds.
	cur, err := s.Get(ctx, u, id)
	if err != nil {
		return charter.Record{}, err
	}
	if cur.OfficerID != u.ID {
		return charter.Record{}, forbidden("only the officer who made a record may correct it")
	}
	charter.NormaliseRecord(&r)
	r.ID, r.Force, r.OfficerID, r.Updated = id, u.Force, u.ID, s.opts.Now()
	fe, pl, err := s.check(ctx, u, &r)
	if err != nil {
		return charter.Record{}, err
	}
	if err := charter.Invalid(fe); err != nil {
		return charter.Record{}, err
	}
	return s.st.CorrectRecord(ctx, store.ActorOf(u), r, pl.Borough, pl.Ward, func(cur *store.StoredRecord) error {
		if cur.OfficerID != u.ID {
			return forbidden("only the officer who made a record may correct it")
		}
		if !s.CanCorrect(u, &cur.Record) {
			return charter.Errorf(charter.ECONFLICT, "records can be corrected for %s after they are made; this one can no longer be", charter.HoursWords(s.opts.CorrectionWindow))
		}
		return nil
	})
}

// Versions lists every version of a record, oldest first.
func (s *Service) Versions(ctx context.Context, u *charter.User, id int64) ([]charter.Record, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.st.RecordVersions(ctx, id)
	for i := range vs {
		vs[i].OfficerID = r.OfficerID
	}
	return vs, err
}

// newReference draws a short reference the person can read out: eight
// characters from an alphabet without look-alikes (no 0/O, 1/I/L), in two
// groups.
func newReference() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

func hasField(fe charter.FieldErrors, field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}

func dropField(fe charter.FieldErrors, field string) charter.FieldErrors {
	out := fe[:0:0]
	for _, e := range fe {
		if e.Field != field {
			out = append(out, e)
		}
	}
	return out
}
