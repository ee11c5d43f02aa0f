package api

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/app/export"
)

// Export answers GET /api/export/{orders,payments,ledger}.csv with the
// export of kind for the window the since and until parameters give.
func Export(e export.Source, kind export.Kind, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, err := query(c, "since", "until")
		if err != nil {
			return err
		}
		win, err := export.ParseWindow(q["since"], q["until"])
		if err != nil {
			return errQuery(err.Error())
		}
		return export.Send(c, e, kind, win, log)
	}
}
