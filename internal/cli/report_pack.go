package cli

import (
	"context"
	"os"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/web"
)

func init() { reportKinds["pack"] = runReportPack }

// runReportPack is `charter report pack` (A5): the monthly community pack of
// a borough, ward or force area, as HTML or as a PDF printed from the same
// HTML by headless Chromium.
func runReportPack(ctx context.Context, e *env, args []string) error {
	fs := e.flags("report pack", "--area CODE --month YYYY-MM [--format html|pdf] -o FILE")
	area := fs.String("area", "", "a borough or ward GSS code (E09…, E05…) or a force id (required)")
	month := fs.String("month", "", "the month of the pack, YYYY-MM (required)")
	format := fs.String("format", "html", "html, or pdf (needs Chromium: apt-get install chromium)")
	out := fs.String("o", "", "the file to write (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *area == "":
		return charter.Errorf(charter.EINVALID, "--area is required: a borough or ward code, or a force id")
	case *month == "":
		return charter.Errorf(charter.EINVALID, "--month is required (YYYY-MM)")
	case *out == "":
		return charter.Errorf(charter.EINVALID, "-o is required: the file to write the pack to")
	case *format != "html" && *format != "pdf":
		return charter.Errorf(charter.EINVALID, "--format %q: want html or pdf", *format)
	}
	m, err := charter.ParseMonth(*month)
	if err != nil {
		return charter.Errorf(charter.EINVALID, "--month %q: want YYYY-MM", *month)
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	snap, done, err := readModel(ctx, e, st)
	if err != nil {
		return err
	}
	defer done()
	fig := public.New(st, snap, "")
	rec := record.New(st, record.Options{})
	dep := deploy.New(st, rec, deploy.Options{Complaints: st.ComplaintsInWards})
	src := pack.Sources{Fig: fig, Rec: rec, FlagText: web.FlagText}.With(dep, complaint.New(st, rec, complaint.Options{}), panel.New(st, rec, panel.Options{}))
	p, err := pack.Make(ctx, src, *area, m, time.Now)
	if err != nil {
		return err
	}
	b, err := pack.HTML(p)
	if err != nil {
		return err
	}
	if *format == "pdf" {
		defer pack.ClosePrinter() // the command ends here: no other print will use it
		if b, err = pack.PDF(ctx, b); err != nil {
			return err
		}
	}
	return os.WriteFile(*out, b, 0o644)
}
