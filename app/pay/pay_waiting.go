package pay

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/views"
)

// waitingRefresh is how often the page of an order waiting for its exchange
// rate reloads itself, to show the payment page once the order is priced.
const waitingRefresh = 10 // seconds

// waitingOrNotFound answers a claim token that names no order: the waiting
// page when its order waits for an exchange rate (engine.WaitingOrder),
// else the 404 page.
func (h *Handler) waitingOrNotFound(c *fiber.Ctx, token string) error {
	w, err := h.eng.WaitingOrderByClaimToken(c.UserContext(), token)
	switch {
	case errors.Is(err, engine.ErrOrderNotFound):
		return h.notFound(c)
	case err != nil:
		return h.internal(c, "load waiting order by claim token", err)
	}
	if err := render(c, http.StatusOK, views.MessagePage(views.Message{
		Shop:  h.shopName(c.UserContext()),
		Title: "The shop is setting its Tari price",
		Text: "Your order " + orderName(w.OrderID, w.AltID) + " (" + w.Price + " " + w.Currency + ") is saved. " +
			"The shop has not set a Tari price for " + w.Currency + " yet; this page shows the amount to pay " +
			"as soon as it has, and reloads by itself.",
		Refresh: waitingRefresh,
	})); err != nil {
		return err
	}
	return errAnswered
}
