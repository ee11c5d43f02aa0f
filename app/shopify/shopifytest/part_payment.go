package shopifytest

import (
	"math/big"

	"taripay/engine"
)

// The fake's side of part payments (app/shopify/part_payment.go): partial
// captures of a pending manual transaction, manual payments with an
// amount on Plus, the taripay.received metafield, and the outstanding
// amount all of them reduce, as Shopify keeps it.

// Outstanding is what Shopify still expects to be paid of an order: its
// total less its successful sales and captures.
func (f *Fake) Outstanding(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.outstanding(f.orders[id])
}

// outstanding is Outstanding with f.mu held; "" for an order without a
// total.
func (f *Fake) outstanding(o *Order) string {
	if o == nil || o.TotalPrice == "" {
		return ""
	}
	left := f.minor(o.TotalPrice, o.Currency)
	for _, t := range o.Transactions {
		if t.Status == "SUCCESS" && (t.Kind == "SALE" || t.Kind == "CAPTURE") {
			left.Sub(left, f.minor(t.Amount, o.Currency))
		}
	}
	return engine.FormatMinor(left, o.Currency)
}

// minor parses an amount the fake holds or was given, failing the test on
// a malformed one; a test's transaction without an amount counts as zero.
func (f *Fake) minor(amount, currency string) *big.Int {
	if amount == "" {
		return new(big.Int)
	}
	n, err := engine.MinorUnits(amount, currency)
	if err != nil {
		f.t.Errorf("fake Shopify: amount %q: %v", amount, err)
		return new(big.Int)
	}
	return n
}

// capturePending captures part of a pending manual transaction, which stays
// pending for the rest; a capture beyond what is left of it is refused.
func (f *Fake) capturePending(o *Order, parent int, input map[string]any) any {
	p := o.Transactions[parent]
	amount, _ := input["amount"].(string)
	left := f.minor(p.Amount, o.Currency)
	for _, t := range o.Transactions {
		if t.ParentID == p.ID && t.Kind == "CAPTURE" && t.Status == "SUCCESS" {
			left.Sub(left, f.minor(t.Amount, o.Currency))
		}
	}
	if n := f.minor(amount, o.Currency); n.Sign() <= 0 || n.Cmp(left) > 0 {
		return mutation("orderCapture", "userErrors", "Amount can't be greater than the authorized amount")
	}
	o.Transactions = append(o.Transactions, Transaction{ID: f.newID(), Kind: "CAPTURE", Status: "SUCCESS",
		Amount: amount, Currency: o.Currency, ParentID: p.ID, Gateway: p.Gateway})
	f.partlyPaid(o)
	return mutation("orderCapture", "userErrors", "")
}

// partlyPaid moves an order with money received and some outstanding to
// PARTIALLY_PAID, and one with nothing outstanding to PAID.
func (f *Fake) partlyPaid(o *Order) {
	if f.minor(f.outstanding(o), o.Currency).Sign() <= 0 {
		o.FinancialStatus = "PAID"
	} else {
		o.FinancialStatus = "PARTIALLY_PAID"
	}
}

// applyPartPayment runs the part-payment operations; f.mu is held.
func (f *Fake) applyPartPayment(op string, vars map[string]any) any {
	switch op {
	case "PartPaymentOrder":
		o := f.orders[idOf(vars["id"])]
		shop := map[string]any{"plan": map[string]any{"shopifyPlus": f.Plus}}
		if o == nil {
			return map[string]any{"shop": shop, "order": nil}
		}
		order, _ := orderJSON(o).(map[string]any)
		var note any
		if o.Note != "" {
			note = o.Note
		}
		presentment := o.PresentmentCurrency
		if presentment == "" {
			presentment = o.Currency
		}
		order["currencyCode"], order["presentmentCurrencyCode"], order["note"] = o.Currency, presentment, note
		return map[string]any{"shop": shop, "order": order}
	case "CreateManualPayment":
		o := f.orders[idOf(vars["id"])]
		amount, _ := vars["amount"].(map[string]any)
		value, _ := amount["amount"].(string)
		method, _ := vars["method"].(string)
		switch {
		case o == nil:
			return mutation("orderCreateManualPayment", "userErrors", "Order does not exist")
		case !f.Plus:
			// Shopify's words: the amount field is for Plus stores only.
			return mutation("orderCreateManualPayment", "userErrors", "Amount can only be specified on Shopify Plus stores")
		case o.FinancialStatus == "PAID" || f.minor(value, o.Currency).Cmp(f.minor(f.outstanding(o), o.Currency)) > 0:
			return mutation("orderCreateManualPayment", "userErrors", "Amount exceeds the outstanding amount")
		}
		o.Transactions = append(o.Transactions, Transaction{ID: f.newID(), Kind: "SALE", Status: "SUCCESS",
			Amount: value, Currency: o.Currency, Gateway: method})
		f.partlyPaid(o)
		return mutation("orderCreateManualPayment", "userErrors", "")
	case "RecordReceived":
		fields, _ := vars["metafields"].([]any)
		for _, mf := range fields {
			m, _ := mf.(map[string]any)
			o := f.orders[idOf(m["ownerId"])]
			if o == nil || m["namespace"] != "taripay" || m["key"] != "received" || m["type"] != "money" {
				return map[string]any{"metafieldsSet": map[string]any{"userErrors": []any{
					map[string]any{"field": []string{"metafields"}, "message": "unexpected metafield"}}}}
			}
			o.Received, _ = m["value"].(string)
		}
		input, _ := vars["order"].(map[string]any)
		if o := f.orders[idOf(input["id"])]; o != nil {
			o.Note, _ = input["note"].(string)
		}
		return map[string]any{
			"metafieldsSet": map[string]any{"userErrors": []any{}},
			"orderUpdate":   map[string]any{"userErrors": []any{}},
		}
	}
	return nil
}

// Paid is what an order's payments brought, as Shopify sums them: its
// successful sales and captures.
func (f *Fake) Paid(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[id]
	if o == nil {
		return ""
	}
	sum := new(big.Int)
	for _, t := range o.Transactions {
		if t.Status == "SUCCESS" && (t.Kind == "SALE" || t.Kind == "CAPTURE") {
			sum.Add(sum, f.minor(t.Amount, o.Currency))
		}
	}
	return engine.FormatMinor(sum, o.Currency)
}
