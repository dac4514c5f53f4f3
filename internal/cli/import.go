package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
)

func init() {
	register(command{"import", "import open data: data.police.uk CSV/zip/JSON, street crime, MPS crime counts, census, GeoJSON boundaries", runImport})
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("import", "[flags] PATH... | --demo")
	demo := fs.Bool("demo", false, "import the bundled open dataset (London: Met stops, boundaries, census, MPS crime counts)")
	force := fs.String("force", "", "data.police.uk force id for stop files whose name does not contain it (e.g. metropolitan)")
	coverage := fs.String("coverage", "", "which stops a stop file holds: all, located or unlocated (default: from the file's format and name)")
	level := fs.String("level", "", "boundaries: the level of every feature (borough, ward, msoa, lsoa); detected if empty")
	codeProp := fs.String("code-prop", "", "boundaries: the property holding the area code; detected if empty")
	nameProp := fs.String("name-prop", "", "boundaries: the property holding the area name; detected if empty")
	parentProp := fs.String("parent-prop", "", "boundaries: the property holding the parent area code; detected if empty")
	year := fs.Int("year", 0, "boundaries: the boundary year; detected from property names or the file name if 0")
	rejectsPath := fs.String("rejects", "charter-rejects.csv", "where to write the rejects report (file, line, column, value, reason)")
	quiet := fs.Bool("quiet", false, "print only the summary and the files refused (no progress while it runs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *demo == (fs.NArg() > 0) {
		fs.Usage()
		return errUsage
	}
	im := &importer.Importer{Force: *force, Coverage: charter.Coverage(*coverage)}
	switch im.Coverage {
	case "", charter.CoverAll, charter.CoverLocated, charter.CoverUnlocated:
	default:
		return charter.Errorf(charter.EINVALID, "--coverage must be all, located or unlocated")
	}
	if *force != "" && !charter.ValidForceID(*force) {
		return charter.Errorf(charter.EINVALID, "--force %q is not a data.police.uk force id (e.g. metropolitan)", *force)
	}
	if *level != "" {
		l, err := charter.ParseLevel(*level)
		if err != nil {
			return err
		}
		im.Boundary.Level = &l
	}
	im.Boundary.CodeProp, im.Boundary.NameProp, im.Boundary.ParentProp, im.Boundary.Year = *codeProp, *nameProp, *parentProp, *year

	view := listAll
	if *quiet {
		view = listRefused
	}
	var paths []string
	if !*demo {
		paths = fs.Args()
	}
	return e.importAll(ctx, im, paths, *rejectsPath, view, !*quiet)
}

// importAll runs an import of paths, or of the bundled dataset when paths is
// empty, and reports on standard error: the files as list says, a progress
// bar on a terminal when bar is set, then the summary and the rejects.
func (e *env) importAll(ctx context.Context, im *importer.Importer, paths []string, rejectsPath string, list listing, bar bool) error {
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	im.Store = st

	var rejects []charter.Reject
	im.Reject = func(r charter.Reject) { rejects = append(rejects, r) }
	im.Meter = &importer.Meter{}
	width, _ := terminal(e.stderr)
	d := newDisplay(e.stderr, im.Meter, list, width, bar)
	im.Progress = d.result
	start := time.Now()
	var results []importer.Result
	if len(paths) == 0 {
		results, err = im.ImportFS(ctx, data.FS, data.Demo)
	} else {
		results, err = im.Import(ctx, paths...)
	}
	if d.close() {
		fmt.Fprintln(e.stderr)
	}
	sum := importer.Summarise(results)
	fmt.Fprintf(e.stderr, "%s: %s imported, %s unchanged, %s passed over, %s refused; %s stored, %s rejected in %s\n",
		countOf(int64(sum.Sources), "source", "sources"), count(int64(sum.Imported)), count(int64(sum.Skipped)), count(int64(sum.Ignored)), count(int64(sum.Refused)),
		countOf(int64(sum.Rows), "record", "records"), countOf(int64(sum.Rejects), "row", "rows"), seconds(time.Since(start)))
	if len(rejects) > 0 || sum.Refused > 0 {
		if werr := writeRejects(rejectsPath, rejects, results); werr != nil {
			fmt.Fprintf(e.stderr, "cannot write the rejects report: %v\n", werr)
		} else {
			fmt.Fprintf(e.stderr, "rejects report: %s\n", rejectsPath)
		}
		for i, r := range rejects {
			if i == 5 {
				fmt.Fprintf(e.stderr, "  … and %s more\n", count(int64(len(rejects)-5)))
				break
			}
			fmt.Fprintf(e.stderr, "  %s\n", r)
		}
	}
	if err != nil {
		return err
	}
	if len(rejects) > 0 || sum.Refused > 0 {
		return errRejected
	}
	return nil
}

// writeRejects writes the rejects report: one row per rejected row, and one
// per refused file (line 0).
func writeRejects(path string, rejects []charter.Reject, results []importer.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"file", "line", "column", "value", "reason"})
	for _, r := range results {
		if r.Err != nil {
			w.Write([]string{r.Source, "0", "", "", "file refused: " + charter.ErrorMessage(r.Err)})
		}
	}
	for _, r := range rejects {
		w.Write([]string{r.File, strconv.Itoa(r.Line), r.Column, r.Value, r.Reason})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
