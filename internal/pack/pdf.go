package pack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

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
// took when each print started its own; each print now has a tab in a
// browser context of its own, so no state passes from one pack to the next.
var printer struct {
	sync.Mutex
	browser context.Context    // nil when none runs
	cancel  context.CancelFunc // stops it and removes its profile
	busy    int                // prints under way
	idle    *time.Timer
}

// printerIdle is how long the printer's browser waits for another print
// before it closes.
var printerIdle = time.Minute

// PDF prints an HTML document (a pack as Render writes it) to an A4 PDF with
// headless Chromium, so that the PDF is the HTML page and never a second
// layout. The document must be self-contained: the browser is given no
// network to fetch anything from.
func PDF(ctx context.Context, html []byte) ([]byte, error) {
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
	browser, err := acquirePrinter()
	if err != nil {
		return nil, err
	}
	defer releasePrinter()
	tab, closeTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer closeTab()
	tctx, cancelT := context.WithTimeout(tab, pdfTimeout)
	defer cancelT()
	stop := context.AfterFunc(ctx, cancelT)
	defer stop()
	if err := chromedp.Do(tctx, chromedp.Navigate("file://"+file)); err != nil {
		return nil, fmt.Errorf("load the pack in chromium: %w", err)
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground(),
		chromedp.PDFPreferCSSPageSize(), chromedp.PDFOutlineAndTagged()))
	if err != nil {
		return nil, fmt.Errorf("print the pack: %w", err)
	}
	return pdf, nil
}

// acquirePrinter returns the printer's browser, starting one if none runs
// (or the last one died), and counts a print under way.
func acquirePrinter() (context.Context, error) {
	printer.Lock()
	defer printer.Unlock()
	if printer.idle != nil {
		printer.idle.Stop()
		printer.idle = nil
	}
	if printer.browser != nil && printer.browser.Err() != nil {
		closePrinterLocked() // it died: start another
	}
	if printer.browser == nil {
		if err := startPrinterLocked(); err != nil {
			return nil, err
		}
	}
	printer.busy++
	return printer.browser, nil
}

// releasePrinter ends a print; the last one out schedules the browser's
// closing.
func releasePrinter() {
	printer.Lock()
	defer printer.Unlock()
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
	printer.cancel()
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
