package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
)

func init() {
	register(command{"token", "issue, list and revoke device tokens for officers' handsets (token create|list|revoke)", runToken})
}

func runToken(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "create":
		return runTokenCreate(ctx, e, args)
	case "revoke":
		return runTokenRevoke(ctx, e, args)
	case "list":
		return runTokenList(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, `Usage: charter [--db PATH] token create NAME [--label LABEL]
       charter [--db PATH] token list [NAME]
       charter [--db PATH] token revoke ID
       charter [--db PATH] token revoke --label LABEL NAME
       charter [--db PATH] token revoke --all NAME`)
	return errUsage
}

// runTokenCreate prints the new token alone on standard output, so that
// a script can take it (charter token create pc.smith > token); it is
// shown this once and stored only as a hash.
func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token create", "NAME [--label LABEL]")
	label := fs.String("label", "", "what the token is for, to tell tokens apart and revoke one by it (e.g. \"handset 4411\")")
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
	tok, hash, err := auth.NewDeviceToken()
	if err != nil {
		return err
	}
	tk, err := st.CreateToken(ctx, cliActor(), u.ID, *label, hash)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	fmt.Fprintf(e.stderr, "device token %d for %s: it is shown only this once; revoke it with 'charter token revoke %d'\n", tk.ID, u.Name, tk.ID)
	return nil
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token revoke", "ID | --label LABEL NAME | --all NAME")
	all := fs.Bool("all", false, "revoke every device token of the user NAME")
	label := fs.String("label", "", "revoke the device tokens of the user NAME with this label")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *all && *label != "" {
		fs.Usage()
		return errUsage
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	by := cliActor()
	if !*all && *label == "" {
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return charter.Errorf(charter.EINVALID, "%q is not a token id (a number; 'charter token list' shows them); to revoke a user's tokens use --all NAME or --label LABEL NAME", pos[0])
		}
		if err := st.RevokeToken(ctx, by, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked device token %d\n", id)
		return nil
	}
	u, err := st.UserByName(ctx, pos[0])
	if err != nil {
		return err
	}
	if *label != "" {
		if err := st.RevokeTokenByLabel(ctx, by, u.ID, *label); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked %s's device tokens labelled %q\n", u.Name, *label)
		return nil
	}
	n, err := st.RevokeUserTokens(ctx, by, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked %s of %s\n", plural(n, "device token", "device tokens"), u.Name)
	return nil
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token list", "[NAME]")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fs.Usage()
		return errUsage
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var uid int64
	if len(pos) == 1 {
		u, err := st.UserByName(ctx, pos[0])
		if err != nil {
			return err
		}
		uid = u.ID
	}
	tks, err := st.ListTokens(ctx, uid)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tUSER\tLABEL\tCREATED\tREVOKED")
	for _, tk := range tks {
		revoked := "-"
		if !tk.Revoked.IsZero() {
			revoked = tk.Revoked.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", tk.ID, tk.UserName, dash(tk.Label), tk.Created.Format("2006-01-02 15:04"), revoked)
	}
	return w.Flush()
}
