package shopify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"taripay/engine"
)

// memoAttributes are the note attributes that may carry a claim memo
// signature, checked in order before the free-text note.
var memoAttributes = []string{"tari_signature", "tari_memo", "signature", "memo"}

// OrderCurrency is the currency an order is priced in for conversion: the
// shop currency. Rates are kept per shop currency, and the shop-currency
// amounts are what the merchant books; the customer's presentment currency is
// only what they saw at checkout.
func OrderCurrency(o Order) string {
	cur := o.Currency
	if cur == "" && o.TotalPriceSet != nil {
		cur = o.TotalPriceSet.ShopMoney.CurrencyCode
	}
	return strings.ToUpper(strings.TrimSpace(cur))
}

// Price returns the shop-currency amount chosen by the price field. The
// outstanding amount falls back to the total for a payload without one.
func (c Config) Price(o Order) string {
	switch c.PriceField {
	case PriceOutstanding:
		if o.TotalOutstanding != nil && strings.TrimSpace(*o.TotalOutstanding) != "" {
			return strings.TrimSpace(*o.TotalOutstanding)
		}
	case PriceSubtotal:
		return shopAmount(o.SubtotalPrice, o.SubtotalPriceSet)
	case PriceLineItems:
		return shopAmount(o.TotalLineItemsPrice, o.TotalLineItemsSet)
	}
	return shopAmount(o.TotalPrice, o.TotalPriceSet)
}

// shopAmount prefers the plain field, which Shopify always sends in the shop
// currency, and falls back to the set's shop money.
func shopAmount(plain string, set *MoneySet) string {
	if plain == "" && set != nil {
		return set.ShopMoney.Amount
	}
	return plain
}

// NewOrder converts an order payload into what the engine stores; the
// engine prices it from OriginalPrice, in the shop currency
// (engine.ReceiveOrder).
func (c Config) NewOrder(o Order) (engine.NewOrder, error) {
	if err := o.checkIdentifiers(); err != nil {
		return engine.NewOrder{}, err
	}
	price := c.Price(o)
	created, err := time.Parse(time.RFC3339, o.CreatedAt)
	if err != nil {
		return engine.NewOrder{}, fmt.Errorf("order %s: created_at: %w", o.ID, err)
	}
	n := engine.NewOrder{
		OrderID:           string(o.ID),
		CustomerID:        customerID(o),
		Memo:              claimMemo(o),
		OriginalPrice:     &price,
		Currency:          OrderCurrency(o),
		CreatedAt:         created.UTC(),
		AmountOutstanding: o.TotalOutstanding,
		CheckoutToken:     o.CheckoutToken,
	}
	if o.Name != "" {
		name := o.Name
		n.AltID = &name
	}
	return n, nil
}

// customerID links the order to its Shopify customer. POS, draft and
// protected-data-less orders have none; each then gets an account of its own
// rather than sharing one empty id with every other such order.
func customerID(o Order) string {
	if o.Customer != nil && o.Customer.ID != "" {
		return string(o.Customer.ID)
	}
	return "order-" + string(o.ID)
}

// claimMemo returns the claim memo or signature: a dedicated note attribute
// wins over the free-text note.
func claimMemo(o Order) *string {
	for _, name := range memoAttributes {
		for _, a := range o.NoteAttributes {
			if !strings.EqualFold(strings.TrimSpace(a.Name), name) {
				continue
			}
			if v := attributeText(a.Value); v != "" {
				return &v
			}
		}
	}
	if o.Note != nil && strings.TrimSpace(*o.Note) != "" {
		v := *o.Note
		return &v
	}
	return nil
}

// attributeText returns a string attribute unquoted, and an object (a
// signature posted as JSON) verbatim.
func attributeText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s)
	}
	if len(raw) > 0 && raw[0] == '{' {
		return string(raw)
	}
	return ""
}
