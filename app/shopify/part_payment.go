package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"

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

// Where the metafield path keeps the amount received.
const (
	receivedNamespace = "taripay"
	receivedKey       = "received"
)

// PartOrder is what a part-payment job reads of a live order and its shop.
type PartOrder struct {
	ID                  string // numeric
	Cancelled           bool
	FinancialStatus     string
	Currency            string // the shop currency
	PresentmentCurrency string
	Note                string
	Plus                bool // the shop is on Shopify Plus
	Transactions        []PartTransaction
}

// PartTransaction is one of a live order's transactions, in the shop
// currency.
type PartTransaction struct {
	ID       string // numeric
	Kind     string // AUTHORIZATION, CAPTURE, SALE, …
	Status   string // SUCCESS, PENDING, …
	Gateway  string
	Amount   string
	ParentID string
}

const partOrderQuery = `query PartPaymentOrder($id: ID!) {
  shop { plan { shopifyPlus } }
  order(id: $id) {
    id cancelledAt displayFinancialStatus currencyCode presentmentCurrencyCode note
    transactions(first: 100) {
      id kind status gateway
      amountSet { shopMoney { amount currencyCode } }
      parentTransaction { id }
    }
  }
}`

// PartPaymentOrder reads what a part-payment job needs of an order.
func (a *Admin) PartPaymentOrder(ctx context.Context, orderID string) (PartOrder, error) {
	var resp struct {
		Shop struct {
			Plan struct {
				ShopifyPlus bool `json:"shopifyPlus"`
			} `json:"plan"`
		} `json:"shop"`
		Order *struct {
			ID                      string  `json:"id"`
			CancelledAt             *string `json:"cancelledAt"`
			DisplayFinancialStatus  string  `json:"displayFinancialStatus"`
			CurrencyCode            string  `json:"currencyCode"`
			PresentmentCurrencyCode string  `json:"presentmentCurrencyCode"`
			Note                    *string `json:"note"`
			Transactions            []struct {
				ID        string       `json:"id"`
				Kind      string       `json:"kind"`
				Status    string       `json:"status"`
				Gateway   string       `json:"gateway"`
				AmountSet shopMoneySet `json:"amountSet"`
				Parent    *struct {
					ID string `json:"id"`
				} `json:"parentTransaction"`
			} `json:"transactions"`
		} `json:"order"`
	}
	if err := a.query(ctx, "PartPaymentOrder", partOrderQuery, map[string]any{"id": gid("Order", orderID)}, &resp); err != nil {
		return PartOrder{}, err
	}
	o := resp.Order
	if o == nil {
		return PartOrder{}, &CallError{Op: "PartPaymentOrder", Err: fmt.Errorf("%w: %s", ErrOrderGone, orderID)}
	}
	live := PartOrder{ID: numericID(o.ID), Cancelled: o.CancelledAt != nil, FinancialStatus: o.DisplayFinancialStatus,
		Currency: o.CurrencyCode, PresentmentCurrency: o.PresentmentCurrencyCode, Plus: resp.Shop.Plan.ShopifyPlus}
	if o.Note != nil {
		live.Note = *o.Note
	}
	for _, t := range o.Transactions {
		pt := PartTransaction{ID: numericID(t.ID), Kind: t.Kind, Status: t.Status, Gateway: t.Gateway, Amount: t.AmountSet.ShopMoney.Amount}
		if t.Parent != nil {
			pt.ParentID = numericID(t.Parent.ID)
		}
		live.Transactions = append(live.Transactions, pt)
	}
	return live, nil
}

const manualPaymentMutation = `mutation CreateManualPayment($id: ID!, $amount: MoneyInput!, $method: String!) {
  orderCreateManualPayment(id: $id, amount: $amount, paymentMethodName: $method) {
    order { id } userErrors { field message code }
  }
}`

// CreateManualPayment records amount as paid by the named payment method;
// Shopify takes an amount only from Plus stores.
func (a *Admin) CreateManualPayment(ctx context.Context, orderID string, amount MoneyV2, method string) error {
	var resp struct {
		OrderCreateManualPayment struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"orderCreateManualPayment"`
	}
	vars := map[string]any{"id": gid("Order", orderID), "method": method,
		"amount": map[string]any{"amount": amount.Amount, "currencyCode": amount.CurrencyCode}}
	if err := a.query(ctx, "CreateManualPayment", manualPaymentMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("CreateManualPayment", resp.OrderCreateManualPayment.UserErrors)
}

const recordReceivedMutation = `mutation RecordReceived($metafields: [MetafieldsSetInput!]!, $order: OrderInput!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
  orderUpdate(input: $order) { order { id } userErrors { field message } }
}`

// RecordReceived writes the amount received into the order's
// taripay.received money metafield and replaces its staff note with note,
// in one request.
func (a *Admin) RecordReceived(ctx context.Context, orderID string, received MoneyV2, note string) error {
	var resp struct {
		MetafieldsSet struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"metafieldsSet"`
		OrderUpdate struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"orderUpdate"`
	}
	value, err := json.Marshal(map[string]string{"amount": received.Amount, "currency_code": received.CurrencyCode})
	if err != nil {
		return err
	}
	vars := map[string]any{
		"metafields": []map[string]any{{"ownerId": gid("Order", orderID), "namespace": receivedNamespace,
			"key": receivedKey, "type": "money", "value": string(value)}},
		"order": map[string]any{"id": gid("Order", orderID), "note": note},
	}
	if err := a.query(ctx, "RecordReceived", recordReceivedMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("RecordReceived", append(resp.MetafieldsSet.UserErrors, resp.OrderUpdate.UserErrors...))
}

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
	payments, err := w.orders.PaymentsForOrder(ctx, job.OrderID)
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
	money := func(minor *big.Int) MoneyV2 {
		return MoneyV2{Amount: engine.FormatMinor(minor, cur), CurrencyCode: cur}
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
		if err := w.admin.Capture(ctx, live.ID, LiveTransaction{ID: pending.ID, Amount: money(add)}); err != nil {
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
func (w *Worker) fromTari(live PartOrder) (shown *big.Int, pending *PartTransaction, left *big.Int, err error) {
	amount := func(t PartTransaction) (*big.Int, error) {
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
