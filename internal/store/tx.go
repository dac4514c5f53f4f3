package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// tx is one write transaction on either engine. Imports run through it so the
// same code writes SQLite (database/sql) and PostgreSQL (pgx, for COPY).
type tx struct {
	ctx    context.Context
	conn   *sql.Conn // SQLite: the writer's connection, for execRaw
	sqlTx  *sql.Tx
	pgTx   pgx.Tx
	stmts  map[string]*sql.Stmt
	closed bool
	unlock func() // releases SQLite's writer queue; nil on PostgreSQL
	ck     *checkpointer
	began  time.Time
	s      *Store   // SQLite: for its statement cache
	newQs  []string // SQLite: statements this transaction prepared that the cache lacks
}

func (s *Store) begin(ctx context.Context) (*tx, error) {
	t := &tx{ctx: ctx, stmts: map[string]*sql.Stmt{}}
	var err error
	if s.pool != nil {
		t.pgTx, err = s.pool.Begin(ctx)
	} else {
		s.wq.Lock()
		t.ck, t.began, t.s = s.ck, time.Now(), s
		if t.conn, err = s.w.Conn(ctx); err != nil {
			s.wq.Unlock()
		} else if t.sqlTx, err = t.conn.BeginTx(ctx, nil); err != nil {
			t.conn.Close()
			s.wq.Unlock()
		}
		t.unlock = func() {
			t.releaseConn()
			s.wq.Unlock()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return t, nil
}

func (t *tx) exec(q string, args ...any) (int64, error) {
	if t.pgTx != nil {
		tag, err := t.pgTx.Exec(t.ctx, q, args...)
		return tag.RowsAffected(), translate(err)
	}
	st, err := t.prepare(q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(t.ctx, args...)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

func (t *tx) prepare(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	if ps := t.s.stmts[q]; ps != nil {
		st := t.sqlTx.StmtContext(t.ctx, ps)
		t.stmts[q] = st
		return st, nil
	}
	st, err := t.sqlTx.PrepareContext(t.ctx, q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	t.newQs = append(t.newQs, q)
	return st, nil
}

// The SQLite writer's statement cache: statements prepared once on the one
// write connection and reused by every later transaction, instead of being
// parsed again in each (a recorded search runs seven short statements, and
// parsing was a fifth of its time). Statements an import builds for one
// batch (with its constants written in) are many and used once, so the
// cache is bounded.
const (
	stmtCacheSize = 256
	stmtCacheLen  = 4096 // longest statement text cached
)

// cacheStatements prepares, on the write connection, the statements this
// transaction used that the cache lacks. It runs after the commit, while the
// writer queue is still held, so the connection is idle and no one else
// can take it.
func (t *tx) cacheStatements() {
	for _, q := range t.newQs {
		if len(t.s.stmts) >= stmtCacheSize {
			return
		}
		if len(q) > stmtCacheLen {
			continue
		}
		if ps, err := t.s.w.PrepareContext(context.WithoutCancel(t.ctx), q); err == nil {
			t.s.stmts[q] = ps
		}
	}
}

// errRow is a row whose Scan fails with err (a statement that could not
// be prepared).
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type scanner interface{ Scan(dest ...any) error }

func (t *tx) queryRow(q string, args ...any) scanner {
	if t.pgTx != nil {
		return translated{t.pgTx.QueryRow(t.ctx, q, args...)}
	}
	st, err := t.prepare(q)
	if err != nil {
		return errRow{translate(err)}
	}
	return translated{st.QueryRowContext(t.ctx, args...)}
}

// translated is a row whose Scan error is in Charter's codes (translate):
// an INSERT … RETURNING that breaks a unique key is a conflict.
type translated struct{ row scanner }

func (r translated) Scan(dest ...any) error { return translate(r.row.Scan(dest...)) }

// query calls fn for each row.
func (t *tx) query(q string, fn func(scanner) error, args ...any) error {
	var rows interface {
		Next() bool
		Scan(dest ...any) error
		Err() error
	}
	if t.pgTx != nil {
		r, err := t.pgTx.Query(t.ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		rows = r
	} else {
		r, err := t.sqlTx.QueryContext(t.ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		rows = r
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t *tx) commit() error {
	t.closed = true
	for _, st := range t.stmts {
		st.Close()
	}
	if t.pgTx != nil {
		return translate(t.pgTx.Commit(t.ctx))
	}
	defer t.unlock()
	if err := t.sqlTx.Commit(); err != nil {
		return translate(err)
	}
	t.ck.committed(time.Since(t.began))
	// The writer has one connection: hand it back before preparing the
	// cache's statements on it.
	t.releaseConn()
	t.cacheStatements()
	return nil
}

// releaseConn returns the writer's connection to its pool (once).
func (t *tx) releaseConn() {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
	}
}

func (t *tx) rollback() {
	if t.closed {
		return
	}
	t.closed = true
	for _, st := range t.stmts {
		st.Close()
	}
	// The caller's context may be cancelled (an interrupted import): roll back anyway.
	if t.pgTx != nil {
		t.pgTx.Rollback(context.WithoutCancel(t.ctx))
		return
	}
	t.sqlTx.Rollback()
	t.unlock()
}

// bulk appends rows to one table: COPY on PostgreSQL, multi-row INSERT
// statements of up to bulkRows rows on SQLite (one statement per row costs
// several times more in the SQLite driver).
type bulk struct {
	t     *tx
	table string
	cols  []string
	buf   []any
	args  []any
	nv    []driver.NamedValue
	n     int
	// bound are the columns always bound, never written as literals: values
	// that differ from one import to the next (its id, a file's month), so
	// that the statement's text, and its prepared form, serve every file;
	// nil for bulks whose statements are not cached.
	bound []bool
	// lastID is the rowid SQLite gave the last row flushed (0 on
	// PostgreSQL), which lets an import check the ids it computed.
	lastID int64
	// lits, lastLits, lastN and lastQ: the literal columns of this batch and
	// of the last, with the last one's statement, whose text is used again
	// while they match (an archive file's batches mostly do): building the
	// text of a 512-row insert made a quarter of an import's garbage.
	lits, lastLits []string
	lastN          int
	lastQ          string
}

const bulkRows = 512

func (t *tx) bulk(table string, cols ...string) *bulk {
	return &bulk{t: t, table: table, cols: cols, buf: make([]any, 0, bulkRows*len(cols))}
}

// bind makes cols always bound (see bulk.bound), and the bulk's statements
// cached across transactions.
func (b *bulk) bind(cols ...string) *bulk {
	b.bound = make([]bool, len(b.cols))
	for i, c := range b.cols {
		b.bound[i] = slices.Contains(cols, c)
	}
	return b
}

// flushPow2 writes a file's last, partial batch as statements of
// power-of-two rows (256, 128, … the bits of the count), whose few shapes
// stay prepared from file to file, in the rows' order.
func (b *bulk) flushPow2() error {
	w, rest, n := len(b.cols), b.buf, b.n
	defer func() { b.buf, b.n = rest[:0], 0 }()
	for size := bulkRows / 2; size > 0; size /= 2 {
		if n&size == 0 {
			continue
		}
		b.buf, b.n = rest[len(rest)-n*w:len(rest)-(n-size)*w], size
		if err := b.flush(); err != nil {
			return err
		}
		n -= size
	}
	return nil
}

func (b *bulk) add(vals ...any) error {
	b.buf = append(b.buf, vals...)
	b.n++
	if b.t.pgTx == nil && b.n == bulkRows {
		return b.flush()
	}
	if b.t.pgTx != nil && b.n == 8192 {
		return b.flush()
	}
	return nil
}

func (b *bulk) flush() error {
	if b.n == 0 {
		return nil
	}
	if b.t.pgTx == nil && b.bound != nil && b.n < bulkRows && b.n&(b.n-1) != 0 {
		return b.flushPow2()
	}
	defer func() { b.buf, b.n = b.buf[:0], 0 }()
	if b.t.pgTx != nil {
		w := len(b.cols)
		rows := make([][]any, b.n)
		for i := range rows {
			rows[i] = b.buf[i*w : (i+1)*w : (i+1)*w]
		}
		_, err := b.t.pgTx.CopyFrom(b.t.ctx, pgx.Identifier{b.table}, b.cols, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("copy into %s: %w", b.table, translate(err))
		}
		// CopyFromRows keeps no reference after it returns, but the slices
		// alias buf, which is reused; give the next batch its own.
		b.buf = make([]any, 0, cap(b.buf))
		return nil
	}
	if b.n == 1 {
		return b.exec(insertSQL(b.table, b.cols, nil, 1), true, b.buf...)
	}
	// Columns whose value is the same in every row of the batch (NULL, the
	// import id, the force and month of an archive file, a field the force
	// never fills) are written as literals instead of bound per row: in the
	// SQLite driver every bound value costs a call under the connection
	// mutex, and this halves them for typical police files.
	// A bound column with one value in every row (the import's id, an
	// archive file's month) is bound once, in the first row, and the
	// others name that parameter (?N): two values fewer per row to bind.
	w := len(b.cols)
	if b.lits == nil {
		b.lits = make([]string, w)
	}
	lits := b.lits
	param := 0 // the first row's parameters, numbered as SQLite numbers them
	for c := 0; c < w; c++ {
		switch {
		case b.bound == nil || !b.bound[c]:
			lits[c] = literal(b.buf, c, w, b.n)
			if lits[c] == "" {
				param++
			}
		case sameInBatch(b.buf, c, w, b.n):
			param++
			lits[c] = "?" + strconv.Itoa(param)
		default:
			param++
			lits[c] = ""
		}
	}
	args := b.args[:0]
	for c := 0; c < w; c++ {
		if lits[c] == "" || lits[c][0] == '?' {
			args = append(args, b.buf[c])
		}
	}
	for r := 1; r < b.n; r++ {
		for c := 0; c < w; c++ {
			if lits[c] == "" {
				args = append(args, b.buf[r*w+c])
			}
		}
	}
	b.args = args
	if b.n != b.lastN || !slices.Equal(lits, b.lastLits) {
		b.lastQ, b.lastN = insertSQL(b.table, b.cols, lits, b.n), b.n
		b.lastLits = append(b.lastLits[:0], lits...)
	}
	return b.exec(b.lastQ, b.bound != nil, args...)
}

// exec runs one of the bulk's SQLite statements (see execRaw).
func (b *bulk) exec(q string, keep bool, args ...any) error {
	nv, err := appendValues(b.nv[:0], args...)
	b.nv = nv
	if err == nil {
		b.lastID, err = b.t.execRaw(q, nv, keep)
	}
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, translate(err))
	}
	return nil
}

// sameInBatch reports whether every row of the batch has the same value in
// column c.
func sameInBatch(buf []any, c, w, n int) bool {
	v0 := buf[c]
	for r := 1; r < n; r++ {
		if buf[r*w+c] != v0 {
			return false
		}
	}
	return true
}

// literal returns the SQL literal of column c if every row of the batch has
// the same simple value there, or "" if the column must be bound.
func literal(buf []any, c, w, n int) string {
	if !sameInBatch(buf, c, w, n) {
		return ""
	}
	switch v := buf[c].(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		if len(v) <= 64 && isPlain(v) {
			return "'" + v + "'"
		}
	}
	return ""
}

// isPlain reports whether s can be written inside a SQL string literal as is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == ' ' || c == '_') {
			return false
		}
	}
	return true
}

// insertSQL is a multi-row INSERT with one placeholder per bound value and
// the literals of lits (nil: bind everything). A column whose lits entry is
// a parameter ("?N") is bound once, as the first row's parameter N, which
// the later rows name: SQLite numbers each "?" one past the largest number
// given so far, so naming an earlier one leaves the numbering as it was.
func insertSQL(table string, cols, lits []string, rows int) string {
	var first, later strings.Builder
	for _, b := range []*strings.Builder{&first, &later} {
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			switch {
			case lits == nil || lits[c] == "" || b == &first && lits[c][0] == '?':
				b.WriteByte('?')
			default:
				b.WriteString(lits[c])
			}
		}
		b.WriteByte(')')
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	sb.WriteString(first.String())
	for i := 1; i < rows; i++ {
		sb.WriteByte(',')
		sb.WriteString(later.String())
	}
	return sb.String()
}
