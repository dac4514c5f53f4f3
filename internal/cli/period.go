package cli

import (
	"flag"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
)

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

// filterFlags declares the search filters every report takes (--legislation,
// --object, --age, --gender, --type) and returns the function that reads
// them, after parsing, as index conditions.
func filterFlags(fs *flag.FlagSet) func() []index.Cond {
	dims := []index.Dim{index.DimLegislation, index.DimObject, index.DimAge, index.DimGender, index.DimType}
	vals := make([]*string, len(dims))
	for i, d := range dims {
		vals[i] = fs.String(d.String(), "", "only these "+d.String()+" values (comma-separated, as published)")
	}
	return func() []index.Cond {
		var where []index.Cond
		for i, v := range vals {
			if *v != "" {
				where = append(where, index.Cond{Dim: dims[i], Values: strings.Split(*v, ",")})
			}
		}
		return where
	}
}
