package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is how many SQLite commits pass between background
// checkpoints of the write-ahead log; a transaction that took longer than
// checkpointLong (an import's file) wakes it at once. Woken by a long one,
// the checkpointer waits until the writer has been quiet for
// checkpointQuiet, and no longer than checkpointMaxWait.
const (
	checkpointEvery   = 64
	checkpointLong    = 50 * time.Millisecond
	checkpointQuiet   = 100 * time.Millisecond
	checkpointMaxWait = 2 * time.Second
)

// checkpointer copies SQLite's write-ahead log into the database in the
// background, on a connection of its own, so that no writer pays for it.
// Left to SQLite's automatic checkpoint, the commit that crossed the
// threshold copied the whole log while every queued writer waited: with 32
// officers submitting at once, one request in a hundred took 150 ms instead
// of 45. So the writer's automatic checkpoint is off (wal_autocheckpoint=0)
// and a passive checkpoint runs here instead, beside the writer and the
// readers without blocking them, after every 64 commits and after any long
// transaction (an import's file), which keeps the log as short as the
// automatic checkpoint did.
//
// After a long transaction it waits for a pause in the writing before it
// copies: an import of many files commits one after another, and a
// checkpoint after each commit took the second core just when the next
// file's reader needed it, leaving the writer waiting for its first rows
// (about 5 ms a file, 13 files of a 1-second import). Under writing that
// never pauses it copies every checkpointMaxWait, which bounds the log at
// what one writer adds in two seconds (about 60 MB at an import's pace).
// Short transactions (recorded searches, each a few pages) are copied after
// every 64 without waiting: there a longer log only made each copy, and the
// writers' slowest answers, longer.
type checkpointer struct {
	db      *sql.DB
	wake    chan struct{}
	done    chan struct{}
	closing chan struct{} // closed by close: a waiting checkpoint goes at once
	n       int           // commits since the last wake; guarded by the writer queue
	last    atomic.Int64  // when the last commit ended, in Unix nanoseconds
	long    atomic.Bool   // the wake came from a long transaction
	once    sync.Once
}

func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite for checkpoints: %w", err)
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{}), closing: make(chan struct{})}
	go func() {
		defer close(c.done)
		for range c.wake {
			if c.long.Swap(false) {
				c.quiet()
			}
			// A failure (the database busy with a backup) only means the log
			// stays longer; the next wake or the automatic checkpoint copies it.
			c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}()
	return c, nil
}

// quiet returns once no commit has ended for checkpointQuiet, or
// checkpointMaxWait after it was called, or when the store closes.
func (c *checkpointer) quiet() {
	deadline := time.Now().Add(checkpointMaxWait)
	for {
		now := time.Now()
		wait := time.Unix(0, c.last.Load()).Add(checkpointQuiet).Sub(now)
		if left := deadline.Sub(now); left < wait {
			wait = left
		}
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-c.closing:
			t.Stop()
			return
		}
	}
}

// committed counts a commit of a transaction that took took, waking the
// checkpointer every checkpointEvery commits or after a long one. It is
// called with the writer queue held, so n needs no lock of its own.
func (c *checkpointer) committed(took time.Duration) {
	if c == nil {
		return
	}
	c.last.Store(time.Now().UnixNano())
	if c.n++; c.n >= checkpointEvery || took > checkpointLong {
		c.n = 0
		if took > checkpointLong {
			c.long.Store(true)
		}
		select {
		case c.wake <- struct{}{}:
		default: // one is already running or pending
		}
	}
}

// close stops the checkpointer; closing a store twice closes it once.
func (c *checkpointer) close() {
	if c == nil {
		return
	}
	c.once.Do(func() {
		close(c.closing)
		close(c.wake)
		<-c.done
		c.db.Close()
	})
}
