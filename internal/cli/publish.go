package cli

import (
	"context"
	"fmt"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"publish", "make public the months of first-hand records whose publication delay has passed, anonymised as police.uk does", runPublish})
}

// runPublish is `charter publish [--delay 720h]`; `charter serve` does the
// same every hour.
func runPublish(ctx context.Context, e *env, args []string) error {
	fs := e.flags("publish", "[--delay 720h]")
	delay := fs.Duration("delay", importer.DefaultPublishDelay, "how long after the end of a month its first-hand records become public")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := (&importer.Importer{Store: st}).PublishDue(ctx, store.Now(), *delay)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stdout, "no month of first-hand records is due for publication")
	}
	for _, p := range ps {
		fmt.Fprintln(e.stdout, publishedLine(p))
	}
	return nil
}

// publishedLine says what one publication did, in words.
func publishedLine(p importer.Published) string {
	what := fmt.Sprintf("%s, %s: %s", charter.ForceName(p.Force), p.Month, plural(p.Records, "record", "records"))
	if p.Unchanged {
		return what + " already public, unchanged"
	}
	line := what + " made public"
	if p.Unlocated > 0 {
		line += fmt.Sprintf(" (%s without a location: no published street point within %s m)", charter.Thousands(p.Unlocated), charter.Thousands(importer.SnapMetres))
	}
	return line
}
