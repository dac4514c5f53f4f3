package bench

import (
	"os"
	"runtime/pprof"
)

// lastRun profiles the last of a benchmark's runs (a profile file holds one
// profile) into a file. A nil *lastRun profiles nothing.
type lastRun struct {
	f    *os.File
	last int
}

// profileLastRun opens path for a CPU profile of run runs-1; "" means no
// profile (nil).
func profileLastRun(path string, runs int) (*lastRun, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &lastRun{f: f, last: max(runs, 1) - 1}, nil
}

// start begins the profile when run i is the last; the function it returns
// ends it (and does nothing otherwise).
func (p *lastRun) start(i int) (stop func(), err error) {
	if p == nil || i != p.last {
		return func() {}, nil
	}
	if err := pprof.StartCPUProfile(p.f); err != nil {
		return nil, err
	}
	return pprof.StopCPUProfile, nil
}

// Close closes the profile's file.
func (p *lastRun) Close() error {
	if p == nil {
		return nil
	}
	return p.f.Close()
}
