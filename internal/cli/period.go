package cli

import "github.com/stopsearch/charter"

// checkFormat accepts the output formats every report has.
func checkFormat(format string) error {
	if format != "table" && format != "csv" && format != "json" {
		return charter.Errorf(charter.EINVALID, "--format %q: want table, csv or json", format)
	}
	return nil
}

// monthRange reads --from and --to (YYYY-MM, either may be empty: open).
func monthRange(from, to string) (charter.Month, charter.Month, error) {
	var f, t charter.Month
	var err error
	if from != "" {
		if f, err = charter.ParseMonth(from); err != nil {
			return 0, 0, charter.Errorf(charter.EINVALID, "--from: %s", charter.ErrorMessage(err))
		}
	}
	if to != "" {
		if t, err = charter.ParseMonth(to); err != nil {
			return 0, 0, charter.Errorf(charter.EINVALID, "--to: %s", charter.ErrorMessage(err))
		}
	}
	if f != 0 && t != 0 && t < f {
		return 0, 0, charter.Errorf(charter.EINVALID, "--to %s is before --from %s", to, from)
	}
	return f, t, nil
}
