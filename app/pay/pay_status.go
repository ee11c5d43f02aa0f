package pay

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"taripay/views"
)

// Status serves GET /pay/{token}/status?shown={status}, which the page's
// poller asks every few seconds: a new poller and the time left, plus the
// status text and the pay part when they differ from what the page shows
// (views.StatusView.Shown; or it named none), so the page's live region
// changes only then.
func (h *Handler) Status(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p, err := h.page(c.UserContext(), o)
	if err != nil {
		return done(h.internal(c, "status of order "+o.OrderID, err))
	}
	return render(c, http.StatusOK, views.StatusUpdate(p, c.Query("shown") != p.Status.Shown))
}
