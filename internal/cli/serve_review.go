package cli

import (
	"flag"
	"math"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/server"
)

// Supervision's flag of charter serve: the share of each team's records
// drawn at random for review (beside every record with a risk).
func init() {
	serveFlagSets = append(serveFlagSets, func(fs *flag.FlagSet) func(*server.Config) error {
		rate := fs.Float64("review-sample-rate", charter.DefaultSampleRate, "the share of each team's records drawn at random for their supervisor to review, from 0 (none: only records with a risk) to 1 (all); records with a risk are always reviewed")
		return func(c *server.Config) error {
			if math.IsNaN(*rate) || *rate < 0 || *rate > 1 {
				return charter.Errorf(charter.EINVALID, "--review-sample-rate %v: give a share from 0 to 1, e.g. 0.1 for one record in ten", *rate)
			}
			c.Reviews.SampleRate = *rate
			if *rate == 0 {
				c.Reviews.SampleRate = review.NoSample
			}
			return nil
		}
	})
}
