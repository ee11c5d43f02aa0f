package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

// settleForm is the settle action's form of the account at href; id is the
// form's element id.
func settleForm(id, href string) view.Form {
	return view.Form{ID: id, Action: href + "/settle", Title: "Settle", Submit: "Settle…"}
}

// settle is the flow both settle actions share, of a customer and of an
// address: once confirmed, pay open orders from the balance with pay, log it
// under the account's key, and answer with done's re-rendered page.
func (h *Handler) settle(c *fiber.Ctx, f view.Form, question string, pay func(context.Context) (engine.MultiAccountPayment, error),
	key, account string, done func(message string) error) error {
	return h.confirmAction(c, f, question, func(ctx context.Context) (string, error) {
		paid, err := pay(ctx)
		if err != nil {
			return "", err
		}
		h.deps.Log.Info("admin: settle", key, account, "orders_paid", len(paid.OrdersPaid), "actor", staffOf(c).Actor())
		return "Settled; " + plural(len(paid.OrdersPaid), "order") + " paid.", nil
	}, done)
}
