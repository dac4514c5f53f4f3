package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/stopsearch/charter"
)

func init() {
	register(command{"migrate", "create or upgrade the database schema", runMigrate})
	register(command{"version", "print the version", runVersion})
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("migrate", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx) // Open applies pending migrations.
	if err != nil {
		return err
	}
	defer st.Close()
	names, err := st.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s schema is up to date: %s applied\n", st.Dialect(), plural(len(names), "migration", "migrations"))
	for _, n := range names {
		fmt.Fprintln(e.stdout, "  "+n)
	}
	return nil
}

func runVersion(ctx context.Context, e *env, args []string) error {
	fmt.Fprintf(e.stdout, "charter %s (%s %s/%s)\n", charter.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
