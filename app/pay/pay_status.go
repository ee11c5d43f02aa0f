package pay

import (
	"context"
	"io"
	"net/http"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/views"
)

// Status serves GET /pay/{token}/status?shown={status}: the page's "status"
// fragment, which htmx polls and swaps in place. When the status differs
// from the one the page shows, the claim-and-pay part is replaced too.
func (h *Handler) Status(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p, err := h.page(c.UserContext(), o)
	if err != nil {
		return done(h.internal(c, "status of order "+o.OrderID, err))
	}
	return render(c, http.StatusOK, templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := templ.RenderFragments(ctx, w, views.Pay(p), "status"); err != nil {
			return err
		}
		if shown := c.Query("shown"); shown != "" && shown != string(o.Status) {
			return views.Offer(p, true).Render(ctx, w)
		}
		return nil
	}))
}
