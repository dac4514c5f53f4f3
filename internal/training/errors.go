package training

import (
	"errors"

	"github.com/stopsearch/charter/internal/store"
)

// rowErrors returns the per-row problems an import's error holds.
func rowErrors(err error) (store.RowErrors, bool) {
	var re store.RowErrors
	if errors.As(err, &re) {
		return re, true
	}
	return nil, false
}

// RowErrors returns the per-row problems (line, field, reason) of an
// import's error, for the command line to name file, line and field.
func RowErrors(err error) (store.RowErrors, bool) { return rowErrors(err) }
