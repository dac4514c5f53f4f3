package report

import (
	"context"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
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
