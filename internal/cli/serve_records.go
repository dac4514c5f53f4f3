package cli

import (
	"encoding/hex"
	"flag"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/record"
)

// RecordFlags are charter serve's settings of the encounter: where
// receipts are served from, how long they open, how long an officer may
// correct a record, the rules authorisations are checked against, and when
// first-hand records become public.
type RecordFlags struct {
	BaseURL          string
	ReceiptTTL       time.Duration
	ReceiptKeyFile   string
	CorrectionWindow time.Duration
	RuleSet          string
	MinFeedback      int
	PublishDelay     time.Duration
}

// AddRecordFlags defines the encounter's flags on fs (each also read from
// CHARTER_<FLAG>, as every flag).
func AddRecordFlags(fs *flag.FlagSet) *RecordFlags {
	f := &RecordFlags{}
	fs.StringVar(&f.BaseURL, "base-url", "", "the public address of the site (e.g. https://charter.example), which receipts' QR codes and links point to; empty: the address served on")
	fs.DurationVar(&f.ReceiptTTL, "receipt-ttl", record.DefaultReceiptTTL, "how long a receipt's link opens after the search")
	fs.StringVar(&f.ReceiptKeyFile, "receipt-key-file", "", "a file holding the secret (64 hex digits) receipts' links are derived from; empty: one made once and kept in the database")
	fs.DurationVar(&f.CorrectionWindow, "correction-window", record.DefaultCorrectionWindow, "how long an officer may correct a record after making it (every version is kept)")
	fs.StringVar(&f.RuleSet, "rule-set", charter.RulesStatutory, "the rules s60 authorisations are checked against: statutory, or busss (the stricter Best Use of Stop and Search rules)")
	fs.IntVar(&f.MinFeedback, "min-feedback", record.DefaultMinFeedback, "the fewest survey answers an area and month need before their feedback figures are published")
	fs.DurationVar(&f.PublishDelay, "publish-delay", importer.DefaultPublishDelay, "how long after the end of a month its first-hand records become public (0: as soon as the month ends); negative: never")
	return f
}

// Options returns the record service's options.
func (f *RecordFlags) Options() (record.Options, error) {
	var o record.Options
	rs, err := record.ParseRuleSet(f.RuleSet)
	if err != nil {
		return o, err
	}
	if f.BaseURL != "" {
		u, err := url.Parse(f.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, charter.Errorf(charter.EINVALID, "--base-url %q is not an http or https address", f.BaseURL)
		}
	}
	if f.ReceiptTTL <= 0 || f.CorrectionWindow <= 0 || f.MinFeedback <= 0 {
		return o, charter.Errorf(charter.EINVALID, "--receipt-ttl, --correction-window and --min-feedback must be more than 0")
	}
	o = record.Options{BaseURL: f.BaseURL, ReceiptTTL: f.ReceiptTTL, CorrectionWindow: f.CorrectionWindow, RuleSet: rs, MinFeedback: f.MinFeedback}
	if f.ReceiptKeyFile != "" {
		b, err := os.ReadFile(f.ReceiptKeyFile)
		if err != nil {
			return o, charter.Errorf(charter.EINVALID, "--receipt-key-file: cannot read %s: %v", f.ReceiptKeyFile, err)
		}
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return o, charter.Errorf(charter.EINVALID, "--receipt-key-file: %s must hold at least 64 hex digits", f.ReceiptKeyFile)
		}
		o.ReceiptKey = key
	}
	return o, nil
}
