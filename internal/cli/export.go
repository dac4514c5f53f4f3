package cli

import (
	"bufio"
	"context"
	"os"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/export"
)

func init() {
	register(command{"export", "export stops in the data.police.uk archive CSV format", runExport})
}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("export", "--format police-csv [--force ID] [--month YYYY-MM | --from YYYY-MM --to YYYY-MM] [-o FILE]")
	format := fs.String("format", "police-csv", "output format: police-csv")
	force := fs.String("force", "", "only this force (data.police.uk id)")
	month := fs.String("month", "", "only this month (YYYY-MM)")
	from := fs.String("from", "", "first month (YYYY-MM)")
	to := fs.String("to", "", "last month (YYYY-MM)")
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "police-csv" {
		return charter.Errorf(charter.EINVALID, "--format %q is not supported (want police-csv)", *format)
	}
	f := charter.StopFilter{Force: *force}
	var err error
	if *month != "" {
		if *from != "" || *to != "" {
			return charter.Errorf(charter.EINVALID, "give --month or --from/--to, not both")
		}
		*from, *to = *month, *month
	}
	if *from != "" {
		if f.From, err = charter.ParseMonth(*from); err != nil {
			return err
		}
	}
	if *to != "" {
		if f.To, err = charter.ParseMonth(*to); err != nil {
			return err
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	w := e.stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return charter.Errorf(charter.EINVALID, "cannot write %s: %v", *out, err)
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	pw, err := export.NewPoliceCSV(bw)
	if err != nil {
		return err
	}
	if err := st.FindStops(ctx, f, pw.Write); err != nil {
		return err
	}
	if err := pw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
