package report

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// importReal returns a store holding real bundled files (paths under
// data/), failing on any reject or refusal. The tests here only read, so
// the files are imported once per test process and the store is shared
// (storetest.Shared).
func importReal(t *testing.T, files ...string) *store.Store {
	t.Helper()
	s := storetest.Shared(t, "report "+strings.Join(files, " "), func(ctx context.Context, s *store.Store) error {
		paths := make([]string, len(files))
		for i, f := range files {
			paths[i] = "../../data/" + f
		}
		rs, err := (&importer.Importer{Store: s}).Import(ctx, paths...)
		if err != nil {
			return err
		}
		if sum := importer.Summarise(rs); sum.Refused+sum.Rejects > 0 {
			return fmt.Errorf("import: %+v", sum)
		}
		return nil
	})
	loaded.Lock()
	if loaded.shared == nil {
		loaded.shared = map[*store.Store]bool{}
	}
	loaded.shared[s] = true
	loaded.Unlock()
	return s
}

// loaded is what a shared store's indexes and read model are, loaded once.
var loaded struct {
	sync.Mutex
	shared map[*store.Store]bool // importReal's stores, never written
	ix     map[*store.Store]*index.Index
	cr     map[*store.Store]*index.Crimes
	snaps  map[*store.Store]*readmodel.Snapshot
}

// indexesOf loads the stop and crime indexes of a store importReal
// returned, once.
func indexesOf(t *testing.T, s *store.Store) (*index.Index, *index.Crimes) {
	t.Helper()
	loaded.Lock()
	defer loaded.Unlock()
	if ix, ok := loaded.ix[s]; ok {
		return ix, loaded.cr[s]
	}
	ix, err := index.Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := index.LoadCrimes(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.ix == nil {
		loaded.ix, loaded.cr = map[*store.Store]*index.Index{}, map[*store.Store]*index.Crimes{}
	}
	loaded.ix[s], loaded.cr[s] = ix, cr
	return ix, cr
}

// snapOf is the read model of s with the given indexes (nil: none), as the
// reports read it. The read model of a store importReal returned is read
// once: those stores are never written.
func snapOf(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) *readmodel.Snapshot {
	t.Helper()
	loaded.Lock()
	sn, ok := loaded.snaps[s]
	shared := loaded.shared[s]
	loaded.Unlock()
	if !ok {
		var err error
		if sn, err = readmodel.Read(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		if !shared {
			sn.Stops, sn.Crimes = ix, cr
			return sn
		}
		loaded.Lock()
		if loaded.snaps == nil {
			loaded.snaps = map[*store.Store]*readmodel.Snapshot{}
		}
		loaded.snaps[s] = sn
		loaded.Unlock()
	}
	c := *sn
	c.Stops, c.Crimes = ix, cr
	return &c
}
