package admin

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

type syncService interface {
	RetrySideEffect(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error
}

func retryForm(orderID string, job int64) view.Form {
	id := strconv.FormatInt(job, 10)
	return view.Form{
		ID:     "retry-" + id,
		Action: orderHref(orderID) + "/sync/" + id + "/retry",
		Submit: "Retry…",
	}
}

// syncRetry queues a failed Shopify call of the order again, at once.
func (h *Handler) syncRetry(c *fiber.Ctx) error {
	ctx := c.UserContext()
	o, err := h.deps.Engine.Order(ctx, param(c, "id"), false)
	if err != nil {
		return err
	}
	job, err := strconv.ParseInt(c.Params("job"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	effects, err := h.deps.Engine.SideEffects(ctx, o.OrderID)
	if err != nil {
		return err
	}
	var se *engine.SideEffect
	for i := range effects {
		if effects[i].ID == job {
			se = &effects[i]
		}
	}
	if se == nil {
		return fiber.ErrNotFound
	}
	f := retryForm(o.OrderID, job)
	if se.State != engine.SideEffectFailed {
		// only a failed call may run again: a done one would repeat it
		f.Error = "Only a failed call can be retried."
		return formFail(c, statusConflict, view.FormView(f))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Try the Shopify " + syncRow(*se).Kind + " call of order " + o.OrderID + " again now?"
		return render(c, view.FormView(f))
	}
	actor := staffOf(c).Actor()
	if err := h.deps.Engine.RetrySideEffect(actorCtx(c), job, h.deps.Now(), "retry requested by "+actor, false); err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: shopify call retried", "order_id", o.OrderID, "job", job, "actor", actor)
	d, err := h.orderDetail(c, o.OrderID, &view.Flash{Text: "The Shopify call is queued again.", Tone: "success"})
	if err != nil {
		return err
	}
	full := view.OrderShowView(view.OrderShowPage{Layout: h.layout(c, "Order "+d.Order.Name, "orders"), Detail: d})
	return formDone(c, "#order-detail", full, view.OrderDetailView(d))
}
