package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stopsearch/charter"
)

// whereStops builds the filter of counted stops (active sources only).
func whereStops(f charter.StopFilter) (string, []any) {
	conds := []string{"active = 1"}
	var args []any
	if f.Force != "" {
		args = append(args, f.Force)
		conds = append(conds, "force = $"+strconv.Itoa(len(args)))
	}
	if f.From != 0 {
		args = append(args, int64(f.From.YYYYMM()))
		conds = append(conds, "month >= $"+strconv.Itoa(len(args)))
	}
	if f.To != 0 {
		args = append(args, int64(f.To.YYYYMM()))
		conds = append(conds, "month <= $"+strconv.Itoa(len(args)))
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindStops calls fn for every counted stop matching f, in source order
// (force, month, then import and row), which is the order export writes.
// A filter by force or month reads each counted batch by its range of ids
// (one primary-key range per batch), not the whole table.
func (s *Store) FindStops(ctx context.Context, f charter.StopFilter, fn func(*charter.Stop) error) error {
	where, args := whereStops(f)
	if f.Force == "" && f.From == 0 && f.To == 0 {
		order := ` ORDER BY force, month, import_id, source_row`
		if f.AnyOrder {
			order = ``
		}
		return s.findStops(ctx, where+order, args, fn)
	}
	bs, ok, err := s.batchRanges(ctx, f)
	if err != nil {
		return err
	}
	if !ok { // batches stored before their ranges were kept
		return s.findStops(ctx, where+` ORDER BY force, month, import_id, source_row`, args, fn)
	}
	for _, b := range bs {
		n := len(args)
		q := where + ` AND id BETWEEN $` + strconv.Itoa(n+1) + ` AND $` + strconv.Itoa(n+2) +
			` AND import_id = $` + strconv.Itoa(n+3) + ` AND force = $` + strconv.Itoa(n+4) + ` AND month = $` + strconv.Itoa(n+5) +
			` ORDER BY source_row`
		if err := s.findStops(ctx, q, append(args[:n:n], b.first, b.last, b.importID, b.force, b.month), fn); err != nil {
			return err
		}
	}
	return nil
}

// idRange is the stops of one counted batch: an import's force-month.
type idRange struct {
	importID, month, first, last int64
	force                        string
}

// where and args select the batch's stops (conditions beginning " AND ",
// numbered from $1): its primary-key range, then its own rows within it.
func (b idRange) where() string {
	return ` AND id BETWEEN $1 AND $2 AND import_id = $3 AND force = $4 AND month = $5`
}

func (b idRange) args() []any { return []any{b.first, b.last, b.importID, b.force, b.month} }

// batchRanges lists the counted batches f covers, in force, month and import
// order. ok is false if one of them was stored without its range.
func (s *Store) batchRanges(ctx context.Context, f charter.StopFilter) ([]idRange, bool, error) {
	var and string
	var args []any
	if f.Force != "" {
		args = append(args, f.Force)
		and += ` AND force = $` + strconv.Itoa(len(args))
	}
	if f.From != 0 {
		args = append(args, int64(f.From.YYYYMM()))
		and += ` AND month >= $` + strconv.Itoa(len(args))
	}
	if f.To != 0 {
		args = append(args, int64(f.To.YYYYMM()))
		and += ` AND month <= $` + strconv.Itoa(len(args))
	}
	ok := true
	out, err := s.readRanges(ctx, and, args, nil, &ok)
	return out, ok, err
}

// readRanges appends to out the counted batches that more conditions
// (beginning " AND ") select, in force, month and import order, and clears
// ok if one of them was stored without its range.
func (s *Store) readRanges(ctx context.Context, and string, args []any, out []idRange, ok *bool) ([]idRange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT import_id, force, month, first_id, last_id FROM stop_batches WHERE active = 1`+and+
		` ORDER BY force, month, import_id`, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var b idRange
		var first, last sql.NullInt64
		if err := rows.Scan(&b.importID, &b.force, &b.month, &first, &last); err != nil {
			return out, err
		}
		*ok = *ok && first.Valid && last.Valid
		b.first, b.last = first.Int64, last.Int64
		out = append(out, b)
	}
	return out, rows.Err()
}

// findStops reads the stops a query selects (its WHERE and ORDER BY).
func (s *Store) findStops(ctx context.Context, where string, args []any, fn func(*charter.Stop) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, import_id, source_row, force, month, occurred_at,
		type_id, operation, operation_name, latitude, longitude, street_id, street_name,
		gender_id, age_id, self_eth_id, officer_eth_id, legislation_id, object_id, outcome_id,
		outcome_linked, removal, borough_id, ward_id, msoa_id, lsoa_id
		FROM stops`+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var st charter.Stop
	for rows.Next() {
		var month, at int64
		var op, linked, removal, streetID, bor, ward, msoa, lsoa sql.NullInt64
		var opName, streetName sql.NullString
		var lat, lng sql.NullFloat64
		var ids [8]sql.NullInt64
		if err := rows.Scan(&st.ID, &st.ImportID, &st.SourceRow, &st.Force, &month, &at,
			&ids[0], &op, &opName, &lat, &lng, &streetID, &streetName,
			&ids[1], &ids[2], &ids[3], &ids[4], &ids[5], &ids[6], &ids[7],
			&linked, &removal, &bor, &ward, &msoa, &lsoa); err != nil {
			return err
		}
		st.Month = charter.MonthFromYYYYMM(int(month))
		st.Datetime = time.Unix(at, 0).UTC()
		st.Operation, st.OutcomeLinked, st.Removal = triOf(op), triOf(linked), triOf(removal)
		st.OperationName = opName.String
		st.Location = nil
		if lat.Valid && lng.Valid {
			st.Location = &charter.Location{Latitude: lat.Float64, Longitude: lng.Float64, StreetID: streetID.Int64, StreetName: streetName.String}
		}
		labels := [8]*string{&st.Type, &st.Gender, &st.AgeRange, &st.SelfDefinedEthnicity, &st.OfficerDefinedEthnicity,
			&st.Legislation, &st.ObjectOfSearch, &st.Outcome}
		for i, id := range ids {
			*labels[i] = ""
			if id.Valid {
				*labels[i] = s.vocab.entry(id.Int64).label
			}
		}
		st.OutcomeID = ""
		if ids[7].Valid {
			st.OutcomeID = s.vocab.entry(ids[7].Int64).code
		}
		st.Areas = charter.AreaIDs{0, bor.Int64, ward.Int64, msoa.Int64, lsoa.Int64}
		st.InvolvedPerson = charter.InvolvedPerson(st.Type)
		if err := fn(&st); err != nil {
			return err
		}
	}
	return rows.Err()
}

func triOf(v sql.NullInt64) charter.Tristate {
	if !v.Valid {
		return charter.Unknown
	}
	return charter.TristateOf(v.Int64 == 1)
}

// CountStops counts the counted stops matching f.
func (s *Store) CountStops(ctx context.Context, f charter.StopFilter) (int, error) {
	where, args := whereStops(f)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM stops`+where, args...).Scan(&n)
	return n, err
}

// MonthCounts returns, per force and month, what the data-quality rules need.
//
// The answer is kept until this process commits another write: every report
// asks for it (the flags of the months under it), and the scan of every stop
// behind it costs about 0.4 s on the demo data. Writes by another process
// are not seen until then, as for the analytic index (docs/operations.md).
func (s *Store) MonthCounts(ctx context.Context) ([]charter.MonthCounts, error) {
	s.monthMu.Lock()
	defer s.monthMu.Unlock()
	if s.monthCache != nil && s.monthAt == s.Commits() {
		return cloneMonthCounts(s.monthCache), nil
	}
	at := s.Commits()
	mc, err := s.monthCounts(ctx, nil, true)
	if err != nil {
		return nil, err
	}
	s.monthCache, s.monthAt = mc, at
	return cloneMonthCounts(mc), nil
}

// cloneMonthCounts copies the cached answer, so that no caller can change it.
func cloneMonthCounts(in []charter.MonthCounts) []charter.MonthCounts {
	out := make([]charter.MonthCounts, len(in))
	for i, c := range in {
		c.Sources = append([]string(nil), c.Sources...)
		ts := make(map[string]charter.TristateCounts, len(c.Tristates))
		for k, v := range c.Tristates {
			ts[k] = v
		}
		c.Tristates = ts
		out[i] = c
	}
	return out
}

// MonthCountsOf is MonthCounts for some force-months only (those a write
// changed), read fresh: each counted batch by its range of ids, so that
// following a write costs the rows it wrote, not the table. A force-month
// with no counted stop is not in the answer.
func (s *Store) MonthCountsOf(ctx context.Context, fms []charter.ForceMonth) ([]charter.MonthCounts, error) {
	if len(fms) == 0 {
		return nil, nil
	}
	return s.monthCounts(ctx, fms, true)
}

// monthCountsSelect is what the data-quality rules count of a set of stops,
// by force and month.
const monthCountsSelect = `SELECT force, month, count(*), count(latitude),
		SUM(CASE WHEN self_eth_id IS NULL OR self_eth_id IN (SELECT id FROM vocab WHERE field = 'self_eth' AND code = 'NS') THEN 1 ELSE 0 END),
		SUM(CASE WHEN local_minute = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN operation = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN operation = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN outcome_linked = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN outcome_linked = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN removal = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN removal = 0 THEN 1 ELSE 0 END)
		FROM stops WHERE active = 1`

// monthCounts is MonthCounts read from the database: of every force-month
// when only is nil, else of those; by each counted batch's range of ids
// when byRange is set and every batch has its range, else by scanning the
// table (as batches stored before ranges were kept need, and tests compare).
func (s *Store) monthCounts(ctx context.Context, only []charter.ForceMonth, byRange bool) ([]charter.MonthCounts, error) {
	type key struct {
		force string
		month int64
	}
	var out []charter.MonthCounts
	index := map[key]int{}
	// count reads counts grouped by force and month, adding them to a
	// force-month already counted (one whose stops are in several batches).
	count := func(and string, args []any) error {
		rows, err := s.db.QueryContext(ctx, monthCountsSelect+and+` GROUP BY force, month ORDER BY force, month`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c charter.MonthCounts
			var month int64
			var opT, opF, lT, lF, rT, rF int
			if err := rows.Scan(&c.Force, &month, &c.Count, &c.Located, &c.NotStated, &c.Midnight, &opT, &opF, &lT, &lF, &rT, &rF); err != nil {
				return err
			}
			c.Month = charter.MonthFromYYYYMM(int(month))
			c.Tristates = map[string]charter.TristateCounts{
				charter.FieldOperation:     {True: opT, False: opF},
				charter.FieldOutcomeLinked: {True: lT, False: lF},
				charter.FieldRemoval:       {True: rT, False: rF},
			}
			k := key{c.Force, month}
			i, seen := index[k]
			if !seen {
				index[k] = len(out)
				out = append(out, c)
				continue
			}
			o := &out[i]
			o.Count, o.Located, o.NotStated, o.Midnight = o.Count+c.Count, o.Located+c.Located, o.NotStated+c.NotStated, o.Midnight+c.Midnight
			for f, t := range c.Tristates {
				ot := o.Tristates[f]
				o.Tristates[f] = charter.TristateCounts{True: ot.True + t.True, False: ot.False + t.False}
			}
		}
		return rows.Err()
	}
	var bs []idRange
	var ok bool
	var err error
	switch {
	case !byRange:
	case only == nil:
		bs, ok, err = s.batchRanges(ctx, charter.StopFilter{})
	default:
		bs, ok, err = s.rangesOf(ctx, only)
	}
	// Each batch is counted on its own by its range of ids: grouping the
	// whole table by force and month would sort every stop first.
	switch {
	case err != nil:
		return nil, err
	case only == nil && !ok:
		err = count("", nil)
	case !ok: // batches stored before their ranges were kept
		err = forMonthChunks(only, count)
	default:
		for _, b := range bs {
			if err = count(b.where(), b.args()); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		for f, t := range c.Tristates {
			c.Tristates[f] = charter.TristateCounts{True: t.True, False: t.False, Unknown: c.Count - t.True - t.False}
		}
	}
	slices.SortFunc(out, charter.CompareMonthCounts)
	for i, c := range out {
		index[key{c.Force, int64(c.Month.YYYYMM())}] = i
	}
	// The sources counted for each force-month, and what they cover.
	srows, err := s.db.QueryContext(ctx, `SELECT b.force, b.month, b.coverage, i.source
		FROM stop_batches b JOIN imports i ON i.id = b.import_id WHERE b.active = 1 ORDER BY b.force, b.month, i.id`)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	covers := map[key]map[string]bool{}
	for srows.Next() {
		var k key
		var cov, src string
		if err := srows.Scan(&k.force, &k.month, &cov, &src); err != nil {
			return nil, err
		}
		i, ok := index[k]
		if !ok {
			continue
		}
		out[i].Sources = append(out[i].Sources, src)
		if covers[k] == nil {
			covers[k] = map[string]bool{}
		}
		covers[k][cov] = true
	}
	for k, cs := range covers {
		out[index[k]].Coverage = coverageOf(cs)
	}
	return out, srows.Err()
}

// coverageOf is what the counted sources of a force-month cover together,
// given the coverages they were stored with.
func coverageOf(cs map[string]bool) charter.Coverage {
	switch {
	case cs[string(charter.CoverFirstHand)]:
		return charter.CoverFirstHand
	case cs[string(charter.CoverAll)] || cs[string(charter.CoverLocated)] && cs[string(charter.CoverUnlocated)]:
		return charter.CoverAll
	case cs[string(charter.CoverLocated)]:
		return charter.CoverLocated
	default:
		return charter.CoverUnlocated
	}
}

// ScanAnalytic calls fn for every counted stop with only the fields the
// analytic index uses (no street, operation or first-hand fields), in no set
// order. It reads plain integers, which makes it several times faster than
// FindStops for loading the index at start, and reads the two halves of the
// table on two connections at once (most of the time is the driver decoding
// rows, which one core cannot keep up with); fn is called on the caller's
// goroutine, one stop at a time.
func (s *Store) ScanAnalytic(ctx context.Context, fn func(*charter.Stop) error) error {
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM stops`).Scan(&lo, &hi); err != nil {
		return err
	}
	packed, err := s.idsPackable(ctx)
	if err != nil {
		return err
	}
	if !lo.Valid || hi.Int64-lo.Int64 < scanSplitMin {
		return s.scanAnalytic(ctx, packed, "", nil, fn)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mid := lo.Int64 + (hi.Int64-lo.Int64)/2
	batches := make(chan []charter.Stop, 8)
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for _, r := range [][2]int64{{lo.Int64, mid}, {mid + 1, hi.Int64}} {
		wg.Go(func() { errs <- s.scanRange(ctx, packed, r[0], r[1], batches) })
	}
	go func() { wg.Wait(); close(batches) }()
	var ferr error
	for b := range batches {
		for i := 0; i < len(b) && ferr == nil; i++ {
			ferr = fn(&b[i])
		}
		if ferr != nil {
			cancel() // the readers stop; drain what they sent
		}
	}
	for range 2 {
		if err := <-errs; err != nil && ferr == nil && !errors.Is(err, context.Canceled) {
			ferr = err
		}
	}
	if ferr == nil {
		ferr = ctx.Err()
	}
	return ferr
}

// scanSplitMin is the table size (in ids) from which ScanAnalytic reads in
// two halves.
const scanSplitMin = 100_000

// scanRange reads the analytic fields of the counted stops with ids from lo
// to hi and sends them in batches (the Stops and their Locations are the
// receiver's).
func (s *Store) scanRange(ctx context.Context, packed bool, lo, hi int64, out chan<- []charter.Stop) error {
	const size = 4096
	b := make([]charter.Stop, 0, size)
	locs := make([]charter.Location, 0, size)
	send := func() error {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b, locs = make([]charter.Stop, 0, size), make([]charter.Location, 0, size)
		return nil
	}
	err := s.scanAnalytic(ctx, packed, ` AND id BETWEEN $1 AND $2`, []any{lo, hi}, func(st *charter.Stop) error {
		c := *st
		if st.Location != nil {
			locs = append(locs, *st.Location)
			c.Location = &locs[len(locs)-1]
		}
		b = append(b, c)
		if len(b) == size {
			return send()
		}
		return nil
	})
	if err == nil && len(b) > 0 {
		err = send()
	}
	return err
}

// scanMonthsChunk bounds the force-months of one query, well inside the
// engines' limits on bound parameters.
const scanMonthsChunk = 200

// ScanAnalyticMonths is ScanAnalytic restricted to the counted stops of some
// force-months, so that the index can follow a write by re-reading only the
// months it changed. Each counted batch is read by its range of ids (the
// table has no other index on SQLite, and a filter by force and month alone
// would scan every stop at every commit).
func (s *Store) ScanAnalyticMonths(ctx context.Context, fms []charter.ForceMonth, fn func(*charter.Stop) error) error {
	bs, ok, err := s.rangesOf(ctx, fms)
	if err != nil {
		return err
	}
	packed, err := s.idsPackable(ctx)
	if err != nil {
		return err
	}
	if !ok { // batches stored before their ranges were kept
		return forMonthChunks(fms, func(and string, args []any) error { return s.scanAnalytic(ctx, packed, and, args, fn) })
	}
	for _, b := range bs {
		if err := s.scanAnalytic(ctx, packed, b.where(), b.args(), fn); err != nil {
			return err
		}
	}
	return nil
}

// forMonthChunks calls fn with conditions (beginning " AND ") selecting the
// stops of fms, a bounded number of force-months at a time.
func forMonthChunks(fms []charter.ForceMonth, fn func(and string, args []any) error) error {
	for len(fms) > 0 {
		chunk := fms[:min(len(fms), scanMonthsChunk)]
		fms = fms[len(chunk):]
		conds := make([]string, len(chunk))
		args := make([]any, 0, 2*len(chunk))
		for i, fm := range chunk {
			args = append(args, fm.Force, int64(fm.Month.YYYYMM()))
			conds[i] = "force = $" + strconv.Itoa(len(args)-1) + " AND month = $" + strconv.Itoa(len(args))
		}
		if err := fn(" AND ("+strings.Join(conds, " OR ")+")", args); err != nil {
			return err
		}
	}
	return nil
}

// rangesOf lists the counted batches of fms with their ranges of ids; ok is
// false if one of them was stored without its range.
func (s *Store) rangesOf(ctx context.Context, fms []charter.ForceMonth) ([]idRange, bool, error) {
	var out []idRange
	ok := true
	err := forMonthChunks(fms, func(and string, args []any) (err error) {
		out, err = s.readRanges(ctx, and, args, out, &ok)
		return err
	})
	return out, ok, err
}

// analyticWideSQL reads the analytic fields a column each.
const analyticWideSQL = `SELECT force, month, COALESCE(type_id, 0), COALESCE(gender_id, 0), COALESCE(age_id, 0),
		COALESCE(self_eth_id, 0), COALESCE(officer_eth_id, 0), COALESCE(legislation_id, 0), COALESCE(object_id, 0),
		COALESCE(outcome_id, 0), COALESCE(outcome_linked, -1), COALESCE(removal, -1),
		COALESCE(borough_id, 0), COALESCE(ward_id, 0), COALESCE(msoa_id, 0), COALESCE(lsoa_id, 0),
		COALESCE(latitude, 999), COALESCE(longitude, 999)
		FROM stops WHERE active = 1`

// analyticPackedSQL reads the same fields in nine columns instead of
// eighteen: SQLite's driver takes and releases the connection's mutex
// several times for each column of each row. The bundled data's 284,299
// stops took 1.05–1.16 s to read a column each and 0.74–0.77 s packed;
// BenchmarkScanAnalytic's 200,000, 0.58 s and 0.42 s (PostgreSQL: 0.31 s
// and 0.25 s).
// The month carries the two yes/no/unknown fields in its low four bits
// (0 unknown, 1 no, 2 yes); three vocabulary ids share an integer, 21 bits
// each (vocabIDLimit), and two area ids another, 31 bits each
// (areaIDLimit). Multiplying rather than shifting keeps the text the same
// on both databases, whose shift and or operators bind as tightly as each
// other.
const analyticPackedSQL = `SELECT force,
		month * 16 + (CASE WHEN outcome_linked IS NULL THEN 0 WHEN outcome_linked = 1 THEN 2 ELSE 1 END) * 4
			+ (CASE WHEN removal IS NULL THEN 0 WHEN removal = 1 THEN 2 ELSE 1 END),
		COALESCE(type_id, 0) + COALESCE(gender_id, 0) * 2097152 + COALESCE(age_id, 0) * 4398046511104,
		COALESCE(self_eth_id, 0) + COALESCE(officer_eth_id, 0) * 2097152 + COALESCE(legislation_id, 0) * 4398046511104,
		COALESCE(object_id, 0) + COALESCE(outcome_id, 0) * 2097152,
		COALESCE(borough_id, 0) + COALESCE(ward_id, 0) * 2147483648,
		COALESCE(msoa_id, 0) + COALESCE(lsoa_id, 0) * 2147483648,
		COALESCE(latitude, 999), COALESCE(longitude, 999)
		FROM stops WHERE active = 1`

// The bounds analyticPackedSQL packs ids within.
const (
	vocabIDLimit = 1 << 21 // 2,097,152 labels
	areaIDLimit  = 1 << 31
)

// idsPackable reports whether every vocabulary and area id is below the
// bounds analyticPackedSQL packs them within. Ids are given in increasing
// order, so a stop can only hold an id at or below the largest the tables
// ever held; a store would need two million labels, or two billion areas,
// before its stops are read a column each again.
func (s *Store) idsPackable(ctx context.Context) (bool, error) {
	var vocab, areas int64
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM vocab), (SELECT COALESCE(MAX(id), 0) FROM areas)`).Scan(&vocab, &areas); err != nil {
		return false, err
	}
	return vocab < vocabIDLimit && areas < areaIDLimit, nil
}

// scanAnalytic is the one reading of the analytic fields, with more
// conditions (beginning " AND ") on the counted stops: packed
// (analyticPackedSQL) when the caller found every id packable
// (idsPackable, asked once per scan, not per range or batch), else a
// column each.
func (s *Store) scanAnalytic(ctx context.Context, packed bool, and string, args []any, fn func(*charter.Stop) error) error {
	q := analyticWideSQL
	if packed {
		q = analyticPackedSQL
	}
	rows, err := s.db.QueryContext(ctx, q+and, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var st charter.Stop
	var loc charter.Location
	var month, linked, removal int64
	var ids [8]int64
	var p [6]int64 // the packed columns
	label := func(id int64) string {
		if id == 0 {
			return ""
		}
		return s.vocab.entry(id).label
	}
	tri := func(v int64) charter.Tristate {
		if v < 0 {
			return charter.Unknown
		}
		return charter.TristateOf(v == 1)
	}
	const vocabMask, areaMask = vocabIDLimit - 1, areaIDLimit - 1
	for rows.Next() {
		st = charter.Stop{}
		if packed {
			if err := rows.Scan(&st.Force, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &loc.Latitude, &loc.Longitude); err != nil {
				return err
			}
			month, linked, removal = p[0]>>4, (p[0]>>2)&3-1, p[0]&3-1
			ids = [8]int64{p[1] & vocabMask, p[1] >> 21 & vocabMask, p[1] >> 42, p[2] & vocabMask, p[2] >> 21 & vocabMask, p[2] >> 42,
				p[3] & vocabMask, p[3] >> 21}
			st.Areas[charter.LevelBorough], st.Areas[charter.LevelWard] = p[4]&areaMask, p[4]>>31
			st.Areas[charter.LevelMSOA], st.Areas[charter.LevelLSOA] = p[5]&areaMask, p[5]>>31
		} else if err := rows.Scan(&st.Force, &month, &ids[0], &ids[1], &ids[2], &ids[3], &ids[4], &ids[5], &ids[6], &ids[7],
			&linked, &removal, &st.Areas[charter.LevelBorough], &st.Areas[charter.LevelWard],
			&st.Areas[charter.LevelMSOA], &st.Areas[charter.LevelLSOA], &loc.Latitude, &loc.Longitude); err != nil {
			return err
		}
		st.Month = charter.MonthFromYYYYMM(int(month))
		st.Type, st.Gender, st.AgeRange = label(ids[0]), label(ids[1]), label(ids[2])
		st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity = label(ids[3]), label(ids[4])
		st.Legislation, st.ObjectOfSearch, st.Outcome = label(ids[5]), label(ids[6]), label(ids[7])
		st.OutcomeLinked, st.Removal = tri(linked), tri(removal)
		if loc.Latitude != 999 {
			st.Location = &loc
		}
		if err := fn(&st); err != nil {
			return err
		}
	}
	return rows.Err()
}
