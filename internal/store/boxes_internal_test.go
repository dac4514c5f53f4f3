package store

import (
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// The boxed tables give the same values as boxing each time, inside their
// range and outside it.
func TestBoxedValues(t *testing.T) {
	for y := 1990; y <= 2110; y++ {
		for mon := time.January; mon <= time.December; mon++ {
			m := charter.NewMonth(y, mon)
			if got, want := boxedMonth(m), any(int64(m.YYYYMM())); got != want {
				t.Fatalf("boxedMonth(%v) = %v, want %v", m, got, want)
			}
		}
	}
	for i, b := range minuteBoxes {
		if b != any(int64(i)) {
			t.Fatalf("minuteBoxes[%d] = %v", i, b)
		}
	}
}
