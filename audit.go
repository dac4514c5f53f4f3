package charter

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// AuditEvent is one entry of the audit trail: who did what to which thing,
// when, and the thing before and after. Events are appended in the same
// transaction as the change or read they record, never updated or deleted,
// and chained: each holds the hash of the one before it, so that editing or
// removing any event breaks every hash after it.
type AuditEvent struct {
	Seq     int64     // 1, 2, 3 … in chain order
	At      time.Time // UTC, whole microseconds
	ActorID int64     // the user; 0 for the public or the system
	Actor   string    // the user's name, "public" or "system"
	Action  string    // e.g. "record.create", "receipt.read", "user.disable"
	Subject string    // what it was done to, e.g. "record:42"
	Before  string    // JSON of the thing before the change ("" for a read or a creation)
	After   string    // JSON after the change ("" for a read)
	Prev    string    // hex SHA-256 of the event before ("" for the first)
	Hash    string    // hex SHA-256 of this event's fields and Prev
}

// AuditGenesis is the Prev of the first event.
const AuditGenesis = ""

// ComputeHash returns the hash the event must carry: SHA-256 over every
// field but Hash, each length-prefixed so no two events encode alike.
func (e *AuditEvent) ComputeHash() string {
	h := sha256.New()
	var b [8]byte
	num := func(v int64) {
		binary.BigEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	str := func(s string) {
		num(int64(len(s)))
		h.Write([]byte(s))
	}
	num(e.Seq)
	num(e.At.UTC().UnixMicro())
	num(e.ActorID)
	str(e.Actor)
	str(e.Action)
	str(e.Subject)
	str(e.Before)
	str(e.After)
	str(e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}
