// Package store keeps Charter's single truth in SQL: embedded SQLite by
// default, PostgreSQL when a deployment outgrows one machine. Both run the same
// SQL text wherever the dialects agree ($1 placeholders, ON CONFLICT,
// RETURNING); bulk loads use multi-row INSERT on SQLite and COPY on PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/stopsearch/charter"
)

// Dialect names the SQL engine behind a Store.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the SQL store. It is safe for concurrent use; writes are
// serialised (SQLite allows one writer; imports take a transaction each).
type Store struct {
	dialect Dialect
	file    string // the SQLite database's path; empty on PostgreSQL
	// db reads. On SQLite it is a pool of read connections; on PostgreSQL
	// it is the only pool and also writes.
	db *sql.DB
	// w writes. On SQLite it is a single connection, so writers queue in Go
	// instead of failing with SQLITE_BUSY.
	w *sql.DB
	// wq queues SQLite's writers in arrival order. database/sql hands a
	// released connection to a random waiter, so with many writers some
	// waited far longer than the rest (a p99 several times the p50); a
	// sync.Mutex hands over in FIFO order once waiters queue (its
	// starvation mode), so each writer waits for those before it only.
	wq sync.Mutex
	ck *checkpointer // SQLite only
	// stmts is the SQLite writer's statement cache (tx.go), guarded by wq.
	stmts map[string]*sql.Stmt
	// raw are the bulk inserts prepared on the writer's connection
	// (rawexec.go).
	raw rawStmts
	// pool is the pgx pool behind db on PostgreSQL (nil on SQLite).
	pool  *pgxpool.Pool
	vocab *vocab

	areaVersion atomic.Int64

	// orderMu is held from an import's commit to the end of its
	// announcement, and by every other announcement, so that subscribers
	// hear of changes in the order they committed in this process: a
	// change carries the rows it wrote (charter.Change.Carried), and those
	// are only current if no later commit was followed first.
	orderMu sync.Mutex
	subMu   sync.Mutex
	subs    []subscriber // in the order they subscribed
	subSeq  int
	// commits counts announced changes, so a follower can tell whether it
	// missed one between loading and subscribing.
	commits atomic.Int64

	// own holds the imports this process committed (for Watch).
	own ownImports

	// MonthCounts' answer, kept until the next announced commit.
	monthMu    sync.Mutex
	monthCache []charter.MonthCounts
	monthAt    int64
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the store named by dsn (a SQLite file path, or a postgres:// URL)
// and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{}
	var err error
	if IsPostgres(dsn) {
		s.dialect = Postgres
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, charter.Errorf(charter.EINVALID, "bad database URL %s: %v", redact(dsn), err)
		}
		if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// One pool serves database/sql readers and pgx writers (COPY).
		s.db = stdlib.OpenDBFromPool(s.pool)
		s.w = s.db
	} else {
		s.dialect = SQLite
		if err := s.openSQLite(dsn); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, &charter.Error{Code: charter.EINVALID, Message: "cannot open database " + redact(dsn), Err: err}
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if s.vocab, err = loadVocab(ctx, s.db); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) openSQLite(path string) error {
	s.file = path
	s.stmts = map[string]*sql.Stmt{}
	// WAL lets readers run beside the one writer; busy_timeout makes a second
	// process wait rather than fail; synchronous=NORMAL is durable in WAL mode
	// except for the last transactions on power loss, the usual trade-off;
	// the log is copied into the database by the checkpointer, not by the
	// writer (checkpoint.go). The writer keeps its statement journals in
	// memory (temp_store): a multi-row insert into a table with constraints
	// saves the pages it changes, in case it fails part-way, and on disk that
	// was a write call for each page (a third of a crime-count file's import).
	q := "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=cache_size(-" + strconv.Itoa(writerCacheKiB) + ")&_pragma=wal_autocheckpoint(0)&_pragma=mmap_size(2147418112)&_txlock=immediate"
	var err error
	if s.w, err = sql.Open("sqlite", "file:"+path+q+"&_pragma=temp_store(MEMORY)"); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	s.w.SetMaxOpenConns(1)
	if s.db, err = sql.Open("sqlite", "file:"+path+q+"&mode=ro"); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	s.db.SetMaxOpenConns(4)
	if s.ck, err = newCheckpointer("file:" + path + q); err != nil {
		return err
	}
	// The read pool opens read-only, so the file must exist first; the writer
	// creates it.
	if err := s.w.Ping(); err != nil {
		return &charter.Error{Code: charter.EINVALID, Message: "cannot open database " + path + " (does its folder exist and can it be written?)", Err: err}
	}
	return nil
}

// Dialect reports the engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the read pool, for tests that compare with direct SQL.
func (s *Store) DB() *sql.DB { return s.db }

// Close releases the connections.
func (s *Store) Close() error {
	s.ck.close()
	s.raw.close()
	if s.db != nil && s.db != s.w {
		s.db.Close()
	}
	var err error
	if s.w != nil {
		err = s.w.Close()
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return err
}

// OnCommit registers fn to receive every change a write commits, from then
// on, and returns the function that cancels it. This is how what is derived
// from the store (the analytic index, the crime index) stays current in the
// same process. fn runs after the commit, outside any transaction: on the
// goroutine that committed, before Commit returns, so a caller that has
// committed sees its write followed; or, for an import committed with
// ImportTx.CommitAnnouncing, on a goroutine of its own, in commit order,
// before its announced function has returned. So fn must not block for
// long, and may run concurrently with itself when writers commit
// concurrently (PostgreSQL); it must not modify the change, which all
// subscribers share. Rolled-back writes are not announced, nor writes that changed nothing
// and committed no import.
func (s *Store) OnCommit(fn func(charter.Change)) (cancel func()) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	s.subSeq++
	id := s.subSeq
	s.subs = append(s.subs, subscriber{id, fn})
	return func() {
		s.subMu.Lock()
		defer s.subMu.Unlock()
		s.subs = slices.DeleteFunc(slices.Clone(s.subs), func(sub subscriber) bool { return sub.id == id })
	}
}

// followed reports whether anything subscribes to the store's changes: an
// import keeps its stops for the announcement only then (a `charter import`
// has no read model to carry them to).
func (s *Store) followed() bool {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	return len(s.subs) > 0
}

type subscriber struct {
	id int
	fn func(charter.Change)
}

// Commits counts the changes announced so far. A follower reads it before
// loading and again after subscribing: if it moved, a write committed in
// between and was neither loaded nor announced to it.
func (s *Store) Commits() int64 { return s.commits.Load() }

// announce tells the subscribers about a committed change, in the order they
// subscribed.
func (s *Store) announce(c charter.Change) {
	s.orderMu.Lock()
	defer s.orderMu.Unlock()
	s.announceInOrder(c)
}

// announceInOrder is announce with orderMu held.
func (s *Store) announceInOrder(c charter.Change) {
	if c.Empty() && len(c.Imports) == 0 {
		return
	}
	s.commits.Add(1)
	s.subMu.Lock()
	subs := s.subs // cancel copies before deleting, so this stays intact
	s.subMu.Unlock()
	for _, sub := range subs {
		sub.fn(c)
	}
}

// redact hides a password in a database URL before it is shown.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
