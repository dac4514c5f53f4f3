package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"github.com/stopsearch/charter"
)

// DataVersion names the state of everything the read model holds (stops,
// areas, populations, crimes). Every such write happens inside an import's
// transaction, which leaves its imports row behind (first-hand records are
// published as imports too), so the imports rows and the schema's migrations
// decide the state: two stores with the same DataVersion hold the same data.
// A persisted read model carries the Key it was built at, and is trusted
// only when the store's Key is still the same.
type DataVersion struct {
	// Key is a hash of every imports row and the applied migrations.
	Key string
	// Imports are the ids of the imports the Key covers.
	Imports []int64
}

// DataVersion reads the store's data version (a few hundred small rows).
func (s *Store) DataVersion(ctx context.Context) (DataVersion, error) {
	h := sha256.New()
	migs, err := s.Migrations(ctx)
	if err != nil {
		return DataVersion{}, err
	}
	for _, m := range migs {
		fmt.Fprintf(h, "m %s\n", m)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, checksum, coverage, rows, rejects, finished_at FROM imports ORDER BY id`)
	if err != nil {
		return DataVersion{}, err
	}
	defer rows.Close()
	var v DataVersion
	for rows.Next() {
		var id, n, rejects, finished int64
		var kind, sum, coverage string
		if err := rows.Scan(&id, &kind, &sum, &coverage, &n, &rejects, &finished); err != nil {
			return DataVersion{}, err
		}
		fmt.Fprintf(h, "i %d %q %q %q %d %d %d\n", id, kind, sum, coverage, n, rejects, finished)
		v.Imports = append(v.Imports, id)
	}
	if err := rows.Err(); err != nil {
		return DataVersion{}, err
	}
	v.Key = hex.EncodeToString(h.Sum(nil))
	return v, nil
}

// AreaPopulation is the census population of one area by ethnic group, as
// PopulationByArea sums it, with the area's latest census year.
type AreaPopulation struct {
	Level   charter.Level
	Code    string
	Census  int
	ByGroup map[charter.EthnicGroup]int
}

// Populations reads the census population of every area at once, for the
// read model (which then answers PopulationByArea without the store).
func (s *Store) Populations(ctx context.Context) ([]AreaPopulation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT level, area_code, ethnic_group, SUM(count), MAX(census) FROM population
		GROUP BY level, area_code, ethnic_group ORDER BY level, area_code, ethnic_group`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AreaPopulation
	for rows.Next() {
		var level, code string
		var g, n int
		var c sql.NullInt64
		if err := rows.Scan(&level, &code, &g, &n, &c); err != nil {
			return nil, err
		}
		l, err := charter.ParseLevel(level)
		if err != nil {
			return nil, err
		}
		if k := len(out); k == 0 || out[k-1].Level != l || out[k-1].Code != code {
			out = append(out, AreaPopulation{Level: l, Code: code, ByGroup: map[charter.EthnicGroup]int{}})
		}
		p := &out[len(out)-1]
		p.ByGroup[charter.EthnicGroup(g)] = n
		p.Census = max(p.Census, int(c.Int64))
	}
	return out, rows.Err()
}

// File is the SQLite database's path, or "" on PostgreSQL: what is kept
// beside the database (the persisted read model) is named after it.
func (s *Store) File() string { return s.file }

// Address names a PostgreSQL database by its user, host, port and name
// (never the password), or is "" on SQLite: what a copy kept elsewhere of
// something derived from the database (the command line's read model) is
// named after.
func (s *Store) Address() string {
	if s.pool == nil {
		return ""
	}
	c := s.pool.Config().ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}
