package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

// readModel opens the read model of st from its file when that is current
// (a report then answers in a moment on any size of data), rebuilt from the
// store and written back otherwise (see readModelPath). The returned close
// writes the file if it had to be rebuilt. A file found stale or damaged is
// not worth a warning here, as it is in a server's log: after every import
// the next report finds it stale and rebuilds it, as it should. Only errors
// (the file could not be written) reach the command's standard error.
func readModel(ctx context.Context, e *env, st *store.Store) (*readmodel.Snapshot, func(), error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	m, err := readmodel.Open(ctx, st, readmodel.Options{Path: readModelPath(st), Logger: log})
	if err != nil {
		return nil, nil, err
	}
	return m.Snapshot(), func() { _ = m.Close() }, nil
}

// readModelPath is where the command line keeps the read model of st:
// beside a SQLite database, where the server keeps it too; for a PostgreSQL
// database, in the user's cache directory, one file per database address.
// Without it every report on PostgreSQL would read every stop and crime
// count from the database again (seconds on the bundled data, minutes on
// millions of stops). The file is used only when it holds the database's
// current data, so a stale one is never trusted, and deleting it is safe.
// "" (kept in memory only) when there is no cache directory.
func readModelPath(st *store.Store) string {
	if p := server.ReadModelPath(st, ""); p != "" {
		return p
	}
	addr := st.Address()
	dir, err := os.UserCacheDir()
	if addr == "" || err != nil {
		return ""
	}
	dir = filepath.Join(dir, "charter")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(addr))
	return filepath.Join(dir, "readmodel-"+hex.EncodeToString(sum[:8]))
}
