package pay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"taripay/app/xtr"
	"taripay/engine"
	"taripay/views"
)

// notReady is why no order can be paid while the shop has no payment
// address (engine.Engine.PaymentAddress).
const notReady = "This shop is not ready to take Tari yet, so this order cannot be paid right now. " +
	"Please do not send a payment; try again later or contact the shop."

// page builds the view model of an order's pay page. Why an order cannot be
// paid is p.Closed; the error is only for faults, such as a lost database.
func (h *Handler) page(ctx context.Context, o engine.Order) (views.PayPage, error) {
	now := h.now()
	p := views.PayPage{
		Token:           o.ClaimToken,
		Shop:            h.shopName(ctx),
		OrderName:       orderName(o.OrderID, o.AltID),
		Amount:          xtr.Format(o.TotalPrice),
		AmountMicroTari: int64(o.TotalPrice),
		Status:          h.status(o, now),
	}
	p.Fiat, p.Rate = h.fiat(ctx, o)
	shown, err := h.offer(ctx, o, now, &p)
	// What the page shows: the status and, while it is open, whether payment
	// is offered, which also changes when the deadline passes, the shop gets
	// a payment address or a payment for the order arrives. The poll says it
	// back (Status).
	p.Status.Shown = string(o.Status)
	if o.Status.Open() {
		p.Status.Shown += shown
		p.Status.PollURL = "/pay/" + o.ClaimToken + "/status?shown=" + p.Status.Shown
		p.Status.Interval = "every " + h.cfg.PollInterval.String()
	}
	return p, err
}

// offer fills in how to pay an open order, and the claim form, or why it
// cannot be paid. It returns what the page shows beyond the order's status,
// for views.StatusView.Shown: "-closed" when payment is not offered, and
// "-received-{µT}" when payments for the order have arrived.
func (h *Handler) offer(ctx context.Context, o engine.Order, now time.Time, p *views.PayPage) (string, error) {
	expired := h.expired(o, now)
	if reason := closedReason(o, expired); reason != "" {
		p.Closed = reason
		if expired {
			// The expiry worker has yet to close it.
			p.Status.Label, p.Status.Detail = "Expired", "The time to pay this order ran out."
		}
		if o.Status == engine.OrderExpired || o.Status == engine.OrderCancelled {
			late, err := h.late(ctx, o)
			p.Late = late
			return "-closed", err
		}
		return "-closed", nil
	}
	// Payments that name a New order (a payment that names the order also
	// claims it for its sender) leave only the rest due.
	var r engine.OrderReceipts
	if o.Status == engine.OrderNew {
		var err error
		if r, err = h.eng.ReceiptsForOrder(ctx, o); err != nil {
			return "", fmt.Errorf("payments for order %s: %w", o.OrderID, err)
		}
	}
	received := ""
	if r.Total() > 0 {
		received = "-received-" + r.Total().String()
	}
	due := r.Due(o.TotalPrice)
	if received != "" && due == 0 {
		waiting(r, p)
		return received, nil
	}
	to, err := h.eng.PaymentAddress(ctx)
	switch {
	case errors.Is(err, engine.ErrNoPaymentAddress):
		p.Closed = notReady
		p.Status.Label, p.Status.Detail = "Waiting for the shop", "The shop cannot take Tari payments yet. This page shows how to pay as soon as it can."
		return "-closed", nil
	case err != nil:
		return "", fmt.Errorf("pay page of order %s: %w", o.OrderID, err)
	}
	// The order's own address carries its note as a payment id, so the
	// customer need type nothing; the note stays in the link and on the
	// page for a wallet that cannot send to such an address.
	note := h.paymentNote(o)
	to, own := engine.OrderAddress(to, o, h.cfg.NoteByName)
	p.Payment = &views.PaymentDetails{
		Amount:       xtr.Format(due),
		Address:      to.Base58(),
		OrderAddress: own,
		Emoji:        to.Emoji(),
		PaymentURI:   PaymentURI(to, due, note),
		QRURL:        "/pay/" + o.ClaimToken + "/qr.png",
		Note:         note,
	}
	if received != "" {
		partlyPaid(r, due, p)
		return received, nil
	}
	form := &views.ClaimForm{Action: "/pay/" + o.ClaimToken + "/claim", OrderID: o.OrderID}
	switch o.Status {
	case engine.OrderUnclaimed:
		p.Claim = form
	case engine.OrderNew:
		if p.Elsewhere, err = h.claimedElsewhere(ctx, o); err != nil {
			return "", err
		}
		if p.Elsewhere != nil {
			p.Claim = form
			p.Status.Detail = "The order is marked paid once a payment for it is confirmed."
		}
	}
	return "", nil
}

// waiting says that payments covering the order have arrived: the page
// then waits for their confirmation and offers neither payment nor a
// claim, so the customer does not pay twice.
func waiting(r engine.OrderReceipts, p *views.PayPage) {
	p.Status.Label = "Payment received — waiting for confirmation (" + xtr.Format(r.Total()) + " of " + p.Amount + ")"
	p.Status.Detail = "Your payment has arrived. The order is marked paid once the shop's wallet confirms it; there is nothing more to do."
	p.Closed = "Your payment for this order has arrived. Please do not send it again. If you did not send it, contact the shop."
}

// partlyPaid says that payments for less than the order's total have
// arrived, pending or confirmed, and what is still due, which the page
// offers to pay (with the same note) instead of the total. It offers no
// claim: the payment's sender claimed the order.
func partlyPaid(r engine.OrderReceipts, due engine.MicroTari, p *views.PayPage) {
	p.Status.Label = "Received " + xtr.Format(r.Total()) + " of " + p.Amount + ", " + xtr.Format(due) + " still due"
	p.Status.Detail = "Part of this order's total has arrived. Send the " + xtr.Format(due) +
		" still due below, with the same note; the order is marked paid once the whole total is confirmed. " +
		"If you did not send that payment, contact the shop."
}

// late says so when payments for a closed order arrived after it closed
// (engine.LatePayment); nil when none did.
func (h *Handler) late(ctx context.Context, o engine.Order) (*views.LatePayment, error) {
	lps, err := h.eng.LatePayments(ctx, engine.LatePaymentQuery{OrderID: o.OrderID})
	if err != nil || len(lps) == 0 {
		return nil, err
	}
	l := &views.LatePayment{Refunding: true}
	var total engine.MicroTari
	for _, lp := range lps {
		total += lp.Payment.Amount
		l.Refunding = l.Refunding && lp.Outcome != nil && *lp.Outcome == engine.LateRefunded
	}
	l.Amount = xtr.Format(total)
	if h.cfg.Shop != "" {
		l.ShopURL = "https://" + h.cfg.Shop
	}
	return l, nil
}

// claimedElsewhere reports a New order that nobody claimed on this page,
// so perhaps a stranger who knew its id: the page then says so, offers
// the claim form again (a claim here proves the customer, who then sees
// their orders), and keeps offering payment. Nil when it was claimed here.
func (h *Handler) claimedElsewhere(ctx context.Context, o engine.Order) (*views.ClaimedElsewhere, error) {
	viewers, err := h.eng.OrderViewers(ctx, o.OrderID)
	if err != nil {
		return nil, fmt.Errorf("viewers of order %s: %w", o.OrderID, err)
	}
	e := &views.ClaimedElsewhere{}
	if h.cfg.Shop != "" {
		e.ShopURL = "https://" + h.cfg.Shop
	}
	for _, v := range viewers {
		switch v.Proof {
		case engine.ProofPayPage:
			return nil, nil
		case engine.ProofClaim, engine.ProofPayment:
			if e.Claimant == "" {
				e.Claimant = v.Address
			}
		}
	}
	return e, nil
}

// expired reports an open order past its deadline, which the expiry worker
// has not yet closed; it is no longer offered for payment.
func (h *Handler) expired(o engine.Order, now time.Time) bool {
	t, ok := h.eng.Deadline(o)
	return ok && !now.Before(t)
}

// closedReason says why an order must not be paid, or "" when it may be.
func closedReason(o engine.Order, expired bool) string {
	switch {
	case o.Status == engine.OrderPaid:
		return "This order is paid. Thank you! Please do not send another payment."
	case o.Status == engine.OrderCancelled:
		return "This order was cancelled, so it can no longer be paid. Please do not send a payment; contact the shop if you think this is a mistake."
	case o.Status == engine.OrderExpired, expired:
		return "This order expired before it was paid, so it can no longer be paid. Please do not send a payment; contact the shop to order again."
	}
	return ""
}

func (h *Handler) status(o engine.Order, now time.Time) views.StatusView {
	s := views.StatusView{Status: string(o.Status)}
	switch o.Status {
	case engine.OrderUnclaimed:
		s.Label, s.Detail = "Waiting for your payment", "Pay with the QR code, or the address and note below. This page updates by itself."
	case engine.OrderNew:
		s.Label, s.Detail = "Claimed, waiting for payment", "Your claim is recorded. The order is marked paid once your payment is confirmed."
	case engine.OrderPaid:
		s.Label, s.Detail = "Paid", "Your payment is confirmed. The shop will process your order."
	case engine.OrderExpired:
		s.Label, s.Detail = "Expired", "The time to pay this order ran out."
	case engine.OrderCancelled:
		s.Label, s.Detail = "Cancelled", "This order was cancelled."
	default:
		s.Label = string(o.Status)
	}
	if t, ok := h.eng.Deadline(o); ok {
		if left := t.Sub(now); left > 0 {
			s.TimeLeft = "Time left: " + formatLeft(left) + "."
		} else {
			s.TimeLeft = "The time to pay has run out."
		}
	}
	return s
}

// fiat describes the storefront price and the rate that priced the order.
// Without a stored rate it shows today's rate, labelled as such.
func (h *Handler) fiat(ctx context.Context, o engine.Order) (fiat, rate string) {
	if o.Currency == "" || o.Currency == "XTR" {
		return "", ""
	}
	if o.OriginalPrice != nil {
		fiat = *o.OriginalPrice + " " + o.Currency
	}
	if o.ExchangeRate > 0 {
		return fiat, "Rate used: " + formatRate(o.Currency, o.ExchangeRate)
	}
	r, err := h.eng.ExchangeRate(ctx, o.Currency)
	if err != nil || r.Rate <= 0 {
		return fiat, ""
	}
	return fiat, "Today's rate: " + formatRate(o.Currency, r.Rate)
}
