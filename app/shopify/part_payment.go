package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"

	"taripay/app/shopify/adminapi"
	"taripay/app/xtr"
	"taripay/engine"
)

// Part payments (docs/part-payments.md): when a confirmed Tari payment
// leaves its order open, the order in Shopify shows what Tari has brought
// so far, in the shop currency at the order's own rate, by the first path
// the store allows:
//
//   - a partial orderCapture of the order's pending Tari transaction;
//   - else, on Shopify Plus, orderCreateManualPayment with an amount;
//   - else the order metafield taripay.received and a staff note line.
//
// Each job brings Shopify up to what taripay has confirmed for the order,
// measured against what Shopify already holds from Tari, so a retry after a
// lost reply, or a job that finds a later payment already shown, adds
// nothing. The order's mark-paid job then records only what is left.

// partPayment shows on Shopify's order what the order's confirmed Tari
// payments have brought so far (job.TxID is the payment that queued it).
func (w *Worker) partPayment(ctx context.Context, job engine.SideEffect, log *slog.Logger) error {
	o, err := w.orders.Order(ctx, job.OrderID, false)
	if errors.Is(err, engine.ErrOrderNotFound) {
		return permanent(fmt.Errorf("order %s is not stored", job.OrderID))
	}
	if err != nil {
		return err
	}
	if !o.Status.Open() {
		// Paid: its mark-paid job records all of it; closed otherwise:
		// nothing is to be shown as part of a sale.
		log.Info("shopify part payment not shown: the order is no longer open", "status", o.Status)
		return nil
	}
	payments, err := w.orderPayments(ctx, job.OrderID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(payments, func(p engine.Payment) bool { return p.TxID == job.TxID })
	if i < 0 || payments[i].Status != engine.PaymentConfirmed {
		return permanent(fmt.Errorf("payment %s of order %s is not a confirmed payment", job.TxID, job.OrderID))
	}
	received, err := engine.FromMicroTari(engine.Receipts(payments).Confirmed, o.Currency, o.ExchangeRate)
	if err != nil {
		return permanent(fmt.Errorf("order %s has no rate to show its part payment in %s: %w", job.OrderID, o.Currency, err))
	}
	live, err := w.admin.PartPaymentOrder(ctx, job.OrderID)
	if err != nil {
		return err
	}
	switch {
	case live.Cancelled || live.FinancialStatus == "PAID":
		log.Info("shopify part payment not shown: the order is closed in Shopify", "financial_status", live.FinancialStatus)
		return nil
	case !strings.EqualFold(live.Currency, o.Currency):
		return permanent(fmt.Errorf("order %s is in %s in Shopify but priced from %s in taripay", job.OrderID, live.Currency, o.Currency))
	}
	cur := live.Currency
	money := func(minor *big.Int) adminapi.MoneyV2 {
		return adminapi.MoneyV2{Amount: engine.FormatMinor(minor, cur), CurrencyCode: cur}
	}
	shown, pending, left, err := w.fromTari(live)
	if err != nil {
		return permanent(err)
	}
	add := new(big.Int).Sub(received, shown)
	if add.Sign() <= 0 {
		log.Info("shopify part payment already shown", "received", money(received).Amount, "shown", money(shown).Amount)
		return nil
	}
	// Captures and manual payments are in the customer's currency; taripay
	// knows amounts in the shop's, so they serve only when the two agree.
	// The last of the pending transaction is the mark-paid job's to record.
	sameCurrency := strings.EqualFold(live.PresentmentCurrency, cur)
	switch {
	case sameCurrency && pending != nil && add.Cmp(left) < 0:
		if err := w.admin.Capture(ctx, live.ID, adminapi.LiveTransaction{ID: pending.ID, Amount: money(add)}); err != nil {
			return err
		}
		log.Info("shopify part payment captured", "txid", job.TxID, "amount", money(add).Amount, "currency", cur)
	case sameCurrency && live.Plus:
		if err := w.admin.CreateManualPayment(ctx, live.ID, money(add), string(w.cfg.PaymentMethod)); err != nil {
			return err
		}
		log.Info("shopify part payment recorded as a manual payment", "txid", job.TxID, "amount", money(add).Amount, "currency", cur)
	default:
		line := fmt.Sprintf("Tari payment %s confirmed: %s; %s %s received in Tari so far.",
			job.TxID, xtr.Format(payments[i].Amount), money(received).Amount, cur)
		note := live.Note
		if !strings.Contains(note, "Tari payment "+job.TxID+" ") {
			note = strings.TrimLeft(note+"\n"+line, "\n")
		}
		if err := w.admin.RecordReceived(ctx, live.ID, money(received), note); err != nil {
			return err
		}
		log.Info("shopify part payment noted on the order", "txid", job.TxID, "received", money(received).Amount, "currency", cur)
	}
	return nil
}

// fromTari reads from a live order what Shopify already holds from Tari
// (the sum of its successful sales and captures through the Tari payment
// method), the order's pending Tari transaction (nil when it has none), and
// what is left to capture of that one.
func (w *Worker) fromTari(live adminapi.PartOrder) (shown *big.Int, pending *adminapi.PartTransaction, left *big.Int, err error) {
	amount := func(t adminapi.PartTransaction) (*big.Int, error) {
		n, err := engine.MinorUnits(t.Amount, live.Currency)
		if err != nil {
			return nil, fmt.Errorf("transaction %s: %w", t.ID, err)
		}
		return n, nil
	}
	shown = new(big.Int)
	for i, t := range live.Transactions {
		if !w.cfg.PaymentMethod.Is(t.Gateway) {
			continue
		}
		if t.Status == "PENDING" && (t.Kind == "AUTHORIZATION" || t.Kind == "SALE") && pending == nil {
			pending = &live.Transactions[i]
		}
		if t.Status == "SUCCESS" && (t.Kind == "SALE" || t.Kind == "CAPTURE") {
			n, err := amount(t)
			if err != nil {
				return nil, nil, nil, err
			}
			shown.Add(shown, n)
		}
	}
	if pending == nil {
		return shown, nil, nil, nil
	}
	if left, err = amount(*pending); err != nil {
		return nil, nil, nil, err
	}
	for _, t := range live.Transactions {
		if t.ParentID == pending.ID && t.Kind == "CAPTURE" && t.Status == "SUCCESS" {
			n, err := amount(t)
			if err != nil {
				return nil, nil, nil, err
			}
			left.Sub(left, n)
		}
	}
	return shown, pending, left, nil
}

// orderPayments reads every payment that names an order, a page at a
// time: what the order has received counts them all.
func (w *Worker) orderPayments(ctx context.Context, orderID string) ([]engine.Payment, error) {
	var all []engine.Payment
	for p := (engine.Page{Count: engine.MaxPageSize}); ; p.Offset += p.Count {
		page, err := w.orders.PaymentsForOrder(ctx, orderID, p)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < p.Count {
			return all, nil
		}
	}
}
