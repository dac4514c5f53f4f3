package auth

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Failed sign-ins are counted per name and per client address over a
// window: each failure makes the next attempt wait longer (up to
// maxDelay), and after maxFailures in the window attempts are refused
// until the oldest failure leaves it. Counting per name stops guessing at
// one account from many addresses; per address, guessing at many accounts
// from one. The counts live in memory: a restart forgets them, which costs
// an attacker a restart they cannot cause.
const (
	failWindow  = 15 * time.Minute
	maxFailures = 10
	baseDelay   = 100 * time.Millisecond
	maxDelay    = 2 * time.Second
	maxKeys     = 100_000 // bounds memory under a flood of made-up names
)

// TooManyAttempts is the cause of a sign-in refused because of recent
// failures; Wait is how long until the next attempt is considered.
type TooManyAttempts struct{ Wait time.Duration }

func (e *TooManyAttempts) Error() string {
	return fmt.Sprintf("too many failed sign-in attempts; wait %d seconds", e.Seconds())
}

// Seconds is Wait rounded up to whole seconds, for messages and the
// Retry-After header.
func (e *TooManyAttempts) Seconds() int { return int(math.Ceil(e.Wait.Seconds())) }

type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time // key → failure times in the window, oldest first
}

func newLimiter() *limiter { return &limiter{fails: map[string][]time.Time{}} }

// recent returns the key's failures still in the window at now.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= failWindow {
		i++
	}
	if i == len(fs) {
		delete(l.fails, key)
		return nil
	}
	if i > 0 {
		fs = fs[i:]
		l.fails[key] = fs
	}
	return fs
}

// check returns how long to slow the attempt, or the wait until an
// attempt is allowed at all (refused true).
func (l *limiter) check(now time.Time, keys ...string) (delay time.Duration, refused bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var worst int
	var until time.Time
	for _, k := range keys {
		fs := l.recent(k, now)
		if len(fs) >= maxFailures {
			// Allowed again when enough failures leave the window.
			t := fs[len(fs)-maxFailures].Add(failWindow)
			if t.After(until) {
				until = t
			}
		}
		worst = max(worst, len(fs))
	}
	if !until.IsZero() {
		return until.Sub(now), true
	}
	if worst == 0 {
		return 0, false
	}
	// 100 ms, 200 ms, 400 ms … doubling with each recent failure, capped.
	d := baseDelay << min(worst-1, 8)
	return min(d, maxDelay), false
}

// fail records a failure under each key.
func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= maxKeys {
		for k := range l.fails {
			l.recent(k, now)
		}
	}
	for _, k := range keys {
		if len(l.fails) >= maxKeys && l.fails[k] == nil {
			continue // full of live keys: the per-address key still counts
		}
		l.fails[k] = append(l.recent(k, now), now)
	}
}

// clear forgets a key's failures (the name, after a good sign-in).
func (l *limiter) clear(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
