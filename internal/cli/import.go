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
	quiet := fs.Bool("quiet", false, "print only the summary")
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

	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	im.Store = st

	var rejects []charter.Reject
	im.Reject = func(r charter.Reject) { rejects = append(rejects, r) }
	im.Progress = func(r importer.Result) {
		if *quiet && r.Err == nil {
			return
		}
		switch {
		case r.Err != nil:
			fmt.Fprintf(e.stderr, "REFUSED   %s\n          %s\n", r.Source, charter.ErrorMessage(r.Err))
		case r.Skipped:
			fmt.Fprintf(e.stderr, "unchanged %s (already imported)\n", r.Source)
		case r.Ignored != "":
			fmt.Fprintf(e.stderr, "passed    %s (%s)\n", r.Source, r.Ignored)
		default:
			rate := ""
			if s := r.Duration.Seconds(); s > 0 && r.Rows > 0 {
				rate = fmt.Sprintf(", %.0f rows/s", float64(r.Rows)/s)
			}
			fmt.Fprintf(e.stderr, "imported  %s: %s stored, %d rejected (%s%s)\n", r.Source, plural(r.Rows, "record", "records"), r.Rejects, r.Duration.Round(time.Millisecond), rate)
		}
	}
	start := time.Now()
	var results []importer.Result
	if *demo {
		results, err = im.ImportFS(ctx, data.FS, data.Demo)
	} else {
		results, err = im.Import(ctx, fs.Args()...)
	}
	sum := importer.Summarise(results)
	fmt.Fprintf(e.stderr, "\n%s: %d imported, %d unchanged, %d passed over, %d refused; %s stored, %s rejected in %s\n",
		plural(sum.Sources, "source", "sources"), sum.Imported, sum.Skipped, sum.Ignored, sum.Refused,
		plural(sum.Rows, "record", "records"), plural(sum.Rejects, "row", "rows"), time.Since(start).Round(time.Millisecond))
	if len(rejects) > 0 || sum.Refused > 0 {
		if werr := writeRejects(*rejectsPath, rejects, results); werr != nil {
			fmt.Fprintf(e.stderr, "cannot write the rejects report: %v\n", werr)
		} else {
			fmt.Fprintf(e.stderr, "rejects report: %s\n", *rejectsPath)
		}
		for i, r := range rejects {
			if i == 5 {
				fmt.Fprintf(e.stderr, "  … and %d more\n", len(rejects)-5)
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
