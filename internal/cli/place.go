package cli

import (
	"context"
	"fmt"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
)

func init() {
	register(command{"place", "place every located stop and street crime again by the stored boundaries (--check: only count those not placed by them)", runPlace})
}

// runPlace is `charter place [--check]`: the repair for placement lost by
// imports that ran side by side before placement was ordered between
// processes, or by a store put together from pieces. It is safe beside a
// server and other imports: it runs as one transaction that no boundary or
// record import overlaps.
func runPlace(ctx context.Context, e *env, args []string) error {
	fs := e.flags("place", "[--check]")
	check := fs.Bool("check", false, "only count the records not placed by the stored boundaries; exit 3 if there are any")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	im := &importer.Importer{Store: st}
	if *check {
		p, err := im.CheckPlacement(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, placementLine(p))
		if p.Misplaced > 0 {
			return errRejected
		}
		return nil
	}
	before, err := im.Replace(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "placed %s located stops and street crimes again by the stored boundaries; %s had been placed otherwise\n",
		charter.Thousands(before.Records), charter.Thousands(before.Misplaced))
	return nil
}
