package pack

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// pdfText prints a one-line page and reads the PDF's text back.
func pdfText(t *testing.T, line string) string {
	t.Helper()
	b, err := PDF(context.Background(), []byte("<!doctype html><title>t</title><p>"+line))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("reading the PDF back needs pdftotext (apt-get install poppler-utils): %v", err)
	}
	file := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// Prints share one browser, each in a tab of its own, side by side; a
// browser that died is replaced at the next print; an idle one closes, and
// ClosePrinter closes it at once.
func TestPrinter(t *testing.T) {
	if _, err := chromium(); err != nil {
		t.Fatalf("printing packs needs chromium (apt-get install chromium): %v", err)
	}
	ClosePrinter()
	t.Cleanup(ClosePrinter)
	current := func() context.Context {
		printer.Lock()
		defer printer.Unlock()
		return printer.browser
	}

	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Go(func() { got[i] = pdfText(t, fmt.Sprintf("Pack number %d", i)) })
	}
	wg.Wait()
	for i, g := range got {
		if g != fmt.Sprintf("Pack number %d", i) {
			t.Errorf("print %d reads %q", i, g)
		}
	}
	first := current()
	if first == nil {
		t.Fatal("no browser kept after printing")
	}
	if pdfText(t, "again"); current() != first {
		t.Error("a second print started another browser")
	}

	// The browser dies (its process gone): the next print starts another.
	printer.Lock()
	printer.cancel()
	printer.Unlock()
	if g := pdfText(t, "after a crash"); g != "after a crash" || current() == first || current() == nil {
		t.Errorf("after the browser died: %q", g)
	}

	ClosePrinter()
	if current() != nil {
		t.Fatal("ClosePrinter left the browser running")
	}
	old := printerIdle
	printerIdle = 50 * time.Millisecond
	t.Cleanup(func() { printerIdle = old })
	if g := pdfText(t, "then idle"); g != "then idle" {
		t.Errorf("after ClosePrinter: %q", g)
	}
	for end := time.Now().Add(10 * time.Second); current() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the idle browser did not close")
		}
	}
}
