package store

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
)

func isNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}
