package pack

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stopsearch/charter"
)

// ChromiumPath is where the PDF printer looks for the browser first: Debian's
// chromium package. When it is missing, the printer looks up "chromium" and
// "chromium-browser" on the PATH.
var ChromiumPath = "/usr/bin/chromium"

// pdfTimeout bounds one printing, browser start included.
const pdfTimeout = 60 * time.Second

// chromium finds the browser, or says what to install.
func chromium() (string, error) {
	if _, err := os.Stat(ChromiumPath); err == nil {
		return ChromiumPath, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", charter.Errorf(charter.EINTERNAL, "a PDF pack is printed by headless Chromium, which is not installed here: install it (on Debian or Ubuntu: apt-get install chromium), or ask for the HTML pack")
}

// The printer is one headless Chromium shared by every print of the
// process, started by the first and closed printerIdle after the last (or
// by ClosePrinter). Starting a browser was most of the two seconds a pack
// took when each print started its own.
//
// Each print has a tab of its own while it runs, in a browser context of its
// own, and the printer keeps up to maxIdleTabs of them for later prints:
// opening a tab (a browser context and a renderer for it) took 0.35–0.6 s of
// the second a print took. A kept tab passes nothing from one pack to the
// next: scripts are off in it (a pack has none), so a document can leave no
// storage behind; it is given only local files, so no cookies; it shows a
// blank page between prints; and a print prints only when the tab shows the
// file it was given.
var printer struct {
	sync.Mutex
	browser context.Context    // nil when none runs
	cancel  context.CancelFunc // stops it and removes its profile
	busy    int                // prints under way
	idle    *time.Timer
	tabs    []*printTab // idle tabs of browser, each on a blank page
}

// A printTab is one tab of the printer's browser.
type printTab struct {
	ctx     context.Context    // the tab's chromedp context
	close   context.CancelFunc // closes the tab and its browser context
	browser context.Context    // the browser it was opened in
}

// maxIdleTabs is how many tabs the printer keeps between prints: as many
// as the site prints at once (web's pdfSlots); a command prints one.
const maxIdleTabs = 2

// printerIdle is how long the printer's browser waits for another print
// before it closes.
var printerIdle = time.Minute

// PDF prints an HTML document (a pack as Render writes it) to an A4 PDF with
// headless Chromium, so that the PDF is the HTML page and never a second
// layout. The document must be self-contained: the browser is given no
// network to fetch anything from, and runs no script.
func PDF(ctx context.Context, html []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the caller has gone: no file written, no tab taken
	}
	// A file, not a data URL: large packs exceed what a URL may hold.
	dir, err := os.MkdirTemp("", "charter-pack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "pack.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		return nil, err
	}
	tab, err := acquireTab(ctx)
	if err != nil {
		return nil, err
	}
	kept := false
	defer func() { releaseTab(tab, kept) }()
	tctx, cancelT := context.WithTimeout(tab.ctx, pdfTimeout)
	defer cancelT()
	stop := context.AfterFunc(ctx, cancelT)
	defer stop()
	// Escaped as Chromium writes it (a temporary folder may hold a space).
	if err := chromedp.Do(tctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: file}).String())); err != nil {
		return nil, fmt.Errorf("load the pack in chromium: %w", err)
	}
	if err := showing(tctx, file); err != nil {
		return nil, err
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground(),
		chromedp.PDFPreferCSSPageSize(), chromedp.PDFOutlineAndTagged()))
	if err != nil {
		return nil, fmt.Errorf("print the pack: %w", err)
	}
	// Blank again, the tab may serve the next print; if it cannot be
	// blanked, it is closed instead.
	kept = chromedp.Do(tctx, chromedp.Navigate("about:blank")) == nil
	return pdf, nil
}

// showing checks that the tab's page is the local file at path, so that a
// navigation that went wrong without an error can never print another
// document. The page's address is compared unescaped, whatever characters
// Chromium chose to escape.
func showing(ctx context.Context, path string) error {
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("load the pack in chromium: %w", err)
	}
	if h.CurrentIndex >= 0 && int(h.CurrentIndex) < len(h.Entries) {
		if u, err := url.Parse(h.Entries[h.CurrentIndex].URL); err == nil && u.Scheme == "file" && u.Path == path {
			return nil
		}
	}
	return charter.Errorf(charter.EINTERNAL, "chromium did not load the pack to print it")
}

// acquireTab returns a tab of the printer's browser for one print, starting
// the browser if none runs (or the last one died), and counts a print under
// way.
func acquireTab(ctx context.Context) (*printTab, error) {
	printer.Lock()
	if printer.idle != nil {
		printer.idle.Stop()
		printer.idle = nil
	}
	if printer.browser != nil && printer.browser.Err() != nil {
		closePrinterLocked() // it died: start another
	}
	if printer.browser == nil {
		if err := startPrinterLocked(); err != nil {
			printer.Unlock()
			return nil, err
		}
	}
	printer.busy++
	browser := printer.browser
	var tab *printTab
	if n := len(printer.tabs); n > 0 {
		tab, printer.tabs = printer.tabs[n-1], printer.tabs[:n-1]
	}
	printer.Unlock()
	if tab != nil {
		return tab, nil
	}
	// A new tab is opened outside the lock, so that prints side by side
	// open theirs at once.
	tab, err := openTab(ctx, browser)
	if err != nil {
		releaseTab(nil, false)
		return nil, err
	}
	return tab, nil
}

// openTab opens a tab, in a browser context of its own, with scripts off,
// unless the caller (whose context is caller) goes first.
func openTab(caller, browser context.Context) (*printTab, error) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tab := &printTab{ctx: ctx, close: cancel, browser: browser}
	// The first run opens the tab and must not carry a deadline (the tab
	// would close when it passed): a timer closes a tab that hangs, and the
	// caller's going closes it too.
	hung := time.AfterFunc(pdfTimeout, cancel)
	defer context.AfterFunc(caller, cancel)()
	err := chromedp.Do(ctx, chromedp.Navigate("about:blank"))
	if err == nil {
		_, err = chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	if !hung.Stop() || err != nil || caller.Err() != nil {
		cancel()
		return nil, fmt.Errorf("open a tab in chromium: %w", cmp.Or(err, caller.Err(), context.DeadlineExceeded))
	}
	return tab, nil
}

// releaseTab ends a print: its tab is kept for the next when keep is true
// and the browser it belongs to still runs, and closed otherwise (after the
// lock is let go: closing is a few calls to the browser, which other prints
// need not wait for); the last print out schedules the browser's closing.
func releaseTab(tab *printTab, keep bool) {
	printer.Lock()
	if tab != nil && keep && tab.browser == printer.browser && tab.ctx.Err() == nil && len(printer.tabs) < maxIdleTabs {
		printer.tabs, tab = append(printer.tabs, tab), nil
	}
	printer.busy--
	if printer.busy == 0 && printer.browser != nil {
		printer.idle = time.AfterFunc(printerIdle, func() {
			printer.Lock()
			defer printer.Unlock()
			if printer.busy == 0 {
				closePrinterLocked()
			}
		})
	}
	printer.Unlock()
	if tab != nil { // not kept
		tab.close()
	}
}

// startPrinterLocked starts the browser. The caller holds the lock.
func startPrinterLocked() error {
	exe, err := chromium()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "charter-printer-")
	if err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(filepath.Join(dir, "profile")))
	// Not the caller's context: the browser outlives the print that
	// started it.
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	cancel := func() { cancelB(); cancelA(); os.RemoveAll(dir) }
	// The first Run starts the browser and must not carry a deadline (it
	// would stop the browser when it passed).
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		return fmt.Errorf("start chromium (%s): %w", exe, err)
	}
	printer.browser, printer.cancel = bctx, cancel
	return nil
}

// closePrinterLocked stops the browser. The caller holds the lock.
func closePrinterLocked() {
	if printer.browser == nil {
		return
	}
	// The browser first: its tabs then close without asking it.
	printer.cancel()
	for _, t := range printer.tabs {
		t.close()
	}
	printer.tabs = nil
	printer.browser, printer.cancel = nil, nil
}

// ClosePrinter stops the printer's browser now, if one runs (a command
// that printed and is about to exit, a server shutting down); a later
// print starts another.
func ClosePrinter() {
	printer.Lock()
	defer printer.Unlock()
	if printer.idle != nil {
		printer.idle.Stop()
		printer.idle = nil
	}
	closePrinterLocked()
}
