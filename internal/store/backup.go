package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stopsearch/charter"
)

// Backup writes a consistent copy of a SQLite store to path, a file that
// must not exist yet: SQLite's VACUUM INTO reads the database in one read
// transaction, so the copy is the store as of one moment even while a
// server or an import writes beside it (WAL lets them go on), and comes
// out compacted. The copy is a complete store: open it with --db.
//
// A PostgreSQL store is refused with how to back it up with pg_dump.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect == Postgres {
		return charter.Errorf(charter.EINVALID, "charter backup copies a SQLite store; back up a PostgreSQL store with pg_dump: "+
			"pg_dump --format=custom --file=charter.dump 'postgres://…' (consistent while Charter runs), and restore it into an empty database with "+
			"pg_restore --no-owner --dbname='postgres://…' charter.dump (docs/operations.md)")
	}
	if path == "" {
		return charter.Errorf(charter.EINVALID, "name the file to write the backup to")
	}
	if _, err := os.Lstat(path); err == nil {
		return charter.Errorf(charter.ECONFLICT, "%s exists: a backup never overwrites a file; name a new one", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return charter.Errorf(charter.EINVALID, "cannot write the backup to %s: %v", path, err)
	}
	// The read pool suffices (the source is only read), so a backup taken
	// in a serving process does not hold up its one writer.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		// A half-written copy is no backup.
		_ = os.Remove(path)
		return &charter.Error{Code: charter.EINTERNAL, Message: "the backup to " + path + " failed", Err: fmt.Errorf("vacuum into: %w", err)}
	}
	return nil
}
