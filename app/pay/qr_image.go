package pay

import (
	"bytes"
	"image"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the QR code's width and height in pixels.
const qrSize = 320

// qrPNG draws uri as a QR code that a ZXing-family scanner, the reader of
// most wallet apps, reads back as uri. go-qrcode's mask choice now and then
// leaves data that such a scanner takes for a finder pattern (about one
// payment link in sixty at Medium), so each recovery level's image is read
// back before it is served, and the first that reads as uri wins. Should
// none read, the Medium one is served, as before.
func qrPNG(uri string) ([]byte, error) {
	var first image.Image
	for _, level := range []qrcode.RecoveryLevel{qrcode.Medium, qrcode.High, qrcode.Low, qrcode.Highest} {
		q, err := qrcode.New(uri, level)
		if err != nil {
			return nil, err
		}
		img := q.Image(qrSize)
		if first == nil {
			first = img
		}
		if readsAs(img, uri) {
			return encodePNG(img)
		}
	}
	return encodePNG(first)
}

// readsAs reports whether a QR code scanner reads img as text.
func readsAs(img image.Image, text string) bool {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return false
	}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
	return err == nil && res.GetText() == text
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
