package cli

import (
	"flag"
	"os"
	"strings"

	"github.com/stopsearch/charter"
)

// Configuration comes from three places, in this order of precedence, for
// every flag of every command, in one place (fromEnv, called by parse):
//
//  1. the flag on the command line;
//  2. the environment: CHARTER_<FLAG> (upper case, dashes as underscores:
//     --rate-limit is CHARTER_RATE_LIMIT), or CHARTER_<FLAG>_FILE naming a
//     file that holds the value (a secret mounted as a file, such as a
//     database URL with its password; surrounding white space is trimmed);
//  3. the flag's default.
//
// The database is --db, or CHARTER_DATABASE / CHARTER_DATABASE_FILE.

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "CHARTER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envValue reads a setting from the environment: the variable itself, or
// the file its _FILE twin names. ok is false when neither is set.
func envValue(name string) (value string, ok bool, err error) {
	if v, ok := os.LookupEnv(name); ok {
		return v, true, nil
	}
	path, ok := os.LookupEnv(name + "_FILE")
	if !ok {
		return "", false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, charter.Errorf(charter.EINVALID, "%s_FILE: cannot read %s: %v", name, path, err)
	}
	return strings.TrimSpace(string(b)), true, nil
}

// fromEnv sets every flag not given on the command line from the
// environment, where set there.
func fromEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		name := envName(f.Name)
		v, ok, e := envValue(name)
		if e != nil {
			err = e
			return
		}
		if ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = charter.Errorf(charter.EINVALID, "%s=%q: %v", name, v, e)
			}
		}
	})
	return err
}
