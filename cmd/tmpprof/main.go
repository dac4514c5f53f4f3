package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

func main() {
	ctx := context.Background()
	st, err := store.Open(ctx, "/tmp/demo.db")
	if err != nil {
		panic(err)
	}
	cfg := server.DefaultConfig()
	cfg.RateLimit, cfg.Watch, cfg.Quiet = 0, 0, true
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		panic(err)
	}
	go http.ListenAndServe("127.0.0.1:8098", srv.Handler())
	time.Sleep(2 * time.Second)
	f, _ := os.Create("/tmp/cpu.prof")
	pprof.StartCPUProfile(f)
	time.Sleep(8 * time.Second)
	pprof.StopCPUProfile()
	f.Close()
}
