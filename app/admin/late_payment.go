package admin

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

type latePaymentService interface {
	LatePayments(ctx context.Context, q engine.LatePaymentQuery) ([]engine.LatePayment, error)
	RefundLatePayment(ctx context.Context, txid, reason string) (engine.Refund, error)
	KeepLatePayment(ctx context.Context, txid, reason string) (engine.LatePayment, error)
}

// latePaymentsShown is how many payments for closed orders the dashboard
// lists, newest first.
const latePaymentsShown = 50

func latePaymentHref(txid string) string { return "/admin/late-payments/" + url.PathEscape(txid) }

func refundLateForm(txid string) view.Form {
	return view.Form{ID: "refund-late-" + txid, Action: latePaymentHref(txid) + "/refund", Submit: "Refund it…"}
}

func keepLateForm(txid string) view.Form {
	return view.Form{ID: "keep-late-" + txid, Action: latePaymentHref(txid) + "/keep", Submit: "Keep as credit…"}
}

// latePaymentsSection lists the payments received for closed orders that
// the merchant has not dealt with yet.
func (h *Handler) latePaymentsSection(ctx context.Context) (view.LatePaymentsSection, error) {
	lps, err := h.deps.Engine.LatePayments(ctx, engine.LatePaymentQuery{Open: true, Limit: latePaymentsShown})
	if err != nil {
		return view.LatePaymentsSection{}, err
	}
	var s view.LatePaymentsSection
	for _, lp := range lps {
		s.Rows = append(s.Rows, view.LatePaymentRow{
			Order: lp.OrderID, OrderHref: orderHref(lp.OrderID), Status: orderBadge(lp.OrderStatus),
			Amount: xtr.Format(lp.Payment.Amount), Received: when(lp.Payment.CreatedAt), TxID: lp.Payment.TxID,
			Refund: refundLateForm(lp.Payment.TxID), Keep: keepLateForm(lp.Payment.TxID),
		})
	}
	return s, nil
}

// latePaymentRefund records a refund due of a payment received for a
// closed order, taken out of the customer's credit.
func (h *Handler) latePaymentRefund(c *fiber.Ctx) error {
	txid := param(c, "txid")
	return h.latePaymentAction(c, refundLateForm(txid),
		"Refund this payment to the address that paid it? It leaves the customer's credit now and is listed under Refunds due until you send it.",
		func(ctx context.Context) (string, error) {
			r, err := h.deps.Engine.RefundLatePayment(ctx, txid, "refunded from the dashboard")
			if err != nil {
				return "", err
			}
			h.deps.Log.Info("admin: payment for a closed order to refund", "tx_id", txid, "order_id", r.OrderID, "amount", r.Amount, "actor", staffOf(c).Actor())
			return "Refund of " + xtr.Format(r.Amount) + " for order " + r.OrderID + " is due: see Refunds.", nil
		})
}

// latePaymentKeep acknowledges a payment received for a closed order as
// the customer's credit, where it already is.
func (h *Handler) latePaymentKeep(c *fiber.Ctx) error {
	txid := param(c, "txid")
	return h.latePaymentAction(c, keepLateForm(txid), "Keep this payment as the customer's credit? It pays their next orders.",
		func(ctx context.Context) (string, error) {
			lp, err := h.deps.Engine.KeepLatePayment(ctx, txid, "kept as credit from the dashboard")
			if err != nil {
				return "", err
			}
			h.deps.Log.Info("admin: payment for a closed order kept as credit", "tx_id", txid, "order_id", lp.OrderID, "actor", staffOf(c).Actor())
			return "Payment " + txid + " for order " + lp.OrderID + " is kept as credit.", nil
		})
}

// latePaymentAction asks to confirm, runs act as the staff user and
// re-renders the dashboard card with act's message.
func (h *Handler) latePaymentAction(c *fiber.Ctx, f view.Form, confirm string, act func(context.Context) (string, error)) error {
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = confirm
		return render(c, view.FormView(f))
	}
	message, err := act(actorCtx(c))
	if err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	p, err := h.dashboardPage(c)
	if err != nil {
		return err
	}
	p.LatePayments.Flash = &view.Flash{Text: message, Tone: "success"}
	return formDone(c, "#late-payments", view.DashboardView(p), view.LatePaymentsSectionView(p.LatePayments))
}
