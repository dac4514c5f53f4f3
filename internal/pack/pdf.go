package pack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// PDF prints an HTML document (a pack as Render writes it) to an A4 PDF with
// headless Chromium, so that the PDF is the HTML page and never a second
// layout. The document must be self-contained: the browser is given no
// network to fetch anything from.
func PDF(ctx context.Context, html []byte) ([]byte, error) {
	exe, err := chromium()
	if err != nil {
		return nil, err
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
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.UserDataDir(filepath.Join(dir, "profile")))
	actx, cancelA := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	defer cancelA()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser and must not carry a deadline (it
	// would stop the browser); the printing itself is bounded.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("start chromium (%s): %w", exe, err)
	}
	tctx, cancelT := context.WithTimeout(bctx, pdfTimeout)
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
