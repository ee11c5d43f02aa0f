package pay

import (
	"context"
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
// cannot be turned into pay pages. An order waiting for its exchange rate
// has its claim token already, and its page says so. The email may arrive
// before our orders/create webhook, so an order we do not know yet gets a
// page that reloads itself until it appears.
func (h *Handler) EmailLink(c *fiber.Ctx) error {
	id, mac := c.Params("order_id"), c.Params("mac")
	if len(h.cfg.LinkSecret) == 0 || !hmac.Equal([]byte(mac), []byte(LinkMAC(h.cfg.LinkSecret, id))) {
		return done(h.notFound(c))
	}
	token, err := h.claimToken(c.UserContext(), id)
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
	return c.Redirect("/pay/"+token, http.StatusSeeOther)
}

// claimToken is the claim token of the order id, priced or waiting for its
// exchange rate.
func (h *Handler) claimToken(ctx context.Context, orderID string) (string, error) {
	o, err := h.eng.Order(ctx, orderID, false)
	if !errors.Is(err, engine.ErrOrderNotFound) {
		return o.ClaimToken, err
	}
	w, err := h.eng.WaitingOrder(ctx, orderID)
	return w.ClaimToken, err
}

// LinkMAC is the lowercase hex HMAC-SHA256 of an order id, as Liquid's
// hmac_sha256 filter writes it.
func LinkMAC(secret []byte, orderID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(orderID))
	return hex.EncodeToString(m.Sum(nil))
}
