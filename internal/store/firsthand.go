package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// StreetPoints lists the distinct anonymised points data.police.uk has
// published for searches and street crimes (never points of Charter's own
// first-hand publications), for snapping first-hand records to, in order
// of latitude, longitude, street id and name. A point published for both
// a search and a crime is one point: the search's, with its street id.
//
// The rows are made distinct here: SQLite makes a UNION distinct by
// sorting every located record (most of a second at each first receipt of
// the bundled data), so it returns them all (UNION ALL) and a map drops the
// repeats. PostgreSQL hashes them, faster than handing every row over, so
// it keeps UNION.
func (s *Store) StreetPoints(ctx context.Context) ([]geo.StreetPoint, error) {
	union := "UNION ALL"
	if s.dialect == Postgres {
		union = "UNION"
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT latitude, longitude, COALESCE(street_id, 0), COALESCE(street_name, '') FROM stops
		WHERE latitude IS NOT NULL AND street_id IS NOT NULL
		  AND import_id NOT IN (SELECT id FROM imports WHERE coverage = $1)
		`+union+`
		SELECT latitude, longitude, 0, location FROM street_crimes WHERE latitude IS NOT NULL`, string(charter.CoverFirstHand))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[geo.StreetPoint]bool{}
	searchAt := map[[2]float64]bool{}
	var out []geo.StreetPoint
	for rows.Next() {
		var p geo.StreetPoint
		if err := rows.Scan(&p.Lat, &p.Lng, &p.ID, &p.Name); err != nil {
			return nil, err
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if p.ID != 0 {
			searchAt[[2]float64{p.Lat, p.Lng}] = true
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out = slices.DeleteFunc(out, func(p geo.StreetPoint) bool { return p.ID == 0 && searchAt[[2]float64{p.Lat, p.Lng}] })
	slices.SortFunc(out, func(a, b geo.StreetPoint) int {
		return cmp.Or(cmp.Compare(a.Lat, b.Lat), cmp.Compare(a.Lng, b.Lng), cmp.Compare(a.ID, b.ID), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// SourceCounts are one source's searches for a force-month.
type SourceCounts struct {
	Source   string           `json:"source"`
	Coverage charter.Coverage `json:"coverage"`
	Counted  bool             `json:"counted"`
	Searches int              `json:"searches"`
	Located  int              `json:"located"`
	Arrests  int              `json:"arrests"`
}

// Reconciliation sets a force-month of first-hand records beside the same
// month as published elsewhere (a data.police.uk file imported later).
type Reconciliation struct {
	Force     string         `json:"force"`
	Month     string         `json:"month"`
	FirstHand SourceCounts   `json:"first_hand"`
	Published []SourceCounts `json:"published"`
}

// Reconcile lists, for every force-month with first-hand records, their
// counts beside every other source of the same month.
//
// Most stores hold no first-hand records, so that is asked first: the
// query below, with nothing to reconcile, still has SQLite build an index
// over every stop for its join (a second of `charter status` on the
// bundled data).
func (s *Store) Reconcile(ctx context.Context) ([]Reconciliation, error) {
	var firstHand int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM stop_batches WHERE coverage = $1 LIMIT 1) AS f`,
		string(charter.CoverFirstHand)).Scan(&firstHand); err != nil || firstHand == 0 {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT b.force, b.month, b.coverage, b.active, i.source, count(st.id), count(st.latitude),
		       COALESCE(sum(CASE WHEN o.label = 'Arrest' THEN 1 ELSE 0 END), 0)
		FROM stop_batches b
		JOIN imports i ON i.id = b.import_id
		LEFT JOIN stops st ON st.import_id = b.import_id AND st.force = b.force AND st.month = b.month
		LEFT JOIN vocab o ON o.id = st.outcome_id
		WHERE EXISTS (SELECT 1 FROM stop_batches f WHERE f.force = b.force AND f.month = b.month AND f.coverage = $1)
		GROUP BY b.force, b.month, b.coverage, b.active, i.source, b.import_id
		ORDER BY b.force, b.month, b.import_id`, string(charter.CoverFirstHand))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := map[[2]string]*Reconciliation{}
	var out []*Reconciliation
	for rows.Next() {
		var force, cov, src string
		var month, active int64
		var c SourceCounts
		if err := rows.Scan(&force, &month, &cov, &active, &src, &c.Searches, &c.Located, &c.Arrests); err != nil {
			return nil, err
		}
		c.Source, c.Coverage, c.Counted = src, charter.Coverage(cov), active == 1
		m := charter.MonthFromYYYYMM(int(month))
		k := [2]string{force, m.String()}
		r := byKey[k]
		if r == nil {
			r = &Reconciliation{Force: force, Month: m.String()}
			byKey[k] = r
			out = append(out, r)
		}
		if c.Coverage == charter.CoverFirstHand {
			r.FirstHand = c
		} else {
			r.Published = append(r.Published, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	res := make([]Reconciliation, len(out))
	for i, r := range out {
		res[i] = *r
	}
	sort.SliceStable(res, func(i, j int) bool {
		return res[i].Force < res[j].Force || res[i].Force == res[j].Force && res[i].Month < res[j].Month
	})
	return res, nil
}

// RecordMonth is one force-month of first-hand records.
type RecordMonth struct {
	Force   string
	Month   charter.Month
	Records int
}

// RecordMonths lists the force-months that hold first-hand records.
func (s *Store) RecordMonths(ctx context.Context) ([]RecordMonth, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT force, month, count(*) FROM records GROUP BY force, month ORDER BY force, month`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecordMonth
	for rows.Next() {
		var m RecordMonth
		var yyyymm int
		if err := rows.Scan(&m.Force, &yyyymm, &m.Records); err != nil {
			return nil, err
		}
		m.Month = charter.MonthFromYYYYMM(yyyymm)
		out = append(out, m)
	}
	return out, rows.Err()
}

// RecordsOfMonth reads the current version of every first-hand record of a
// force-month, for publication (which keeps nothing that identifies
// anyone: see importer.FirstHandStop). It is not a read of personal data
// by a person, so it is not audited; the publication itself is an import.
func (s *Store) RecordsOfMonth(ctx context.Context, force string, month charter.Month) ([]charter.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, version, body FROM records WHERE force = $1 AND month = $2 ORDER BY id`, force, month.YYYYMM())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Record
	for rows.Next() {
		var r charter.Record
		var id int64
		var version int
		var body string
		if err := rows.Scan(&id, &version, &body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("record %d: %w", id, err)
		}
		r.ID, r.Version, r.Force = id, version, force
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordIDs lists the ids of every first-hand record, and counts the
// Idempotency-Keys claimed, for the record benchmark's check that nothing
// was lost or stored twice.
func (s *Store) RecordIDs(ctx context.Context) (ids map[int64]bool, keys int, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM records`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ids = map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, 0, err
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM idempotency`).Scan(&keys)
	return ids, keys, err
}
