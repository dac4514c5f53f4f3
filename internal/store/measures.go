package store

// Measures one workflow takes from another's tables: training compares
// officers' complaints and review scores (S4), a deployment is shown beside
// the complaints about searches in its wards.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// ComplaintsOfOfficers counts, for each of the officers ids, the
// complaints about their searches made from from until to (zero times:
// unbounded), released or not. Officers without one are absent. Training
// compares officers before and after a course with it (S4).
func (s *Store) ComplaintsOfOfficers(ctx context.Context, ids []int64, from, to time.Time) (map[int64]int, error) {
	out := map[int64]int{}
	err := s.officersRows(ctx, `SELECT r.officer_id, COUNT(*) FROM complaints c JOIN records r ON r.id = c.record_id
		WHERE r.officer_id IN (%s) AND r.searched_at >= $1 AND r.searched_at < $2 GROUP BY r.officer_id`, ids, from, to,
		func(sc scanner) error {
			var id int64
			var n int
			err := sc.Scan(&id, &n)
			out[id] += n
			return err
		})
	return out, err
}

// ReviewScoresOfOfficers lists, for each of the officers ids, the scores
// (charter.Rubric.Score, 0 to 1) of the supervisors' reviews of their
// searches made from from until to (zero times: unbounded); a review with
// nothing assessed has no score and is left out.
func (s *Store) ReviewScoresOfOfficers(ctx context.Context, ids []int64, from, to time.Time) (map[int64][]float64, error) {
	out := map[int64][]float64{}
	err := s.officersRows(ctx, `SELECT r.officer_id, v.marks FROM reviews v JOIN records r ON r.id = v.record_id
		WHERE r.officer_id IN (%s) AND r.searched_at >= $1 AND r.searched_at < $2 ORDER BY v.id`, ids, from, to,
		func(sc scanner) error {
			var id int64
			var marks string
			if err := sc.Scan(&id, &marks); err != nil {
				return err
			}
			var rb charter.Rubric
			if err := json.Unmarshal([]byte(marks), &rb.Marks); err != nil {
				return fmt.Errorf("the marks of a review of officer %d: %w", id, err)
			}
			if sc, ok := rb.Score(); ok {
				out[id] = append(out[id], sc)
			}
			return nil
		})
	return out, err
}

// officersRows runs query (its IN list written at %s, $1 and $2 the
// bounds of the time of search) over ids in chunks, on the read pool.
func (s *Store) officersRows(ctx context.Context, query string, ids []int64, from, to time.Time, row func(scanner) error) error {
	lo, hi := int64(-1<<62), int64(1<<62)
	if !from.IsZero() {
		lo = from.Unix()
	}
	if !to.IsZero() {
		hi = to.Unix()
	}
	for chunk := range slices.Chunk(ids, 500) {
		ph := make([]string, len(chunk))
		args := []any{lo, hi}
		for i, id := range chunk {
			ph[i] = fmt.Sprintf("$%d", i+3)
			args = append(args, id)
		}
		if err := s.readRows(ctx, fmt.Sprintf(query, strings.Join(ph, ",")), row, args...); err != nil {
			return err
		}
	}
	return nil
}

// ComplaintsInWards counts the complaints about searches in wards made
// from from until to: a complaint lodged from a receipt by the time of its
// search, one lodged without a receipt by when it was lodged (the nearest
// the store knows of when its search was).
func (s *Store) ComplaintsInWards(ctx context.Context, wards []string, from, to time.Time) (int, error) {
	if len(wards) == 0 {
		return 0, nil
	}
	ph := make([]string, len(wards))
	args := []any{from.Unix(), to.Unix()}
	for i, w := range wards {
		ph[i] = fmt.Sprintf("$%d", i+3)
		args = append(args, w)
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints c LEFT JOIN records r ON r.id = c.record_id
		WHERE c.ward IN (`+strings.Join(ph, ",")+`) AND COALESCE(r.searched_at, c.lodged_at) >= $1
		AND COALESCE(r.searched_at, c.lodged_at) < $2`, args...).Scan(&n)
	return n, err
}
