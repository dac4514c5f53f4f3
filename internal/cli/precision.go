package cli

import (
	"context"

	"github.com/stopsearch/charter"
)

// runPrecision is `charter report precision` (A3).
func runPrecision(ctx context.Context, e *env, args []string) error {
	return charter.Errorf(charter.EINVALID, "report precision: not built yet")
}
