package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stopsearch/charter"
)

// ImportTx is the open transaction of one source file. Nothing it adds is
// visible until Commit; Rollback (or an interrupted process) leaves the store
// exactly as it was before the file.
type ImportTx struct {
	s   *Store
	t   *tx
	imp *charter.Import

	newVocab []vocabEntry
	pending  map[vocabKey]int64

	stops   *bulk
	batches map[batchKey]int
	// stopFloor is the largest stop id when the import began.
	stopFloor int64
	// idRanges are the first and last id of each batch as SQLite assigns
	// them (stopids.go); nil on PostgreSQL.
	idRanges map[batchKey][2]int64
	// areaGen is the boundary generation the import began under.
	areaGen int64
	streets *bulk
	// streetKeys are the (falls-within force name, month) pairs of street crimes added.
	streetKeys map[batchKey]bool
	counts     *bulk
	taken      map[charter.Month]bool
	vintage    int
	pop        *bulk
	popSeen    map[string]bool
	// unitCodes and countAreas are a crime-count file's borough codes by
	// unit name and the areas it has ensured.
	unitCodes  map[string]string
	countAreas map[countArea]bool
	levels     map[charter.Level]bool
	// changed are the force-months whose counted stops this import changed,
	// for the announcement after commit.
	changed []charter.ForceMonth
	// carry are the stops added, kept for the announcement until there are
	// more than carryMax or nobody follows the store (then nil, and
	// carryOff set); alone are the
	// force-months whose counted stops are this import's only.
	carry    [][]charter.Stop
	carried  int
	carryOff bool
	alone    map[charter.ForceMonth]bool
}

// carryMax bounds the stops an import keeps in memory for the announcement
// of its commit (about 300 bytes each). A larger import announces its
// force-months only, and followers read them back.
const carryMax = 200_000

type batchKey struct {
	force string
	month charter.Month
}

// ImportedAs returns the import already holding a source with this kind and
// checksum, or nil. Importers skip such sources: re-import adds nothing.
func (s *Store) ImportedAs(ctx context.Context, kind charter.ImportKind, checksum string) (*charter.Import, error) {
	var imp charter.Import
	var started, finished int64
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, source, checksum, format, coverage, rows, rejects, started_at, finished_at
		FROM imports WHERE kind = $1 AND checksum = $2`, string(kind), checksum).
		Scan(&imp.ID, &imp.Kind, &imp.Source, &imp.Checksum, &imp.Format, &imp.Coverage, &imp.Rows, &imp.Rejects, &started, &finished)
	if err != nil {
		if isNoRows(err) {
			return nil, nil
		}
		return nil, err
	}
	imp.StartedAt, imp.FinishedAt = time.Unix(started, 0).UTC(), time.Unix(finished, 0).UTC()
	return &imp, nil
}

// BeginImport opens the transaction for one source and records the import.
// imp.ID is set. If the same source (kind and checksum) is already stored,
// it fails with ECONFLICT.
func (s *Store) BeginImport(ctx context.Context, imp *charter.Import) (*ImportTx, error) {
	t, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.placementLock(t, imp.Kind); err != nil {
		t.rollback()
		return nil, err
	}
	if err := t.pageCacheFor(imp.Kind); err != nil {
		t.rollback()
		return nil, err
	}
	var n int
	if err := t.queryRow(`SELECT count(*) FROM imports WHERE kind = $1 AND checksum = $2`, string(imp.Kind), imp.Checksum).Scan(&n); err != nil {
		t.rollback()
		return nil, err
	}
	if n > 0 {
		t.rollback()
		return nil, charter.Errorf(charter.ECONFLICT, "%s is already imported", imp.Source)
	}
	if imp.StartedAt.IsZero() {
		imp.StartedAt = time.Now()
	}
	err = t.queryRow(`INSERT INTO imports (kind, source, checksum, format, coverage, started_at, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		string(imp.Kind), imp.Source, imp.Checksum, imp.Format, string(imp.Coverage), imp.StartedAt.Unix()).Scan(&imp.ID)
	if err != nil {
		t.rollback()
		return nil, fmt.Errorf("record import: %w", err)
	}
	x := &ImportTx{s: s, t: t, imp: imp, pending: map[vocabKey]int64{}, batches: map[batchKey]int{},
		popSeen: map[string]bool{}, levels: map[charter.Level]bool{}}
	// A subscriber that comes later reads this import's months back.
	x.carryOff = !s.followed()
	if s.pool == nil {
		x.idRanges = map[batchKey][2]int64{}
	}
	// The largest stop id now: this import's stops come after it (the max
	// of a primary key is one index probe on both engines).
	if err := t.queryRow(`SELECT COALESCE(max(id), 0) FROM stops`).Scan(&x.stopFloor); err != nil {
		t.rollback()
		return nil, err
	}
	// Read under the placement lock (or SQLite's one writer): no boundary
	// import can commit between this and this file's commit.
	if err := t.queryRow(areaGenerationSQL).Scan(&x.areaGen); err != nil {
		t.rollback()
		return nil, err
	}
	return x, nil
}

// placementLockKey is the PostgreSQL advisory lock that orders boundary
// imports against record imports (the migrator's lock is 72381001).
const placementLockKey = 72381002

// placementLock keeps placement from being lost between processes: a
// boundary import re-places the records committed before it, and a record
// import places its records with the boundaries committed before it, so
// the two must not overlap. On PostgreSQL a boundary import holds the lock
// alone and record imports hold it shared, until their commits; SQLite's
// write transactions are already one at a time (BEGIN IMMEDIATE).
func (s *Store) placementLock(t *tx, kind charter.ImportKind) error {
	if s.pool == nil {
		return nil
	}
	var q string
	switch kind {
	case charter.KindBoundaries:
		q = fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, placementLockKey)
	case charter.KindStops, charter.KindStreetCrime:
		q = fmt.Sprintf(`SELECT pg_advisory_xact_lock_shared(%d)`, placementLockKey)
	default:
		return nil
	}
	_, err := t.exec(q)
	return err
}

// SQLite's writer keeps a page cache of writerCacheKiB, but an import that
// only appends rows (stops, street crimes) runs with appendCacheKiB. An
// append touches the table's last pages alone, and with the large cache
// every page it filled stayed cached, each newly allocated: the 13 archive
// months ran 10% faster with the small one (the B-tree inserts and the
// commits took a third less). A crime-count file does the opposite, adding
// to an index all over: with the small cache the demo import took 13.6 s
// instead of 12.0.
const (
	writerCacheKiB = 64 << 10
	appendCacheKiB = 8 << 10
)

// pageCacheFor sizes the writer's page cache for an import of kind (see
// appendCacheKiB). It is set at every import, not remembered: database/sql
// may open the writer's connection again, at the size the DSN gives.
func (t *tx) pageCacheFor(kind charter.ImportKind) error {
	if t.pgTx != nil {
		return nil
	}
	q := fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)
	if kind == charter.KindStops || kind == charter.KindStreetCrime {
		q = fmt.Sprintf("PRAGMA cache_size = -%d", appendCacheKiB)
	}
	_, err := t.exec(q)
	return err
}

// areaGenerationSQL is the store's boundary generation: the latest
// boundary import, which changes whenever boundaries can have changed.
const areaGenerationSQL = `SELECT COALESCE(max(id), 0) FROM imports WHERE kind = 'boundaries'`

// AreaGeneration is the boundary generation as this import's transaction
// sees it: a record import places its records with the boundaries of this
// generation, rebuilding its spatial index if it was built from another.
func (x *ImportTx) AreaGeneration() int64 { return x.areaGen }

// AreaGeneration is the boundary generation committed now (any process).
func (s *Store) AreaGeneration(ctx context.Context) (int64, error) {
	var g int64
	err := s.db.QueryRowContext(ctx, areaGenerationSQL).Scan(&g)
	return g, err
}

// vocabID returns the id of a label, adding it inside this transaction if new.
func (x *ImportTx) vocabID(field, label, code string) (any, error) {
	if label == "" {
		return nil, nil
	}
	if id, ok := x.s.vocab.lookup(field, label); ok {
		return id, nil
	}
	k := vocabKey{field, label}
	if id, ok := x.pending[k]; ok {
		return id, nil
	}
	// Another process may have added the label since this one loaded the
	// vocabulary (two imports side by side, or an import beside a server):
	// then its row is the label's.
	var id int64
	err := x.t.queryRow(`INSERT INTO vocab (field, label, code) VALUES ($1, $2, $3)
		ON CONFLICT (field, label) DO NOTHING RETURNING id`, field, label, code).Scan(&id)
	if isNoRows(err) {
		err = x.t.queryRow(`SELECT id FROM vocab WHERE field = $1 AND label = $2`, field, label).Scan(&id)
	}
	if err != nil {
		return nil, fmt.Errorf("add %s %q: %w", field, label, err)
	}
	x.pending[k] = id
	x.newVocab = append(x.newVocab, vocabEntry{id, field, label, code})
	return id, nil
}

var stopColumns = stopColumnsArray[:]

// StopRow is a stop encoded as the values of one stops row. EncodeStop makes
// it on any goroutine (it reads only the committed vocabulary), so an import
// can encode on the reader's core while the writer inserts.
type StopRow struct {
	vals  [len(stopColumnsArray)]any
	key   batchKey
	ready bool // false: a label is new to the store and only AddStopRows can add it
}

var stopColumnsArray = [...]string{"import_id", "source_row", "force", "month", "active", "occurred_at", "local_minute",
	"type_id", "operation", "operation_name", "latitude", "longitude", "street_id", "street_name",
	"gender_id", "age_id", "self_eth_id", "officer_eth_id", "legislation_id", "object_id", "outcome_id",
	"outcome_linked", "removal",
	"borough_id", "ward_id", "msoa_id", "lsoa_id"}

// EncodeStop encodes a validated stop (areas assigned) for AddStopRows. It
// is safe to call concurrently with the transaction's other methods. st
// must not change until AddStopRows has taken the row, nor its Location
// ever: the announcement of the commit carries it.
func (x *ImportTx) EncodeStop(st *charter.Stop, row *StopRow) {
	row.ready = x.encode(st, row, func(field, label, code string) (any, error) {
		if label == "" {
			return nil, nil
		}
		if id, ok := x.s.vocab.lookup(field, label); ok {
			return id, nil
		}
		return nil, errNewLabel
	}) == nil
}

var errNewLabel = errors.New("new label")

// AddStopRows stores rows made by EncodeStop, row i of stops[i]; rows not
// Ready are encoded here, adding their new labels. The stops are kept for
// the announcement as they are, not copied one by one (kept true): the
// caller must then not reuse stops. The reader that fills them is on the
// other core, and copying each stop was work on the writer's, which is the
// import's slower half.
func (x *ImportTx) AddStopRows(stops []charter.Stop, rows []StopRow) (kept bool, err error) {
	for i := range rows {
		row := &rows[i]
		if !row.ready {
			if err := x.encode(&stops[i], row, x.vocabID); err != nil {
				return false, err
			}
		}
		if err := x.addRow(row); err != nil {
			return false, err
		}
	}
	switch {
	case x.carryOff:
		return false, nil
	case x.carried+len(stops) > carryMax:
		x.carry, x.carryOff = nil, true
		return false, nil
	}
	x.carry = append(x.carry, stops)
	x.carried += len(stops)
	return true, nil
}

// addRow stores an encoded row.
func (x *ImportTx) addRow(row *StopRow) error {
	if x.stops == nil {
		x.stops = x.t.bulk("stops", stopColumns...).bind("import_id", "month")
	}
	x.batches[row.key]++
	x.imp.Rows++
	x.noteID(row.key)
	return x.stops.add(row.vals[:]...)
}

// carryChunk is the stops of one chunk of carry.
const carryChunk = 4096

// keep copies a stop added for the announcement, until there are too many.
func (x *ImportTx) keep(st *charter.Stop) {
	switch {
	case x.carryOff:
		return
	case x.carried == carryMax:
		x.carry, x.carryOff = nil, true
		return
	case len(x.carry) == 0 || len(x.carry[len(x.carry)-1]) == cap(x.carry[len(x.carry)-1]):
		x.carry = append(x.carry, make([]charter.Stop, 0, carryChunk))
	}
	last := &x.carry[len(x.carry)-1]
	*last = append(*last, *st)
	x.carried++
}

// AddStop stores a validated stop (with its areas already assigned), adding
// any label new to the store. The stop is copied, but its Location must not
// change afterwards: the announcement of the commit carries it.
func (x *ImportTx) AddStop(st *charter.Stop) error {
	var row StopRow
	if err := x.encode(st, &row, x.vocabID); err != nil {
		return err
	}
	x.keep(st)
	return x.addRow(&row)
}

func (x *ImportTx) encode(st *charter.Stop, row *StopRow, vocabID func(field, label, code string) (any, error)) error {
	var ids [8]any
	for i, f := range [...]struct{ field, label, code string }{
		{fType, st.Type, ""}, {fGender, st.Gender, ""}, {fAge, st.AgeRange, ""},
		{fSelfEth, st.SelfDefinedEthnicity, selfCode(st.SelfDefinedEthnicity)},
		{fOfficerEth, st.OfficerDefinedEthnicity, ""}, {fLegislation, st.Legislation, ""},
		{fObject, st.ObjectOfSearch, ""}, {fOutcome, st.Outcome, st.OutcomeID},
	} {
		id, err := vocabID(f.field, f.label, f.code)
		if err != nil {
			return err
		}
		ids[i] = id
	}
	var lat, lng, streetID, streetName any
	if l := st.Location; l != nil {
		lat, lng = l.Latitude, l.Longitude
		if l.StreetID != 0 {
			streetID = l.StreetID
		}
		if l.StreetName != "" {
			streetName = l.StreetName
		}
	}
	var opName any
	if st.OperationName != "" {
		opName = st.OperationName
	}
	local := st.Datetime.In(charter.London)
	row.key = batchKey{st.Force, st.Month}
	row.vals = [...]any{x.imp.ID, int64(st.SourceRow), st.Force, boxedMonth(st.Month), int64(1),
		st.Datetime.Unix(), minuteBoxes[local.Hour()*60+local.Minute()],
		ids[0], tri(st.Operation), opName, lat, lng, streetID, streetName,
		ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7],
		tri(st.OutcomeLinked), tri(st.Removal),
		areaID(st.Areas[charter.LevelBorough]), areaID(st.Areas[charter.LevelWard]),
		areaID(st.Areas[charter.LevelMSOA]), areaID(st.Areas[charter.LevelLSOA])}
	return nil
}

// Every numeric column of a stop's row is an interface value, and putting
// an int64 of 256 or more into one allocates: about ten allocations a row,
// the largest part of an import's garbage. The minute of the day and the
// month, the same in many rows, come from tables boxed once.
var (
	minuteBoxes = func() (b [24 * 60]any) {
		for i := range b {
			b[i] = int64(i)
		}
		return b
	}()
	// monthBoxes holds the months of 2000 to 2099 as YYYYMM.
	monthBoxes = func() (b [100 * 12]any) {
		for i := range b {
			b[i] = int64((2000+i/12)*100 + i%12 + 1)
		}
		return b
	}()
)

// boxedMonth is m as YYYYMM in an interface value, from monthBoxes when it
// is there.
func boxedMonth(m charter.Month) any {
	v := m.YYYYMM()
	if i := (v/100-2000)*12 + v%100 - 1; v/100 >= 2000 && i < len(monthBoxes) {
		return monthBoxes[i]
	}
	return int64(v)
}

func selfCode(label string) string {
	e, _ := charter.LookupSelfDefined(label)
	return e.Code
}

func tri(t charter.Tristate) any {
	switch t {
	case charter.True:
		return int64(1)
	case charter.False:
		return int64(0)
	}
	return nil
}

func areaID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Commit writes what is buffered, settles which source counts for each
// force-month touched, commits, and announces the change to the store's
// subscribers (the read model) before it returns.
func (x *ImportTx) Commit() error {
	announced, err := x.CommitAnnouncing()
	if err == nil {
		announced()
	}
	return err
}

// CommitAnnouncing is Commit returning as soon as the transaction has
// committed: the change is announced in the background, and announced
// returns once it has been. Announcements still follow commit order (the
// store's next commit waits for this one's), so an importer of many files
// reads and writes the next file while the read model follows this one,
// on the core the reader leaves free between files, and waits for the last
// before it says the import is done.
func (x *ImportTx) CommitAnnouncing() (announced func(), err error) {
	defer x.t.rollback()
	for _, b := range []*bulk{x.stops, x.streets, x.counts, x.pop} {
		if b != nil {
			if err := b.flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := x.settleBatches(); err != nil {
		return nil, err
	}
	if err := x.replaceStreetCrimes(); err != nil {
		return nil, err
	}
	x.imp.FinishedAt = time.Now()
	if _, err := x.t.exec(`UPDATE imports SET rows = $1, rejects = $2, finished_at = $3 WHERE id = $4`,
		int64(x.imp.Rows), int64(x.imp.Rejects), x.imp.FinishedAt.Unix(), x.imp.ID); err != nil {
		return nil, err
	}
	x.s.own.add(x.imp.ID) // before it is visible, so Watch never takes it for another's
	// Announcements follow commit order (see Change.Carried): orderMu is
	// held from the commit to the end of the announcement.
	x.s.orderMu.Lock()
	if err := x.t.commit(); err != nil {
		x.s.orderMu.Unlock()
		return nil, fmt.Errorf("commit %s: %w", x.imp.Source, err)
	}
	x.s.vocab.merge(x.newVocab)
	if len(x.levels) > 0 {
		x.s.areasChanged()
	}
	c := charter.Change{Stops: x.changed, Areas: len(x.levels) > 0,
		StreetCrimes: x.streets != nil, CrimeCounts: len(x.taken) > 0, Population: x.pop != nil, Imports: []int64{x.imp.ID}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer x.s.orderMu.Unlock()
		// The carried stops are sorted out and counted here, beside the
		// next file's start, not before the writer can begin it (about
		// 2 ms an archive month). Nothing changes x once it has committed.
		c.CarriedMonths, c.Carried = x.carriedStops()
		c.CarriedCounts = x.carriedCounts(c.CarriedMonths, c.Carried)
		x.s.announceInOrder(c)
	}()
	return func() { <-done }, nil
}

// carriedStops returns the force-months of the change whose counted stops
// are this import's alone, and those stops.
func (x *ImportTx) carriedStops() ([]charter.ForceMonth, [][]charter.Stop) {
	if x.carryOff {
		return nil, nil
	}
	var fms []charter.ForceMonth
	for _, fm := range x.changed {
		if x.alone[fm] {
			fms = append(fms, fm)
		}
	}
	if len(fms) == 0 {
		return nil, nil
	}
	if len(fms) == len(x.batches) {
		return fms, x.carry // every force-month added is carried
	}
	var out [][]charter.Stop
	for _, chunk := range x.carry {
		out = append(out, slices.DeleteFunc(chunk, func(st charter.Stop) bool {
			return !x.alone[charter.ForceMonth{Force: st.Force, Month: st.Month}]
		}))
	}
	return fms, out
}

// carriedCounts counts the carried stops of each carried force-month as
// monthCounts counts the stored rows (monthCountsSelect), so that a
// follower need not read them back: that read was a sixth of CSV → rates.
// The import's batch is the only one counted in those months, so its
// source and coverage are theirs.
func (x *ImportTx) carriedCounts(fms []charter.ForceMonth, carried [][]charter.Stop) []charter.MonthCounts {
	if len(fms) == 0 {
		return nil
	}
	out := make([]charter.MonthCounts, len(fms))
	tris := make([][3]charter.TristateCounts, len(fms))
	at := make(map[charter.ForceMonth]int, len(fms))
	for i, fm := range fms {
		at[fm] = i
		out[i] = charter.MonthCounts{Force: fm.Force, Month: fm.Month, Sources: []string{x.imp.Source},
			Coverage: coverageOf(map[string]bool{string(x.imp.Coverage): true})}
	}
	for _, chunk := range carried {
		for j := range chunk {
			st := &chunk[j]
			i := at[charter.ForceMonth{Force: st.Force, Month: st.Month}]
			c := &out[i]
			c.Count++
			if st.Location != nil {
				c.Located++
			}
			if st.SelfDefinedEthnicity == "" || selfCode(st.SelfDefinedEthnicity) == "NS" {
				c.NotStated++
			}
			if local := st.Datetime.In(charter.London); local.Hour() == 0 && local.Minute() == 0 {
				c.Midnight++
			}
			for k, v := range [...]charter.Tristate{st.Operation, st.OutcomeLinked, st.Removal} {
				switch v {
				case charter.True:
					tris[i][k].True++
				case charter.False:
					tris[i][k].False++
				}
			}
		}
	}
	for i := range out {
		c := &out[i]
		c.Tristates = map[string]charter.TristateCounts{}
		for k, f := range [...]string{charter.FieldOperation, charter.FieldOutcomeLinked, charter.FieldRemoval} {
			t := tris[i][k]
			c.Tristates[f] = charter.TristateCounts{True: t.True, False: t.False, Unknown: c.Count - t.True - t.False}
		}
	}
	return out
}

// Rollback abandons the import. It is safe to call after Commit.
func (x *ImportTx) Rollback() { x.t.rollback() }

// settleBatches records this import's force-months and, where another source
// already covers one, decides which counts (see chooseBatches).
func (x *ImportTx) settleBatches() error {
	keys := make([]charter.ForceMonth, 0, len(x.batches))
	for k := range x.batches {
		keys = append(keys, charter.ForceMonth{Force: k.force, Month: k.month})
	}
	charter.SortForceMonths(keys)
	x.changed, x.alone = nil, map[charter.ForceMonth]bool{}
	ranges, err := x.batchRanges()
	if err != nil {
		return err
	}
	forces := map[string]bool{}
	for _, fm := range keys {
		k := batchKey{fm.Force, fm.Month}
		if !forces[k.force] {
			forces[k.force] = true
			if err := x.ensureArea(charter.LevelForce, k.force, charter.ForceName(k.force), ""); err != nil {
				return err
			}
		}
		rg := ranges[k]
		if _, err := x.t.exec(`INSERT INTO stop_batches (import_id, force, month, coverage, rows, active, first_id, last_id) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)`,
			x.imp.ID, k.force, int64(k.month.YYYYMM()), string(x.imp.Coverage), int64(x.batches[k]), rg[0], rg[1]); err != nil {
			return err
		}
		var bs []batch
		err := x.t.query(`SELECT import_id, coverage, rows, active FROM stop_batches WHERE force = $1 AND month = $2`, func(r scanner) error {
			var b batch
			var active int64
			if err := r.Scan(&b.importID, &b.coverage, &b.rows, &active); err != nil {
				return err
			}
			b.active = active == 1
			bs = append(bs, b)
			return nil
		}, k.force, int64(k.month.YYYYMM()))
		if err != nil {
			return err
		}
		if len(bs) < 2 {
			x.changed = append(x.changed, fm)
			x.alone[fm] = true
			continue
		}
		// The counted set changes if this import's batch counts (it was
		// inserted active) or if an earlier batch is switched either way; a
		// batch that loses from the start changes nothing counted.
		win := chooseBatches(bs)
		counted, others := false, false
		for _, b := range bs {
			want, mine := win[b.importID], b.importID == x.imp.ID
			counted = counted || mine && want
			others = others || !mine && want
			if want == b.active {
				continue
			}
			counted = counted || !mine
			a := int64(0)
			if want {
				a = 1
			}
			if _, err := x.t.exec(`UPDATE stop_batches SET active = $1 WHERE import_id = $2 AND force = $3 AND month = $4`, a, b.importID, k.force, int64(k.month.YYYYMM())); err != nil {
				return err
			}
			if _, err := x.t.exec(`UPDATE stops SET active = $1 WHERE import_id = $2 AND force = $3 AND month = $4`, a, b.importID, k.force, int64(k.month.YYYYMM())); err != nil {
				return err
			}
		}
		if counted {
			x.changed = append(x.changed, fm)
			x.alone[fm] = win[x.imp.ID] && !others
		}
	}
	return nil
}

// batchRanges finds the first and last stop id of each of this import's
// batches. Its rows were all added after stopFloor, the largest id before
// it began, so only they are read (by primary key), not the table.
func (x *ImportTx) batchRanges() (map[batchKey][2]int64, error) {
	if r, ok := x.computedRanges(); ok {
		return r, nil
	}
	out := map[batchKey][2]int64{}
	if len(x.batches) == 0 {
		return out, nil
	}
	err := x.t.query(`SELECT force, month, min(id), max(id) FROM stops WHERE id > $1 AND import_id = $2 GROUP BY force, month`,
		func(r scanner) error {
			var k batchKey
			var month, lo, hi int64
			if err := r.Scan(&k.force, &month, &lo, &hi); err != nil {
				return err
			}
			k.month = charter.MonthFromYYYYMM(int(month))
			out[k] = [2]int64{lo, hi}
			return nil
		}, x.stopFloor, x.imp.ID)
	return out, err
}

type batch struct {
	importID int64
	coverage string
	rows     int
	active   bool
}

// chooseBatches decides which sources count for one force-month, so that no
// search is counted twice when two sources hold it: the force's own
// first-hand records beat every published file; a source holding all
// stops (archive CSV, stops-force) beats partial ones, and among equals the
// one with more records (the more complete download) wins, the later import
// on a tie. Without a complete source, the best located-only and the best
// unlocated-only sources count together, as stops-street plus
// stops-no-location make up stops-force.
func chooseBatches(bs []batch) map[int64]bool {
	best := map[string]batch{}
	for _, b := range bs {
		cur, ok := best[b.coverage]
		if !ok || b.rows > cur.rows || b.rows == cur.rows && b.importID > cur.importID {
			best[b.coverage] = b
		}
	}
	win := map[int64]bool{}
	if b, ok := best[string(charter.CoverFirstHand)]; ok {
		win[b.importID] = true
		return win
	}
	if b, ok := best[string(charter.CoverAll)]; ok {
		win[b.importID] = true
		return win
	}
	for _, c := range []charter.Coverage{charter.CoverLocated, charter.CoverUnlocated} {
		if b, ok := best[string(c)]; ok {
			win[b.importID] = true
		}
	}
	return win
}
