// Command charter is the one binary of Charter: import open police data, check
// its quality, export it, and (in later releases) serve, report and evaluate.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // months are counted in Europe/London on any machine

	"github.com/stopsearch/charter/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
