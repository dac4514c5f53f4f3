package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"panel", "set up and list independent scrutiny panels (panel add|list)", runPanel})
	serveFlagSets = append(serveFlagSets, panelServeFlags)
}

// panelServeFlags is charter serve's --panel-sample.
func panelServeFlags(fs *flag.FlagSet) func(*server.Config) error {
	n := fs.Int("panel-sample", panel.DefaultSampleSize, "searches in a scrutiny panel meeting's random sample when the meeting asks for no other number")
	return func(c *server.Config) error {
		if *n < 1 || *n > charter.MaxSample {
			return charter.Errorf(charter.EINVALID, "--panel-sample %d: give 1 to %d", *n, charter.MaxSample)
		}
		c.Panels.SampleSize = *n
		return nil
	}
}

func runPanel(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "add":
		return runPanelAdd(ctx, e, args)
	case "list":
		return runPanelList(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, `Usage: charter [--db PATH] panel add NAME --force ID --areas CODES
       charter [--db PATH] panel list

Members are added with charter user add NAME --role panel --panel "PANEL NAME".`)
	return errUsage
}

func runPanelAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flags("panel add", "NAME --force ID --areas CODES")
	force := fs.String("force", "", "the force whose searches the panel scrutinises, as a data.police.uk force id (e.g. metropolitan)")
	areas := fs.String("areas", "", "the borough (E09…) and ward (E05…) codes the panel scrutinises, comma-separated")
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
	p := &charter.Panel{Name: pos[0], Force: *force, Areas: strings.Split(*areas, ",")}
	if err := st.CreatePanel(ctx, cliActor(), p); err != nil {
		return flagErrors(err, map[string]string{"name": "the name", "force": "--force", "areas": "--areas"})
	}
	fmt.Fprintf(e.stdout, "added panel %q (id %d) scrutinising %s in %s\n", p.Name, p.ID, strings.Join(p.Areas, ", "), p.Force)
	return nil
}

// flagErrors rewords a form's field errors for the command line, naming
// the flags.
func flagErrors(err error, flags map[string]string) error {
	var fe charter.FieldErrors
	if charter.ErrorCode(err) != charter.EFIELDS || !errors.As(err, &fe) {
		return err
	}
	msgs := make([]string, len(fe))
	for i, f := range fe {
		name := flags[f.Field]
		if name == "" {
			name = f.Field
		}
		msgs[i] = name + ": " + f.Reason
	}
	return charter.Errorf(charter.EINVALID, "%s", strings.Join(msgs, "; "))
}

func runPanelList(ctx context.Context, e *env, args []string) error {
	fs := e.flags("panel list", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := st.Panels(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tFORCE\tAREAS\tMEMBERS")
	for _, p := range ps {
		n, err := st.PanelMembers(ctx, p.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", p.ID, p.Name, p.Force, strings.Join(p.Areas, ","), n)
	}
	return tw.Flush()
}

// panelOf is the id of the panel called name for a new user of role (0
// when name is empty); only panel members sit on panels.
func panelOf(ctx context.Context, st *store.Store, name string, role charter.Role) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, nil
	}
	if role != charter.RolePanel {
		return 0, charter.Errorf(charter.EINVALID, "--panel is for panel members: give --role panel")
	}
	p, err := st.PanelByName(ctx, name)
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}
