package api

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// ListIDs answers GET /api/customer_ids and GET /api/addresses with
// list(ctx, offset, count): distinct customer ids or payment senders,
// sorted. Unlike the reference, count without offset starts at 0 and
// offset without count skips that many.
func ListIDs(list func(ctx context.Context, offset, count int) ([]string, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, err := query(c, "offset", "count")
		if err != nil {
			return err
		}
		var page [2]int
		for i, name := range []string{"offset", "count"} {
			v, ok := q[name]
			if !ok {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return errQuery(fmt.Sprintf("invalid value for `%s`: expected a non-negative integer", name))
			}
			page[i] = n
		}
		ids, err := list(c.UserContext(), page[0], page[1])
		if err != nil {
			return fromEngine(err, "")
		}
		return render(c, ids)
	}
}
