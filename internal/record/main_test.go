package record_test

import (
	"os"
	"testing"

	"github.com/stopsearch/charter/internal/storetest"
)

// TestMain removes the store fixtures the tests built (recordtest.London's).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
