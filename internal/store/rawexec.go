package store

import (
	"database/sql/driver"
	"fmt"
)

// SQLite's bulk inserts run on the driver's connection itself, not through
// database/sql: a 512-row insert binds about ten thousand values, and
// database/sql checked and copied each into a slice of its own before the
// driver bound it again (a tenth of an import's writer time, and most of its
// garbage). The statements stay prepared on that connection across
// transactions, as the writer's other statements do (tx.go).

// rawCacheSize bounds the bulk statements kept prepared: an import's files
// mostly share a few shapes (bulk.bound). When it is full, the statement
// used longest ago makes room. It once refused new ones instead, and the
// bundled data's import filled it with shapes used once (the early files',
// other kinds') and then prepared its commonest stop insert, 40 kB of SQL,
// afresh 162 times (about 2.5 ms a time).
const rawCacheSize = 64

// rawStmts are statements prepared on one driver connection of the writer.
type rawStmts struct {
	conn  any // the driver connection they belong to
	stmts map[string]*rawStmt
	tick  uint64 // counts uses, to find the one used longest ago
}

// rawStmt is a prepared statement and when it was last used.
type rawStmt struct {
	st   driver.Stmt
	used uint64
}

// close finalizes the statements (the store is closing, or their
// connection has gone).
func (r *rawStmts) close() {
	for _, e := range r.stmts {
		e.st.Close()
	}
	r.conn, r.stmts = nil, nil
}

// use marks e as used now.
func (r *rawStmts) use(e *rawStmt) {
	r.tick++
	e.used = r.tick
}

// keep caches st as q's statement, used now, first closing the statement
// used longest ago if the cache is full.
func (r *rawStmts) keep(q string, st driver.Stmt) {
	if len(r.stmts) >= rawCacheSize {
		oldest := ""
		for k, e := range r.stmts {
			if oldest == "" || e.used < r.stmts[oldest].used {
				oldest = k
			}
		}
		r.stmts[oldest].st.Close()
		delete(r.stmts, oldest)
	}
	e := &rawStmt{st: st}
	r.use(e)
	r.stmts[q] = e
}

// execRaw runs q with args on the transaction's connection and returns the
// last rowid inserted. keep caches the prepared statement for later
// transactions. The caller holds the writer queue, which guards the cache.
func (t *tx) execRaw(q string, args []driver.NamedValue, keep bool) (lastID int64, err error) {
	err = t.conn.Raw(func(dc any) error {
		c := &t.s.raw
		if c.conn != dc {
			c.close()
			c.conn, c.stmts = dc, map[string]*rawStmt{}
		}
		var st driver.Stmt
		if e := c.stmts[q]; e != nil {
			st = e.st
			c.use(e)
		} else {
			p, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("the SQLite driver cannot prepare with a context")
			}
			if st, err = p.PrepareContext(t.ctx, q); err != nil {
				return err
			}
			if keep {
				c.keep(q, st)
			} else {
				defer st.Close()
			}
		}
		ex, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("the SQLite driver cannot execute with a context")
		}
		res, err := ex.ExecContext(t.ctx, args)
		if err != nil {
			return err
		}
		lastID, err = res.LastInsertId()
		return err
	})
	return lastID, err
}

// appendValues appends vals as the statement's next arguments, converted as
// database/sql would (driver.DefaultParameterConverter: an int becomes an
// int64, a driver.Valuer its value).
func appendValues(nv []driver.NamedValue, vals ...any) ([]driver.NamedValue, error) {
	for _, v := range vals {
		if !driver.IsValue(v) {
			var err error
			if v, err = driver.DefaultParameterConverter.ConvertValue(v); err != nil {
				return nv, fmt.Errorf("argument %d: %w", len(nv)+1, err)
			}
		}
		nv = append(nv, driver.NamedValue{Ordinal: len(nv) + 1, Value: v})
	}
	return nv, nil
}
