package admin

import (
	"github.com/gofiber/fiber/v2"

	"taripay/app/export"
	view "taripay/views/admin"
)

// exportDownload answers /admin/export/{orders,payments,ledger}.csv with the
// same streamed CSV as the API's /api/export (docs/money.md), for any staff
// user: every staff user reads every page.
func (h *Handler) exportDownload(kind export.Kind) fiber.Handler {
	return func(c *fiber.Ctx) error {
		win, err := export.ParseWindow(c.Query("since"), c.Query("until"))
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		return export.Send(c, h.deps.Engine, kind, win, h.deps.Log)
	}
}

// exportLinks are the dashboard's download buttons, one per export.
func exportLinks() []view.ExportLink {
	links := make([]view.ExportLink, len(export.Kinds))
	for i, k := range export.Kinds {
		links[i] = view.ExportLink{
			Label:    "Download " + k.Filename(),
			Href:     "/admin/export/" + k.Filename(),
			Filename: k.Filename(),
			TestID:   "export-" + string(k),
		}
	}
	return links
}
