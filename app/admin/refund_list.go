package admin

import (
	"context"
	"encoding/base64"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/app/pay"
	"taripay/app/qr"
	"taripay/app/xtr"
	"taripay/engine"
	"taripay/engine/tari"
	view "taripay/views/admin"
)

type refundService interface {
	Refunds(ctx context.Context, statuses []engine.RefundStatus, limit int) ([]engine.Refund, error)
	MarkRefundSent(ctx context.Context, id int64, txid, reason string) (engine.Refund, error)
	CreditRefund(ctx context.Context, id int64, reason string) (engine.Refund, error)
}

// refundsShown is how many refunds the page lists, due and closed each,
// newest first.
const refundsShown = 200

// refundList lists the refunds due, each with its QR code and tari:// link
// for the shop's wallet, and the refunds closed.
func (h *Handler) refundList(c *fiber.Ctx) error {
	s, err := h.refundsSection(c, nil)
	if err != nil {
		return err
	}
	return render(c, view.RefundsView(view.RefundsPage{Layout: h.layout(c, "Refunds", "refunds"), Section: s}))
}

func (h *Handler) refundsSection(c *fiber.Ctx, flash *view.Flash) (view.RefundsSection, error) {
	ctx := c.UserContext()
	due, err := h.deps.Engine.Refunds(ctx, []engine.RefundStatus{engine.RefundDue}, refundsShown)
	if err != nil {
		return view.RefundsSection{}, err
	}
	closed, err := h.deps.Engine.Refunds(ctx, []engine.RefundStatus{engine.RefundSent, engine.RefundCredited}, refundsShown)
	if err != nil {
		return view.RefundsSection{}, err
	}
	s := view.RefundsSection{Flash: flash}
	for _, r := range due {
		row := view.RefundDueRow{
			Order: r.OrderID, OrderHref: orderHref(r.OrderID), Address: r.Address, Amount: xtr.Format(r.Amount),
			Refunded: r.ShopAmount + " " + r.Currency, Recorded: when(r.CreatedAt),
			Send: sendForm(r.ID, nil, nil), Credit: creditRefundForm(r.ID),
		}
		if to, err := tari.ParseAddress(r.Address); err == nil {
			row.PaymentURI = pay.PaymentURI(to, r.Amount, "Refund of order "+r.OrderID)
			png, err := qr.PNG(row.PaymentURI, 256)
			if err != nil {
				return view.RefundsSection{}, err
			}
			row.QRCode = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
		}
		s.Due = append(s.Due, row)
	}
	for _, r := range closed {
		status := view.Badge{Text: "Sent", Tone: "success"}
		if r.Status == engine.RefundCredited {
			status = view.Badge{Text: "Store credit", Tone: "info"}
		}
		s.Closed = append(s.Closed, view.RefundClosedRow{
			Order: r.OrderID, OrderHref: orderHref(r.OrderID), Address: r.Address, Amount: xtr.Format(r.Amount),
			Status: status, TxID: deref(r.TxID), Closed: whenPtr(r.ClosedAt),
		})
	}
	return s, nil
}

func (h *Handler) refundsDone(c *fiber.Ctx, message string) error {
	s, err := h.refundsSection(c, &view.Flash{Text: message, Tone: "success"})
	if err != nil {
		return err
	}
	full := view.RefundsView(view.RefundsPage{Layout: h.layout(c, "Refunds", "refunds"), Section: s})
	return formDone(c, "#refunds", full, view.RefundsSectionView(s))
}

func refundHref(id int64) string { return "/admin/refunds/" + strconv.FormatInt(id, 10) }

// refundID reads the :id of a refund route.
func refundID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.NewError(fiber.StatusNotFound, "no such refund")
	}
	return id, nil
}
