package cli

import (
	"flag"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/server"
)

func TestReviewSampleRateFlag(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want float64
		err  bool
	}{{"0.3", 0.3, false}, {"0", review.NoSample, false}, {"1", 1, false}, {"1.5", 0, true}, {"-0.1", 0, true}} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		var applies []func(*server.Config) error
		for _, add := range serveFlagSets {
			applies = append(applies, add(fs))
		}
		if err := fs.Parse([]string{"--review-sample-rate", c.arg}); err != nil {
			t.Fatal(err)
		}
		var cfg server.Config
		var err error
		for _, apply := range applies {
			if e := apply(&cfg); e != nil {
				err = e
			}
		}
		if c.err {
			if err == nil || !strings.Contains(err.Error(), "--review-sample-rate") {
				t.Errorf("%s: %v, want an error naming the flag", c.arg, err)
			}
			continue
		}
		if err != nil || cfg.Reviews.SampleRate != c.want {
			t.Errorf("%s: rate %v, %v; want %v", c.arg, cfg.Reviews.SampleRate, err, c.want)
		}
	}
}
