package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"user", "add, disable and list the accounts of officers and staff, set a password (user add|password|disable|list)", runUser})
}

// stdin is where --password-stdin reads; tests replace it.
var stdin io.Reader = os.Stdin

// cliActor names whoever runs the command in the audit trail: the
// operating system's user, so that two administrators are told apart.
func cliActor() store.Actor {
	for _, v := range []string{"USER", "LOGNAME", "USERNAME"} {
		if u := strings.TrimSpace(os.Getenv(v)); u != "" {
			return store.Actor{Name: "cli:" + u}
		}
	}
	return store.SystemActor
}

// parseArgs parses flags given before, between and after the positional
// arguments (charter user add NAME --role officer), which the flag package
// alone stops at, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return pos, fromEnv(fs)
}

func runUser(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return runUserAdd(ctx, e, args)
	case "disable":
		return runUserDisable(ctx, e, args)
	case "list":
		return runUserList(ctx, e, args)
	case "password":
		return runUserPassword(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, `Usage: charter [--db PATH] user add NAME --role ROLE [--force ID] [--rank RANK] [--station NAME] [--team NAME] [--panel NAME] [--password-stdin]
       charter [--db PATH] user password NAME   (reads the new password from standard input)
       charter [--db PATH] user disable NAME
       charter [--db PATH] user list

Run 'charter user add -h' for the flags.`)
	return errUsage
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flags("user add", "NAME --role ROLE [--force ID] [--rank RANK] [--station NAME] [--team NAME] [--panel NAME] [--password-stdin]")
	roleFlag := fs.String("role", "", "what the user is for: officer, supervisor, complaints, panel, analyst or admin (required)")
	force := fs.String("force", "", "the user's force, as a data.police.uk force id (e.g. metropolitan); empty for panel members")
	rankFlag := fs.String("rank", "", "an officer's rank (constable, sergeant, inspector, …; abbreviations such as PC or Insp work)")
	station := fs.String("station", "", "the station an officer is attached to, which receipts show the person searched (e.g. Brixton)")
	team := fs.String("team", "", "the team an officer or supervisor works in: a supervisor reviews the records of their team's officers")
	panelName := fs.String("panel", "", "the scrutiny panel a panel member sits on, by name (see charter panel list)")
	pwStdin := fs.Bool("password-stdin", false, "read the user's password from the first line of standard input (at least 12 characters); without it the user signs in through single sign-on only")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	if *roleFlag == "" {
		return charter.Errorf(charter.EINVALID, "say what the user is for with --role (officer, supervisor, complaints, panel, analyst or admin)")
	}
	role, err := charter.ParseRole(*roleFlag)
	if err != nil {
		return err
	}
	rank, err := charter.ParseRank(*rankFlag)
	if err != nil {
		return err
	}
	hash := ""
	if *pwStdin {
		if hash, err = readPassword(); err != nil {
			return err
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	panelID, err := panelOf(ctx, st, *panelName, role)
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, cliActor(), store.NewUser{Name: pos[0], Role: role, Force: *force, Rank: rank, Station: *station, Team: *team, PanelID: panelID, PasswordHash: hash})
	if err != nil {
		return err
	}
	how := "they sign in with their password"
	if hash == "" {
		how = "they have no password and sign in through single sign-on only"
	}
	fmt.Fprintf(e.stdout, "added user %s (id %d, %s); %s\n", u.Name, u.ID, describeUser(u), how)
	return nil
}

// readPassword reads a password from the first line of standard input,
// checks its length and returns its hash. Standard input, not a flag: a
// flag would show in ps and in the shell's history.
func readPassword() (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", charter.Errorf(charter.EINVALID, "cannot read the password from standard input: %v", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.CheckPasswordStrength(pw); err != nil {
		return "", err
	}
	return auth.HashPassword(pw)
}

// runUserPassword sets a user's password (a forgotten one, or a first one
// for a single sign-on user) and signs them out everywhere, so that
// whoever knew the old one is out too.
func runUserPassword(ctx context.Context, e *env, args []string) error {
	fs := e.flags("user password", "NAME  (the new password on standard input)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	hash, err := readPassword()
	if err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, pos[0])
	if err != nil {
		return err
	}
	by := cliActor()
	if err := st.SetPassword(ctx, by, u.ID, hash); err != nil {
		return err
	}
	n, err := st.RevokeUserSessions(ctx, by, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "set the password of %s and ended %s\n", u.Name, plural(n, "session", "sessions"))
	return nil
}

func describeUser(u *charter.User) string {
	parts := []string{string(u.Role)}
	if u.Rank != charter.RankNone {
		parts = append(parts, u.Rank.String())
	}
	if u.Force != "" {
		parts = append(parts, u.Force)
	}
	if u.Station != "" {
		parts = append(parts, u.Station+" station")
	}
	if u.Team != "" {
		parts = append(parts, "team "+u.Team)
	}
	return strings.Join(parts, ", ")
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	fs := e.flags("user disable", "NAME")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, pos[0])
	if err != nil {
		return err
	}
	if err := st.DisableUser(ctx, cliActor(), u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "disabled user %s: their sessions are ended and their device tokens revoked\n", u.Name)
	return nil
}

func runUserList(ctx context.Context, e *env, args []string) error {
	fs := e.flags("user list", "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tROLE\tRANK\tFORCE\tSTATUS\tCREATED")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, dash(u.Rank.String()), dash(u.Force), status, u.Created.Format("2006-01-02"))
	}
	return w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
