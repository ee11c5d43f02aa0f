package pay

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"taripay/app/qr"

	"github.com/gofiber/fiber/v2"
)

// QR serves GET /pay/{token}/qr.png: the payment URI as a PNG QR code. Its
// ETag is the URI's hash, so a price or wallet change is a new image.
func (h *Handler) QR(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p, err := h.page(c.UserContext(), o)
	if err != nil {
		return done(h.internal(c, "QR code for order "+o.OrderID, err))
	}
	if p.Payment == nil { // closed, or the shop has no payment address
		return done(h.notFound(c))
	}
	sum := sha256.Sum256([]byte(p.Payment.PaymentURI))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(http.StatusNotModified)
	}
	png, err := qr.PNG(p.Payment.PaymentURI, 320)
	if err != nil {
		return done(h.internal(c, "QR code for order "+o.OrderID, err))
	}
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(png)
}
