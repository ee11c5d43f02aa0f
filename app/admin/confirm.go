package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	view "taripay/views/admin"
)

// confirmAction is a confirmed form's POST: until the staff user says yes it
// renders f with question (or without it, after "back"); then it runs act as
// that user, shows act's error in f, or answers with done(act's message).
func (h *Handler) confirmAction(c *fiber.Ctx, f view.Form, question string, act func(context.Context) (string, error), done func(message string) error) error {
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = question
		return render(c, view.FormView(f))
	}
	message, err := act(actorCtx(c))
	if err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	return done(message)
}
