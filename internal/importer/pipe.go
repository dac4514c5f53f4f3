package importer

import (
	"errors"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// pipeBatch is how many stops cross between the goroutines at a time.
const pipeBatch = 1024

var errStopped = errors.New("import stopped")

// piped is a stop on its way to the store, encoded where it could be.
type piped struct {
	stop charter.Stop
	row  store.StopRow
}

// pipeStops runs read (decompress, parse, validate, locate, encode) in its
// own goroutine and the store's insert in the caller's, so the two halves of
// an import use both cores. Stops are copied into batches because readers
// reuse their Stop between rows.
func pipeStops(x *store.ImportTx, read func(emit func(*charter.Stop) error) error, locate func(*charter.Stop)) error {
	batches := make(chan []piped, 4)
	free := make(chan []piped, 6)
	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var b []piped
		var locs []charter.Location
		get := func() {
			select {
			case b = <-free:
				b = b[:0]
			default:
				b = make([]piped, 0, pipeBatch)
			}
			locs = make([]charter.Location, 0, pipeBatch)
		}
		get()
		err := read(func(st *charter.Stop) error {
			locate(st)
			b = append(b, piped{stop: *st})
			p := &b[len(b)-1]
			if st.Location != nil {
				locs = append(locs, *st.Location)
				p.stop.Location = &locs[len(locs)-1]
			}
			x.EncodeStop(&p.stop, &p.row)
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
			if b[i].row.Ready() {
				addErr = x.AddStopRow(&b[i].row)
			} else {
				addErr = x.AddStop(&b[i].stop)
			}
			if addErr != nil {
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
