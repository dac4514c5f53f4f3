package store

import (
	"testing"
	"time"
)

// The checkpointer waits for a pause in the writing before it copies the
// log (checkpoint.go), but never past checkpointMaxWait, and not at all once
// the store is closing.
func TestCheckpointerWaitsForQuiet(t *testing.T) {
	t.Run("after a commit it waits for the quiet period", func(t *testing.T) {
		t.Parallel()
		c := &checkpointer{closing: make(chan struct{})}
		start := time.Now()
		c.last.Store(start.UnixNano())
		c.quiet()
		if took := time.Since(start); took < checkpointQuiet {
			t.Fatalf("checkpoint went %v after a commit, before the writer had been quiet for %v", took, checkpointQuiet)
		}
	})
	t.Run("writing that never pauses still gets a checkpoint", func(t *testing.T) {
		t.Parallel()
		c := &checkpointer{closing: make(chan struct{})}
		// The last commit always seems just made, so the quiet period
		// never comes. A goroutine committing every 10 ms is not the same:
		// on a loaded machine it can itself be held off for the quiet
		// period, which is a real pause in the writing (the checkpoint then
		// rightly goes).
		c.last.Store(time.Now().Add(time.Hour).UnixNano())
		const late = checkpointMaxWait + 10*time.Second
		defer time.AfterFunc(late, func() { close(c.closing) }).Stop() // no hour-long hang if the bound is lost
		start := time.Now()
		c.quiet()
		if took := time.Since(start); took < checkpointMaxWait-10*time.Millisecond || took >= late {
			t.Fatalf("checkpoint went after %v of unbroken writing, want the longest wait of %v", took, checkpointMaxWait)
		}
	})
	t.Run("closing ends the wait", func(t *testing.T) {
		t.Parallel()
		c := &checkpointer{closing: make(chan struct{})}
		c.last.Store(time.Now().Add(time.Hour).UnixNano()) // the quiet period never comes
		close(c.closing)
		start := time.Now()
		c.quiet()
		if took := time.Since(start); took >= checkpointMaxWait {
			t.Fatalf("a closing store waited %v for its checkpoint", took)
		}
	})
}
