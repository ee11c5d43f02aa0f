package pay

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/views"
)

// EmailLink serves GET /pay/order/{order_id}/{mac}, the link in the order
// confirmation email. The email is rendered from Liquid, which knows the
// order id but not our claim token, so the link carries
// HMAC-SHA256(LinkSecret, order_id) instead; without the secret, order ids
// cannot be turned into pay pages. The email may arrive before our
// orders/create webhook, so an order we do not know yet gets a page that
// reloads itself until it appears.
func (h *Handler) EmailLink(c *fiber.Ctx) error {
	id, mac := c.Params("order_id"), c.Params("mac")
	if len(h.cfg.LinkSecret) == 0 || !hmac.Equal([]byte(mac), []byte(LinkMAC(h.cfg.LinkSecret, id))) {
		return done(h.notFound(c))
	}
	o, err := h.eng.Order(c.UserContext(), id, false)
	switch {
	case errors.Is(err, engine.ErrOrderNotFound):
		return render(c, http.StatusOK, views.MessagePage(views.Message{
			Title:   "Preparing your payment page",
			Text:    "The shop is still registering your order. This page reloads by itself in a few seconds.",
			Refresh: 5,
		}))
	case err != nil:
		return done(h.internal(c, "load order for email link", err))
	}
	return c.Redirect("/pay/"+o.ClaimToken, http.StatusSeeOther)
}

// LinkMAC is the lowercase hex HMAC-SHA256 of an order id, as Liquid's
// hmac_sha256 filter writes it.
func LinkMAC(secret []byte, orderID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(orderID))
	return hex.EncodeToString(m.Sum(nil))
}
