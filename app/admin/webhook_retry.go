package admin

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/internal/shopdata"
	view "taripay/views/admin"
)

// Webhooks are the Shopify deliveries whose processing failed (the Shopify
// integration's inbox).
type Webhooks interface {
	WebhookFailures(ctx context.Context, limit int) ([]shopdata.WebhookFailure, error)
	// RetryWebhook processes a delivery that failed for good again; false
	// when it had not.
	RetryWebhook(ctx context.Context, id int64) (bool, error)
}

func webhookRetryForm(id int64) view.Form {
	s := strconv.FormatInt(id, 10)
	return view.Form{ID: "webhook-retry-" + s, Action: "/admin/webhooks/" + s + "/retry", Submit: "Retry…"}
}

func deliveryRow(f shopdata.WebhookFailure) view.DeliveryRow {
	r := view.DeliveryRow{
		Received: when(f.ReceivedAt),
		Topic:    f.Topic,
		OrderID:  f.OrderID,
		State:    view.Badge{Text: "Retrying", Tone: "attention"},
		Attempts: strconv.Itoa(f.Attempts),
		Error:    f.LastError,
	}
	if f.Final {
		r.State = view.Badge{Text: "Failed", Tone: "critical"}
		form := webhookRetryForm(f.ID)
		r.Retry = &form
	}
	return r
}

// webhookRetry processes a Shopify delivery that failed for good again,
// once the cause (a setting, a missing rate, a bug fixed since) is dealt
// with.
func (h *Handler) webhookRetry(c *fiber.Ctx) error {
	if h.deps.Webhooks == nil {
		return fiber.ErrNotFound
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	f := webhookRetryForm(id)
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Process Shopify webhook delivery " + c.Params("id") + " again now?"
		return render(c, view.FormView(f))
	}
	ok, err := h.deps.Webhooks.RetryWebhook(actorCtx(c), id)
	switch {
	case err != nil:
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	case !ok:
		f.Error = "Only a delivery that failed for good can be retried."
		return formFail(c, statusConflict, view.FormView(f))
	}
	h.deps.Log.Info("admin: webhook delivery retried", "webhook", id, "actor", staffOf(c).Actor())
	return render(c, view.FlashView(view.Flash{Text: "The delivery is being processed again; reload the dashboard to see how it went.", Tone: "success"}))
}
