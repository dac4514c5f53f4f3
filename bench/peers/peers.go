// Package peers holds the scripts that charter bench runs as Charter's
// peers: the same work done the way an analyst would do it with another
// tool, measured in the same run on the same rows. They live here, in the
// peers' own languages, so that they can be read and run by hand; the
// benchmark writes them to its temporary directory and runs them.
package peers

import "embed"

// FS holds the peer scripts: rates.py (pandas and geopandas), aggregate.sql
// (the DuckDB queries) and its runners duckdb.py and duckdb.mjs, and
// import.sqlite3 (the sqlite3 shell's import).
//
//go:embed rates.py aggregate.sql duckdb.py duckdb.mjs import.sqlite3
var FS embed.FS
