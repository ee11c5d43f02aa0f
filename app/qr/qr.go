// Package qr draws the QR codes taripay serves: payment links for
// customers' wallets, and refunds for the merchant's.
package qr

import (
	"image"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
)

// PNG draws text as a QR code of size pixels square that a ZXing-family scanner, the reader of
// most wallet apps, reads back as text. go-qrcode's mask choice now and then
// leaves data that such a scanner takes for a finder pattern (about one
// payment link in sixty at Medium), so each recovery level's image is read
// back before it is served, and the first that reads as text wins. Should
// none read, the Medium one is served, as before.
func PNG(text string, size int) ([]byte, error) {
	var first *qrcode.QRCode
	for _, level := range []qrcode.RecoveryLevel{qrcode.Medium, qrcode.High, qrcode.Low, qrcode.Highest} {
		q, err := qrcode.New(text, level)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = q
		}
		if readsAs(q.Image(size), text) {
			return q.PNG(size)
		}
	}
	return first.PNG(size)
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
