// Package cli implements the charter subcommands, one file each. Run is the
// whole program; cmd/charter only wires signals and the exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Exit statuses. They are mapped from error codes here and nowhere else.
const (
	ExitOK       = 0
	ExitInternal = 1 // a fault of ours or of the machine
	ExitUsage    = 2 // wrong flags or arguments, invalid input
	ExitRejected = 3 // the command ran, but some input was rejected or refused
	ExitNotFound = 4
)

// exitCode maps an error to the exit status.
func exitCode(err error) int {
	switch charter.ErrorCode(err) {
	case "":
		return ExitOK
	case charter.EINVALID, charter.EFIELDS, charter.ECONFLICT, charter.EFORBIDDEN, charter.EUNAUTHORIZED, charter.ETOOLARGE:
		return ExitUsage
	case charter.ENOTFOUND:
		return ExitNotFound
	}
	return ExitInternal
}

// errRejected reports that a command finished but rejected input.
var errRejected = errors.New("some input was rejected")

// env is what every subcommand gets.
type env struct {
	db     string
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

var commands []command

func register(c command) { commands = append(commands, c) }

// Run runs the charter command line and returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("charter", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbDefault, ok, err := envValue("CHARTER_DATABASE")
	if err != nil {
		fmt.Fprintln(stderr, "charter:", charter.ErrorMessage(err))
		return ExitUsage
	}
	if !ok || dbDefault == "" {
		dbDefault = "charter.db"
	}
	e := &env{stdout: stdout, stderr: stderr}
	fs.StringVar(&e.db, "db", dbDefault, "database: a SQLite file path or a postgres:// URL (env CHARTER_DATABASE, or CHARTER_DATABASE_FILE naming a file that holds it)")
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() == 0 {
		usage(fs, stderr)
		return ExitUsage
	}
	name := fs.Arg(0)
	for _, c := range commands {
		if c.name == name {
			err := c.run(ctx, e, fs.Args()[1:])
			switch {
			case err == nil:
				return ExitOK
			case errors.Is(err, errRejected):
				return ExitRejected
			case errors.Is(err, flag.ErrHelp):
				return ExitOK
			case errors.Is(err, errUsage):
				return ExitUsage
			}
			fmt.Fprintln(stderr, "charter "+name+": "+charter.ErrorMessage(err))
			if charter.ErrorCode(err) == charter.EINTERNAL {
				fmt.Fprintln(stderr, "  cause:", err)
			}
			return exitCode(err)
		}
	}
	fmt.Fprintf(stderr, "charter: unknown command %q\n\n", name)
	usage(fs, stderr)
	return ExitUsage
}

// errUsage marks a flag error already printed by the flag package.
var errUsage = errors.New("usage")

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Charter: fair, precise and accountable stop and search, with open data anyone can check.")
	fmt.Fprintln(w, "\nUsage: charter [--db PATH|URL] COMMAND [flags]\n\nCommands:")
	cs := append([]command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'charter COMMAND -h' for a command's flags.")
}

// flags returns a FlagSet for a subcommand that prints to stderr.
func (e *env) flags(name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet("charter "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: charter [--db PATH] %s %s\n\nFlags:\n", name, usageLine)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return fromEnv(fs)
}

// open opens the store.
func (e *env) open(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, e.db)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
