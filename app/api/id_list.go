package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// ListIDs answers GET /api/customer_ids and GET /api/addresses with one
// page of list: distinct customer ids or linked addresses, sorted. Unlike
// the reference, count without offset starts at 0, offset without count
// reads a full page, and a page holds at most engine.MaxPageSize ids.
func ListIDs(list func(ctx context.Context, p engine.Page) ([]string, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		ids, err := list(c.UserContext(), p)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, ids)
	}
}
