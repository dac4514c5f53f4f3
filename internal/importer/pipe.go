package importer

import (
	"errors"

	"github.com/stopsearch/charter"
)

// pipeBatch is how many stops cross between the goroutines at a time.
const pipeBatch = 1024

var errStopped = errors.New("import stopped")

// pipeStops runs read (decompress, parse, validate, locate) in its own
// goroutine and add (the store's insert) in the caller's, so the two halves of
// an import use both cores. Stops are copied into batches because readers
// reuse their Stop between rows.
func pipeStops(read func(emit func(*charter.Stop) error) error, locate func(*charter.Stop), add func(*charter.Stop) error) error {
	batches := make(chan []charter.Stop, 4)
	free := make(chan []charter.Stop, 6)
	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var b []charter.Stop
		var locs []charter.Location
		get := func() {
			select {
			case b = <-free:
				b = b[:0]
			default:
				b = make([]charter.Stop, 0, pipeBatch)
			}
			locs = make([]charter.Location, 0, pipeBatch)
		}
		get()
		err := read(func(st *charter.Stop) error {
			locate(st)
			b = append(b, *st)
			if st.Location != nil {
				locs = append(locs, *st.Location)
				b[len(b)-1].Location = &locs[len(locs)-1]
			}
			if len(b) == pipeBatch {
				select {
				case batches <- b:
				case <-done:
					return errStopped
				}
				get()
			}
			return nil
		})
		if err == nil && len(b) > 0 {
			select {
			case batches <- b:
			case <-done:
			}
		}
		readErr <- err
	}()
	var addErr error
	for b := range batches {
		if addErr != nil {
			continue
		}
		for i := range b {
			if addErr = add(&b[i]); addErr != nil {
				close(done)
				break
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	rerr := <-readErr
	if addErr != nil {
		return addErr
	}
	return rerr
}
