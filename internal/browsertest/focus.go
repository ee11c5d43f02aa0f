package browsertest

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// FocusRingVisible focuses the element that sel finds, as the keyboard
// would, and looks at the pixels beside it, going outwards from its left,
// right and top edges. As in a two-tone ring (WCAG technique C40), a band
// at least 2 px wide that contrasts 3:1 with the element's own colour must
// start within 3 px of its edge, so the ring does not melt into a dark
// button, and a band at least 2 px wide must contrast 3:1 with what lies
// behind, so it shows on the page. The page must be at a device pixel
// ratio of 1, with nothing else within 12 px of the element.
func FocusRingVisible(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// a key press first puts the page in keyboard mode, where focus() shows
	// the ring as Tab would
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatalf("press Tab: %v", err)
	}
	type rect struct{ X, Y, W, H int }
	r, err := chromedp.Run(ctx, chromedp.Evaluate[rect](`(() => {
		const b = document.querySelector(`+strconv.Quote(sel)+`);
		b.focus();
		if (!b.matches(":focus-visible")) throw new Error("no :focus-visible");
		const r = b.getBoundingClientRect();
		return {X: Math.round(r.x), Y: Math.round(r.y), W: Math.round(r.width), H: Math.round(r.height)};
	})()`))
	if err != nil {
		t.Fatalf("focus %s: %v", sel, err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	const reach = 12 // the ring lies within; beyond it is the background
	own := img.At(r.X+3, r.Y+r.H/2)
	sides := []struct {
		name         string
		x, y, dx, dy int // the first pixel outside, and the way out
	}{
		{"left", r.X - 1, r.Y + r.H/2, -1, 0},
		{"right", r.X + r.W, r.Y + r.H/2, 1, 0},
		{"top", r.X + r.W/2, r.Y - 1, 0, -1},
	}
	for _, s := range sides {
		behind := img.At(s.x+s.dx*reach, s.y+s.dy*reach)
		var onOwn, onBehind band
		for i := range reach - 2 {
			px := img.At(s.x+s.dx*i, s.y+s.dy*i)
			onOwn.add(i, contrast(px, own) >= 3)
			onBehind.add(i, contrast(px, behind) >= 3)
		}
		if onOwn.nearBest < 2 || onBehind.best < 2 {
			t.Errorf("focus ring %s of %s: %d px within 3 px of the edge contrast 3:1 with the element, %d px with the background; want 2 px each",
				s.name, sel, onOwn.nearBest, onBehind.best)
		}
	}
}

// band measures runs of pixels that pass, going outwards from the edge:
// the longest, and the longest that starts within 3 px of the edge.
type band struct{ start, run, best, nearBest int }

func (b *band) add(i int, ok bool) {
	if !ok {
		b.run = 0
		return
	}
	if b.run == 0 {
		b.start = i
	}
	b.run++
	b.best = max(b.best, b.run)
	if b.start < 3 {
		b.nearBest = max(b.nearBest, b.run)
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// luminance is the WCAG relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
