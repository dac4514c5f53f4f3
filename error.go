package charter

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are few on purpose: each maps to one HTTP status and one
// exit status in a single place (internal/cli and internal/server).
const (
	EINVALID   = "invalid"   // the input is wrong; the message says how
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	EFORBIDDEN = "forbidden" // the caller may not do this
	ECONFLICT  = "conflict"  // the change clashes with what is stored
	ETOOLARGE  = "too_large" // the answer would pass a published limit; ask for less
	EINTERNAL  = "internal"  // a fault of ours; the message is generic
	// EUNAUTHORIZED: the caller is not signed in, or their token or session
	// is unknown, expired or revoked.
	EUNAUTHORIZED = "unauthorized"
	// EFIELDS: a submitted body (a record, an authorisation) has fields that
	// fail their checks; the error holds a FieldErrors naming every one.
	EFIELDS = "invalid_fields"
)

// Error is a domain error: a code for programs and a message safe to show users.
// The cause, if any, is kept for logs and never shown.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of its
// *Error, or a generic text for internal faults.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}

// FieldErrors are every problem of one submitted body, one per field.
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Invalid returns an EFIELDS error holding fe, or nil when fe is empty.
func Invalid(fe FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	msg := "1 field is not valid"
	if len(fe) > 1 {
		msg = fmt.Sprintf("%d fields are not valid", len(fe))
	}
	return &Error{Code: EFIELDS, Message: msg, Err: fe}
}
