package pay

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"taripay/views"
)

// Show serves GET /pay/{token}: the claim-and-pay page.
func (h *Handler) Show(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p, err := h.page(c.UserContext(), o)
	if err != nil {
		return done(h.internal(c, "show order "+o.OrderID, err))
	}
	if notices := h.flash.take(c); len(notices) > 0 {
		p.Notice = notices[len(notices)-1]
	}
	return render(c, http.StatusOK, views.Pay(p))
}
