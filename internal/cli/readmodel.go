package cli

import (
	"context"

	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

// readModel opens the read model of st as the server does: from the file
// beside a SQLite database when it is current (a report then answers in a
// moment on any size of data), rebuilt from the store and written back
// otherwise. The returned close writes the file if it had to be rebuilt.
func readModel(ctx context.Context, st *store.Store) (*readmodel.Snapshot, func(), error) {
	m, err := readmodel.Open(ctx, st, readmodel.Options{Path: server.ReadModelPath(st, "")})
	if err != nil {
		return nil, nil, err
	}
	return m.Snapshot(), func() { _ = m.Close() }, nil
}
