package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/web"
)

// listing is which finished files an import names, one line each.
type listing int

const (
	listRefused listing = iota // only files refused (--quiet)
	listChanged                // files imported, passed over or refused; not those already imported
	listAll                    // every file
)

// display shows an import's progress on standard error while it runs: on a
// terminal a progress bar of the whole run (its share done, rows, rate and
// time left, and the file being read); otherwise a line per file that ends
// with the run's progress, and a line every `every` while a long file is
// read. Standard output is never written.
type display struct {
	w     io.Writer
	m     *importer.Meter
	list  listing
	every time.Duration // between lines about a long file, off a terminal
	width int           // the terminal's columns; 0 off a terminal

	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	lastLine time.Time
	lines    int // lines written
	stop     chan struct{}
	stopped  chan struct{}
}

// terminal reports whether w is a terminal, with its width.
func terminal(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	return width, true
}

// newDisplay starts showing m's run on w. bar asks for the progress bar when
// w is a terminal (width > 0).
func newDisplay(w io.Writer, m *importer.Meter, list listing, width int, bar bool) *display {
	d := &display{w: w, m: m, list: list, every: 10 * time.Second, width: width,
		lastLine: time.Now(), stop: make(chan struct{}), stopped: make(chan struct{})}
	var tick time.Duration
	if bar && width > 0 {
		d.bar = progressbar.NewOptions64(barUnits,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetWidth(20),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionClearOnFinish())
		tick = 200 * time.Millisecond
	} else if list == listRefused {
		tick = 0 // quiet: no lines while it runs
	} else {
		tick = time.Second
	}
	go d.run(tick)
	return d
}

func (d *display) run(tick time.Duration) {
	defer close(d.stopped)
	if tick <= 0 {
		<-d.stop
		return
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			d.mu.Lock()
			if d.bar != nil {
				d.render(d.m.Snapshot())
			} else if s := d.m.Snapshot(); s.Source != "" && time.Since(d.lastLine) >= d.every {
				fmt.Fprintln(d.w, readingLine(s))
				d.lastLine = time.Now()
				d.lines++
			}
			d.mu.Unlock()
		}
	}
}

// barUnits is the bar's resolution: it draws the run's share of expected
// work done, in ten-thousandths.
const barUnits = 10000

// render draws the bar. It stops short of full until the run ends: the last
// file still commits when it has been read.
func (d *display) render(s importer.Snapshot) {
	_ = d.bar.Set64(min(int64(s.Done*barUnits), barUnits-1))
	// The share, the bar and the spaces round them take 31 columns; one
	// more keeps the cursor off the last column, where terminals wrap.
	d.bar.Describe(barText(s, d.width-32))
}

// result is the importer's Progress callback: the line of a finished file,
// above the bar on a terminal.
func (d *display) result(r importer.Result) {
	if !d.shows(r) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	line := resultLine(r)
	d.lines++
	if d.bar != nil {
		_ = d.bar.Clear()
		fmt.Fprintln(d.w, line)
		d.render(d.m.Snapshot())
		return
	}
	// A path refused before the run began (missing, not a zip) has no run
	// to tell of yet.
	if s := d.m.Snapshot(); d.list != listRefused && s.Files > 0 {
		line += "; " + runTail(s)
	}
	fmt.Fprintln(d.w, line)
	d.lastLine = time.Now()
}

func (d *display) shows(r importer.Result) bool {
	switch {
	case r.Err != nil:
		return true
	case r.Skipped:
		return d.list == listAll
	}
	return d.list != listRefused
}

// close stops the display and clears the bar, for the summary. It reports
// whether it wrote any line.
func (d *display) close() bool {
	close(d.stop)
	<-d.stopped
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bar != nil {
		_ = d.bar.Clear()
	}
	return d.lines > 0
}

// resultLine says what became of a file.
func resultLine(r importer.Result) string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("REFUSED   %s\n          %s", r.Source, charter.ErrorMessage(r.Err))
	case r.Skipped:
		return fmt.Sprintf("unchanged %s (already imported)", r.Source)
	case r.Ignored != "":
		return fmt.Sprintf("passed    %s (%s)", r.Source, r.Ignored)
	}
	rate := ""
	if s := r.Duration.Seconds(); s > 0 && r.Rows > 0 {
		rate = ", " + count(int64(float64(r.Rows)/s)) + " rows/s"
	}
	return fmt.Sprintf("imported  %s: %s stored, %s rejected (%s%s)", r.Source,
		countOf(int64(r.Rows), "record", "records"), count(int64(r.Rejects)), seconds(r.Duration), rate)
}

// runTail is the run's progress at the end of a file's line.
func runTail(s importer.Snapshot) string {
	t := fmt.Sprintf("%s of %s files", count(int64(s.Finished)), count(int64(s.Files)))
	if s.Finished < s.Files {
		t += ", " + left(s.Left)
	}
	return t
}

// readingLine is the line about a long file still being read.
func readingLine(s importer.Snapshot) string {
	read := ""
	if s.Size > 0 {
		read = strconv.Itoa(int(min(100*float64(s.Read)/float64(s.Size), 100))) + "% read, "
	}
	return fmt.Sprintf("importing %s: %s%s so far; %s", s.Source, read, countOf(s.Rows, "row", "rows"), runTail(s))
}

// barText is what follows the bar in room columns: the files done, rows,
// rate and time left, then as much of the name of the file being read as
// fits (its end, where a path names the file).
func barText(s importer.Snapshot, room int) string {
	if s.Files == 0 {
		return "looking at the files…"
	}
	t := fmt.Sprintf("%s of %s files · %s read", count(int64(s.Finished)), count(int64(s.Files)), countOf(s.Rows, "row", "rows"))
	if sec := s.Elapsed.Seconds(); sec >= 1 && s.Rows > 0 {
		t += " · " + count(int64(float64(s.Rows)/sec)) + " rows/s"
	}
	t += " · " + left(s.Left)
	if rest := room - len([]rune(t)) - 3; s.Source != "" && rest >= 12 {
		name := []rune(s.Source)
		if len(name) > rest {
			name = append([]rune("…"), name[len(name)-rest+1:]...)
		}
		t += " · " + string(name)
	}
	return t
}

// left says how long a run has to go, rounded as a person would say it.
func left(d time.Duration) string {
	switch {
	case d < 5*time.Second:
		return "a few seconds left"
	case d < time.Minute:
		return "about " + strconv.Itoa(int(math.Round(d.Seconds()/5))*5) + " s left"
	case d < 10*time.Minute:
		s := int(math.Round(d.Seconds()/10)) * 10
		if s%60 == 0 {
			return "about " + strconv.Itoa(s/60) + " min left"
		}
		return "about " + strconv.Itoa(s/60) + " min " + strconv.Itoa(s%60) + " s left"
	case d < time.Hour:
		return "about " + strconv.Itoa(int(math.Round(d.Minutes()))) + " min left"
	}
	m := int(math.Round(d.Minutes()))
	return "about " + strconv.Itoa(m/60) + " h " + strconv.Itoa(m%60) + " min left"
}

// seconds writes a file's time: 0.75 s, 3.3 s, 42 s, 2 min 05 s.
func seconds(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s < 1:
		return strconv.FormatFloat(s, 'f', 2, 64) + " s"
	case s < 10:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	case s < 60:
		return strconv.Itoa(int(math.Round(s))) + " s"
	}
	m := int(s) / 60
	return fmt.Sprintf("%d min %02d s", m, int(s)-60*m)
}

// count writes n for people: 1,760,168.
func count(n int64) string { return web.FormatInt(int(n)) }

// countOf writes n and its noun: 1 record, 3,253 records.
func countOf(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(n) + " " + many
}
