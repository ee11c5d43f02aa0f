package pay

import (
	"context"
	"io"
	"net/http"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/views"
)

// Status serves GET /pay/{token}/status: the page's "status" fragment, which
// htmx polls and swaps in place.
func (h *Handler) Status(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	p := h.page(c.UserContext(), o)
	return render(c, http.StatusOK, templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return templ.RenderFragments(ctx, w, views.Pay(p), "status")
	}))
}
