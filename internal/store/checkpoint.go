package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// checkpointEvery is how many SQLite commits pass between background
// checkpoints of the write-ahead log.
const checkpointEvery = 64

// checkpointer copies SQLite's write-ahead log into the database in the
// background, on a connection of its own, so that no writer pays for it.
// Left to SQLite's automatic checkpoint, the commit that crossed the
// threshold copied the whole log while every queued writer waited: with 32
// officers submitting at once, one request in a hundred took 150 ms instead
// of 45. A passive checkpoint runs beside the writer and readers without
// blocking them. Imports, a few large commits, rarely wake it; the
// automatic checkpoint stays as the bound on the log's size.
type checkpointer struct {
	db   *sql.DB
	wake chan struct{}
	done chan struct{}
	n    int // commits since the last wake; guarded by the writer queue
	once sync.Once
}

func newCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite for checkpoints: %w", err)
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for range c.wake {
			// A failure (the database busy with a backup) only means the log
			// stays longer; the next wake or the automatic checkpoint copies it.
			c.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}()
	return c, nil
}

// committed counts a commit, waking the checkpointer every checkpointEvery.
// It is called with the writer queue held, so n needs no lock of its own.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	if c.n++; c.n >= checkpointEvery {
		c.n = 0
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
		close(c.wake)
		<-c.done
		c.db.Close()
	})
}
