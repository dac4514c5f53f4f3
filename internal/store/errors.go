package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stopsearch/charter"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate maps a driver's error to Charter's error codes, in one place per
// dialect, so that a unique violation is a conflict (409, exit 2) on both
// databases rather than an internal error, and bad text is invalid input.
// Errors it does not know pass through unchanged (internal).
func translate(err error) error {
	if err == nil || charter.ErrorCode(err) != charter.EINTERNAL {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return &charter.Error{Code: charter.ECONFLICT, Message: "a record with the same key is already stored", Err: err}
		case "23503": // foreign_key_violation
			return &charter.Error{Code: charter.EINVALID, Message: "it refers to something that is not stored", Err: err}
		case "22021", "22P05": // invalid byte sequence, untranslatable character (NUL)
			return &charter.Error{Code: charter.EINVALID, Message: "text that is not valid UTF-8 (or holds a NUL byte) cannot be stored", Err: err}
		case "40001", "40P01": // serialization failure, deadlock
			return &charter.Error{Code: charter.ECONFLICT, Message: "another writer got there first; try again", Err: err}
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &charter.Error{Code: charter.ECONFLICT, Message: "a record with the same key is already stored", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &charter.Error{Code: charter.EINVALID, Message: "it refers to something that is not stored", Err: err}
		}
	}
	return err
}
