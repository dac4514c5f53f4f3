package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"backup", "write a consistent copy of a SQLite store to a new file (PostgreSQL: use pg_dump)", runBackup})
}

func runBackup(ctx context.Context, e *env, args []string) error {
	flags := e.flags("backup", "PATH")
	if err := parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errUsage
	}
	path := flags.Arg(0)
	if !store.IsPostgres(e.db) {
		// Opening a store that is not there would create an empty one and
		// back that up.
		if _, err := os.Stat(e.db); errors.Is(err, fs.ErrNotExist) {
			return charter.Errorf(charter.ENOTFOUND, "there is no store at %s (name it with --db)", e.db)
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, path); err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%s bytes, %s); open it with --db %s\n", e.db, path, count(info.Size()), seconds(time.Since(start)), path)
	return nil
}
