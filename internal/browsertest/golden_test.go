package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// page draws a 100×50 white image with a black 20×10 "word" at x, and
// noise pixels shifted by delta, as anti-aliasing does.
func page(t *testing.T, w, x int, noise int, delta uint8) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, 50))
	for y := range 50 {
		for i := range w {
			img.SetNRGBA(i, y, color.NRGBA{255, 255, 255, 255})
		}
	}
	for y := 20; y < 30; y++ {
		for i := x; i < x+20; i++ {
			img.SetNRGBA(i, y, color.NRGBA{0, 0, 0, 255})
		}
	}
	for i := range noise {
		img.SetNRGBA(i, 0, color.NRGBA{255 - delta, 255 - delta, 255 - delta, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCompareImages(t *testing.T) {
	golden := page(t, 100, 10, 0, 0)
	for _, tc := range []struct {
		name string
		got  []byte
		err  string // "" when it matches
	}{
		{"same", page(t, 100, 10, 0, 0), ""},
		{"anti-aliasing: small shifts anywhere", page(t, 100, 10, 100, 40), ""},
		{"a few pixels far off", page(t, 100, 10, 4, 200), ""},
		{"too many pixels far off", page(t, 100, 10, 6, 200), "6 of 5000 pixels differ"},
		{"text moved", page(t, 100, 12, 0, 0), "40 of 5000 pixels differ"},
		{"size changed", page(t, 101, 10, 0, 0), "size 101x50, golden 100x50"},
		{"not a PNG", []byte("<html>"), "screenshot:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diff, err := CompareImages(golden, tc.got, DefaultTolerance)
			if tc.err == "" {
				if err != nil {
					t.Errorf("want a match, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if strings.Contains(tc.err, "pixels differ") && diff == nil {
				t.Error("no diff image")
			}
		})
	}
}
