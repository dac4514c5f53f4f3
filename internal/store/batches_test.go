package store

import (
	"maps"
	"slices"
	"testing"

	"github.com/stopsearch/charter"
)

// TestChooseBatches: which sources count for one force-month.
func TestChooseBatches(t *testing.T) {
	all, loc, unloc, fh := string(charter.CoverAll), string(charter.CoverLocated), string(charter.CoverUnlocated), string(charter.CoverFirstHand)
	for _, tc := range []struct {
		name string
		bs   []batch
		want []int64
	}{
		{"one", []batch{{1, all, 10, true}}, []int64{1}},
		{"more rows wins", []batch{{1, all, 10, true}, {2, all, 12, false}}, []int64{2}},
		{"later wins a tie", []batch{{1, all, 10, true}, {2, all, 10, false}}, []int64{2}},
		{"complete beats partial", []batch{{1, loc, 20, true}, {2, unloc, 5, true}, {3, all, 10, false}}, []int64{3}},
		{"located and unlocated together", []batch{{1, loc, 20, true}, {2, unloc, 5, true}}, []int64{1, 2}},
		{"first-hand beats a fuller archive", []batch{{1, all, 500, true}, {2, fh, 480, false}}, []int64{2}},
		{"first-hand stays when the archive comes later", []batch{{1, fh, 480, true}, {2, all, 500, false}, {3, loc, 450, false}}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Sorted(maps.Keys(chooseBatches(tc.bs)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("chooseBatches = %v, want %v", got, tc.want)
			}
		})
	}
}
