package importer

import (
	"errors"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// pipeBatch is how many stops cross between the goroutines at a time.
const pipeBatch = 1024

var errStopped = errors.New("import stopped")

// batch is stops on their way to the store, each with its row, encoded
// where it could be.
type batch struct {
	stops []charter.Stop
	rows  []store.StopRow
}

// pipeStops runs read (decompress, parse, validate, locate, encode) in its
// own goroutine and the store's insert in the caller's, so the two halves of
// an import use both cores. Stops are copied into batches because readers
// reuse their Stop between rows; a batch's stops then go to the store's
// announcement as they are (rows are recycled, and stops the store did not
// keep).
func pipeStops(x *store.ImportTx, read func(emit func(*charter.Stop) error) error, locate func(*charter.Stop)) error {
	batches := make(chan batch, 4)
	free := make(chan batch, 6)
	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var b batch
		var locs []charter.Location
		get := func() {
			select {
			case b = <-free:
				b.stops, b.rows = b.stops[:0], b.rows[:0]
			default:
				b = batch{rows: make([]store.StopRow, 0, pipeBatch)}
			}
			if b.stops == nil {
				b.stops = make([]charter.Stop, 0, pipeBatch)
			}
			locs = make([]charter.Location, 0, pipeBatch)
		}
		get()
		err := read(func(st *charter.Stop) error {
			locate(st)
			b.stops = append(b.stops, *st)
			p := &b.stops[len(b.stops)-1]
			if st.Location != nil {
				locs = append(locs, *st.Location)
				p.Location = &locs[len(locs)-1]
			}
			b.rows = append(b.rows, store.StopRow{})
			x.EncodeStop(p, &b.rows[len(b.rows)-1])
			if len(b.stops) == pipeBatch {
				select {
				case batches <- b:
				case <-done:
					return errStopped
				}
				get()
			}
			return nil
		})
		if err == nil && len(b.stops) > 0 {
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
		kept, err := x.AddStopRows(b.stops, b.rows)
		if err != nil {
			addErr = err
			close(done)
		}
		if kept {
			b.stops = nil
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
