package pay

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/views"
)

// Show serves GET /pay/{token}: the claim-and-pay page.
func (h *Handler) Show(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p := h.page(c.UserContext(), o)
	if c.Query("claimed") != "" && o.Status != engine.OrderUnclaimed {
		p.Notice = "Claim accepted: this order is linked to your address."
	}
	return render(c, http.StatusOK, views.Pay(p))
}
