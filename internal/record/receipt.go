package record

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Sender sends a receipt to an email address or phone number.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogSender is the default Sender: it writes the message to the log with
// the address masked, for a force that has not connected an email or text
// message service yet.
type LogSender struct{ Log *slog.Logger }

// Send logs the message.
func (l LogSender) Send(ctx context.Context, to, subject, body string) error {
	l.Log.InfoContext(ctx, "receipt sent (log sender)", "to", MaskContact(to), "subject", subject, "body", body)
	return nil
}

// MaskContact hides most of an email address or phone number, for the log
// and the audit trail: "j***@example.org", "*******8901".
func MaskContact(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		return to[:1] + "***" + to[at:]
	}
	d := []rune(to)
	if len(d) <= 4 {
		return strings.Repeat("*", len(d))
	}
	return strings.Repeat("*", len(d)-4) + string(d[len(d)-4:])
}

// receiptKey returns the key receipts' tokens are derived with: the
// configured one, or the store's (made on first use and shared by every
// instance of the server).
func (s *Service) receiptKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	var b [32]byte
	rand.Read(b[:])
	v, err := s.st.Setting(ctx, "receipt_key", hex.EncodeToString(b[:]))
	if err != nil {
		return nil, err
	}
	if s.key, err = hex.DecodeString(v); err != nil {
		return nil, err
	}
	return s.key, nil
}

// receiptToken derives a receipt's unguessable token from its reference,
// so the officer can show the same QR code again later without the store
// keeping the token (it keeps only its hash).
func receiptToken(key []byte, reference string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("receipt\x00" + reference))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *Service) receiptURL(token string) string { return s.opts.BaseURL + "/r/" + token }

// DefaultBaseURL sets the address receipts' links start with when none was
// configured: the address the server listens on. Call it before serving.
func (s *Service) DefaultBaseURL(u string) {
	if s.opts.BaseURL == "" {
		s.opts.BaseURL = strings.TrimRight(u, "/")
	}
}

// ReceiptURL is the receipt address of record id, for its officer to show
// again (the hand-over page).
func (s *Service) ReceiptURL(ctx context.Context, u *charter.User, id int64) (string, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return "", err
	}
	if r.OfficerID != u.ID {
		return "", forbidden("only the officer who made a record hands over its receipt")
	}
	key, err := s.receiptKey(ctx)
	if err != nil {
		return "", err
	}
	return s.receiptURL(receiptToken(key, r.Reference)), nil
}

// Receipt is what the person searched sees from the receipt's token.
type Receipt struct {
	Token     string
	Reference string
	Record    charter.Record // the person's own record, grounds included; no officer id
	// What GOWISELY gives about the officer: name or number, station.
	OfficerName    string
	OfficerStation string
	// Place is where the search was in words: the nearest published
	// street, the ward and the borough.
	Place         string
	Expires       time.Time
	FeedbackGiven bool
}

// errNoReceipt answers an unknown and an expired token alike, so a token's
// existence is not revealed.
var errNoReceipt = charter.Errorf(charter.ENOTFOUND, "there is no receipt at this address, or it has expired")

// Receipt opens a receipt by its token (audited as a public read). An
// unknown or expired token is ENOTFOUND.
func (s *Service) Receipt(ctx context.Context, token string) (Receipt, error) {
	sr, err := s.openReceipt(ctx, token)
	if err != nil {
		return Receipt{}, err
	}
	rec := Receipt{Token: token, Reference: sr.Reference, Record: sr.Record, Expires: sr.ReceiptExpires, FeedbackGiven: sr.FeedbackGiven}
	if o, err := s.st.UserByID(ctx, sr.OfficerID); err == nil {
		rec.OfficerName, rec.OfficerStation = o.Name, o.Station
	}
	rec.Record.OfficerID = 0
	if rec.Place, err = s.place.describe(ctx, sr.Latitude, sr.Longitude, Place{Borough: sr.Borough, Ward: sr.Ward}); err != nil {
		return Receipt{}, err
	}
	return rec, nil
}

// openReceipt reads the record of a receipt's token (an audited public
// read), refusing an unknown or expired token alike.
func (s *Service) openReceipt(ctx context.Context, token string) (store.StoredRecord, error) {
	if token == "" || len(token) > 64 {
		return store.StoredRecord{}, errNoReceipt
	}
	sr, err := s.st.ReadReceipt(ctx, hashToken(token))
	if charter.ErrorCode(err) == charter.ENOTFOUND || err == nil && !s.opts.Now().Before(sr.ReceiptExpires) {
		return store.StoredRecord{}, errNoReceipt
	}
	return sr, err
}

// SendReceipt sends record id's receipt link to an email address or phone
// number through the Sender; the contact is not stored, and the audit
// trail keeps it masked.
func (s *Service) SendReceipt(ctx context.Context, u *charter.User, id int64, to string) error {
	link, err := s.ReceiptURL(ctx, u, id)
	if err != nil {
		return err
	}
	to = strings.TrimSpace(to)
	if !validContact(to) {
		return charter.Invalid(charter.FieldErrors{{Field: "to", Reason: "give an email address or a phone number"}})
	}
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	body := "Your stop and search receipt, reference " + r.Reference + ": " + link +
		"\nIt shows your record, your rights, how to get a full copy, and how to give feedback or complain."
	if err := s.opts.Sender.Send(ctx, to, "Your stop and search receipt "+r.Reference, body); err != nil {
		return &charter.Error{Code: charter.ECONFLICT, Message: "the receipt could not be sent just now; show the QR code instead", Err: err}
	}
	return s.st.AuditRecordEvent(ctx, store.ActorOf(u), id, "receipt.send", `{"to":"`+MaskContact(to)+`"}`)
}

func validContact(to string) bool {
	if strings.Contains(to, "@") {
		a, err := mail.ParseAddress(to)
		return err == nil && a.Address == to
	}
	digits := 0
	for _, c := range to {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune(" +-()", c):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}
