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
		done := make(chan struct{})
		defer close(done)
		c.last.Store(time.Now().UnixNano())
		go func() { // a writer committing every 10 ms
			for {
				c.last.Store(time.Now().UnixNano())
				select {
				case <-done:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		c.quiet()
		if took := time.Since(start); took < checkpointMaxWait-10*time.Millisecond {
			t.Fatalf("checkpoint went after %v of unbroken writing, before the longest wait of %v", took, checkpointMaxWait)
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
