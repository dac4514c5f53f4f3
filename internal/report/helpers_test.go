package report

import (
	"context"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// importReal imports real bundled files (paths under data/) into a fresh
// test store, failing on any reject or refusal.
func importReal(t *testing.T, files ...string) *store.Store {
	t.Helper()
	s := storetest.Open(t)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = "../../data/" + f
	}
	rs, err := (&importer.Importer{Store: s}).Import(context.Background(), paths...)
	if err != nil {
		t.Fatal(err)
	}
	if sum := importer.Summarise(rs); sum.Refused+sum.Rejects > 0 {
		t.Fatalf("import: %+v", sum)
	}
	return s
}

// snapOf is the read model of s with the given indexes (nil: none), as the
// reports read it.
func snapOf(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) *readmodel.Snapshot {
	t.Helper()
	sn, err := readmodel.Read(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	sn.Stops, sn.Crimes = ix, cr
	return sn
}
