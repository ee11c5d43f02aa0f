package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Tolerance is how far a screenshot may drift from its golden: anti-aliased
// edges and sub-pixel text shift a little between runs and Chromium builds,
// a changed layout or text moves many pixels.
type Tolerance struct {
	// Channel is the largest difference in any of R, G, B, A (0–255) for
	// which two pixels still count as the same.
	Channel uint8
	// Fraction is the share of differing pixels allowed.
	Fraction float64
}

// DefaultTolerance passes anti-aliasing noise and fails a moved line of text.
var DefaultTolerance = Tolerance{Channel: 48, Fraction: 0.001}

// MatchScreenshot takes a full-page PNG screenshot and compares it with the
// golden file, or rewrites the golden when update is set (go test -update).
// On a mismatch it saves the screenshot and a diff image (differing pixels
// in red) under the module's gitignored testdata/artifacts, named after the
// golden, and fails the test. Freeze whatever changes with time (clocks,
// polling, animations) before calling it.
func MatchScreenshot(t testing.TB, ctx context.Context, golden string, update bool, tol Tolerance) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, lossless
	if err != nil {
		t.Fatalf("screenshot for %s: %v", golden, err)
	}
	if update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("golden screenshot: %v (go test -update writes it)", err)
	}
	diff, err := CompareImages(want, got, tol)
	if err == nil {
		return
	}
	saved := saveArtifacts(t, filepath.Base(golden), got, diff)
	t.Errorf("screenshot differs from %s: %v\n(fonts come from Debian's chromium and fonts-liberation and fonts-dejavu-core;"+
		" if the change is intended, rerun with -update and look at the new golden)%s", golden, err, saved)
}

// CompareImages compares two PNGs with tol. It returns an error naming the
// difference and, when both decode and are the same size, an image of it.
func CompareImages(wantPNG, gotPNG []byte, tol Tolerance) (diff image.Image, err error) {
	want, err := png.Decode(bytes.NewReader(wantPNG))
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	got, err := png.Decode(bytes.NewReader(gotPNG))
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Dx() != gb.Dx() || wb.Dy() != gb.Dy() {
		return nil, fmt.Errorf("size %dx%d, golden %dx%d", gb.Dx(), gb.Dy(), wb.Dx(), wb.Dy())
	}
	out := image.NewNRGBA(image.Rect(0, 0, wb.Dx(), wb.Dy()))
	differing := 0
	for y := range wb.Dy() {
		for x := range wb.Dx() {
			w := color.NRGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.NRGBA)
			g := color.NRGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y)).(color.NRGBA)
			if farther(w.R, g.R, tol.Channel) || farther(w.G, g.G, tol.Channel) || farther(w.B, g.B, tol.Channel) || farther(w.A, g.A, tol.Channel) {
				differing++
				out.SetNRGBA(x, y, color.NRGBA{R: 255, A: 255})
				continue
			}
			// The unchanged page, faded, for orientation.
			out.SetNRGBA(x, y, color.NRGBA{R: w.R, G: w.G, B: w.B, A: 64})
		}
	}
	total := wb.Dx() * wb.Dy()
	if float64(differing) > tol.Fraction*float64(total) {
		return out, fmt.Errorf("%d of %d pixels differ by more than %d (%.3f%%, allowed %.3f%%)",
			differing, total, tol.Channel, 100*float64(differing)/float64(total), 100*tol.Fraction)
	}
	return nil, nil
}

func farther(a, b, limit uint8) bool {
	if a > b {
		return a-b > limit
	}
	return b-a > limit
}

// saveArtifacts writes a failed screenshot and its diff for a person to
// look at, and says where.
func saveArtifacts(t testing.TB, name string, got []byte, diff image.Image) string {
	t.Helper()
	dir, err := artifactsDir()
	if err != nil {
		return ""
	}
	shot := filepath.Join(dir, "actual-"+name)
	if err := os.WriteFile(shot, got, 0o644); err != nil {
		return ""
	}
	msg := "\nscreenshot: " + shot
	if diff != nil {
		var b bytes.Buffer
		if png.Encode(&b, diff) == nil && os.WriteFile(filepath.Join(dir, "diff-"+name), b.Bytes(), 0o644) == nil {
			msg += "\ndiff: " + filepath.Join(dir, "diff-"+name)
		}
	}
	return msg
}

// artifactsDir is testdata/artifacts at the module root (gitignored).
func artifactsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			out := filepath.Join(dir, "testdata", "artifacts")
			return out, os.MkdirAll(out, 0o755)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test")
		}
		dir = parent
	}
}
