package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/training"
)

func init() {
	register(command{"training", "record who completed which training course (training import FILE.csv | courses)", runTraining})
	reportKinds["training"] = runReportTraining
}

// trainingOptions are the training service's options for the command
// line: the store's complaints and supervisors' review scores are compared
// too, as on the site.
func trainingOptions(st *store.Store) training.Options {
	return training.Options{Complaints: st.ComplaintsOfOfficers, ReviewScores: st.ReviewScoresOfOfficers}
}

func runTraining(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "import":
		return runTrainingImport(ctx, e, args)
	case "courses":
		return runTrainingCourses(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, `Usage: charter [--db PATH] training import FILE.csv [--new-courses]
       charter [--db PATH] training courses
       charter [--db PATH] report training --course NAME [--force ID] [--format table|csv|json]`)
	return errUsage
}

// runTrainingImport reads completions from a CSV file with the columns
// officer (sign-in name), course (name) and date (YYYY-MM-DD), and stores
// them all or none.
func runTrainingImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("training import", "FILE.csv [--new-courses]")
	newCourses := fs.Bool("new-courses", false, "create the courses the file names that do not exist yet (without it, an unknown course is an error, so a misspelt name is caught)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	file := pos[0]
	rows, err := readCompletions(file)
	if err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := training.New(st, nil, trainingOptions(st)).Import(ctx, cliActor(), rows, *newCourses)
	if re, ok := training.RowErrors(err); ok {
		msgs := make([]string, len(re))
		for i, r := range re {
			msgs[i] = fmt.Sprintf("%s:%d: %s: %s", file, r.Line, r.Field, r.Reason)
		}
		return charter.Errorf(charter.EINVALID, "nothing was imported:\n%s", strings.Join(msgs, "\n"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s from %s (%s already recorded)\n", plural(n, "completion", "completions"), file, plural(len(rows)-n, "was", "were"))
	return nil
}

// readCompletions reads the CSV file: a header naming the columns officer,
// course and date (in any order), then one completion a line.
func readCompletions(file string) ([]store.CompletionRow, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "cannot open %s: %v", file, errors.Unwrap(err))
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	head, err := r.Read()
	if err == io.EOF {
		return nil, charter.Errorf(charter.EINVALID, "%s is empty: it needs a header line officer,course,date", file)
	}
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "%s: %v", file, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"officer", "course", "date"} {
		if _, ok := col[want]; !ok {
			return nil, charter.Errorf(charter.EINVALID, "%s:1: the header has no %s column (want officer,course,date)", file, want)
		}
	}
	var rows []store.CompletionRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, charter.Errorf(charter.EINVALID, "%s: %v", file, err)
		}
		line, _ := r.FieldPos(0)
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		rows = append(rows, store.CompletionRow{Line: line, Officer: get("officer"), Course: get("course"), Date: get("date")})
	}
	if len(rows) == 0 {
		return nil, charter.Errorf(charter.EINVALID, "%s has no completions after its header", file)
	}
	return rows, nil
}

func runTrainingCourses(ctx context.Context, e *env, args []string) error {
	fs := e.flags("training courses", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Courses(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOURSE\tDESCRIPTION")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", c.ID, c.Name, c.Description)
	}
	return tw.Flush()
}

func runReportTraining(ctx context.Context, e *env, args []string) error {
	fs := e.flags("report training", "--course NAME [--force ID] [--format table|csv|json]")
	course := fs.String("course", "", "the course, by name (see charter training courses) (required)")
	force := fs.String("force", "metropolitan", "the force whose officers' first-hand searches are compared, as a force id")
	format := fs.String("format", "table", "table, csv or json")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if strings.TrimSpace(*course) == "" {
		return charter.Errorf(charter.EINVALID, "say which course with --course NAME")
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := training.New(st, nil, trainingOptions(st)).ReportOf(ctx, cliActor(), *force, *course)
	if err != nil {
		return err
	}
	return writeTrainingReport(e, r, *format)
}

func writeTrainingReport(e *env, r *training.Report, format string) error {
	switch format {
	case "json":
		return writeJSON(e, r)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"comparison", "measure", "available", "group_a", "a_count", "a_denominator", "a_value", "a_lower", "a_upper",
			"group_b", "b_count", "b_denominator", "b_value", "b_lower", "b_upper", "change", "change_value", "change_lower", "change_upper", "verdict"})
		for _, c := range r.Comparisons {
			for _, m := range c.Measures {
				a, b, ch := m.A.Estimate.Columns('f', 4), m.B.Estimate.Columns('f', 4), m.Ratio.Columns('f', 4)
				w.Write([]string{c.Title, m.Name, strconv.FormatBool(m.Available), c.A.Label, strconv.Itoa(m.A.Count), strconv.Itoa(m.A.Of),
					a[0], a[1], a[2], c.B.Label, strconv.Itoa(m.B.Count), strconv.Itoa(m.B.Of),
					b[0], b[1], b[2], m.Change, ch[0], ch[1], ch[2], m.Verdict})
			}
		}
		w.Flush()
		return w.Error()
	}
	fmt.Fprintf(e.stdout, "Training report: %s (%s trained); %.0f%% intervals\n", r.Course, plural(r.Trained, "officer", "officers"), 100*r.Confidence)
	for _, n := range r.Notes {
		fmt.Fprintln(e.stdout, n)
	}
	for _, c := range r.Comparisons {
		fmt.Fprintf(e.stdout, "\n%s\n  %s: %s by %s\n  %s: %s by %s\n", c.Title, c.A.Label, plural(c.A.Searches, "search", "searches"),
			plural(c.A.Officers, "officer", "officers"), c.B.Label, plural(c.B.Searches, "search", "searches"), plural(c.B.Officers, "officer", "officers"))
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  MEASURE\t%s\t%s\tCHANGE\n", strings.ToUpper(c.A.Label), strings.ToUpper(c.B.Label))
		for _, m := range c.Measures {
			if !m.Available {
				fmt.Fprintf(tw, "  %s\tnot available\t\t\n", m.Name)
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Name, m.Text(m.A), m.Text(m.B), m.ChangeText())
		}
		tw.Flush()
		for _, m := range c.Measures {
			fmt.Fprintf(e.stdout, "  %s: %s\n", m.Name, m.Verdict)
		}
	}
	return nil
}
