package shopify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"taripay/app/shopify/adminapi"
	"taripay/engine"
)

// Webhook payloads are decoded into these tolerant structs rather than
// goshopify's types, which fail on real orders. Only the
// fields taripay reads are declared; everything but the ids is optional.

// ID is a Shopify numeric id kept as its decimal digits: ids exceed 2^53, so
// they must never pass through a float64. It accepts a JSON number or string.
type ID string

func (id *ID) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*id = ""
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	if s == "" {
		*id = ""
		return nil
	}
	if !digits(s) {
		return fmt.Errorf("shopify id %q is not a whole number", s)
	}
	*id = ID(s)
	return nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Money is one amount of a MoneySet.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currency_code"`
}

// MoneySet carries an amount in the shop's and the customer's currency.
type MoneySet struct {
	ShopMoney        Money `json:"shop_money"`
	PresentmentMoney Money `json:"presentment_money"`
}

// NoteAttribute is one cart attribute ("additional details") of an order.
type NoteAttribute struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// Customer is the part of an order's customer that taripay links accounts by.
type Customer struct {
	ID ID `json:"id"`
}

// Order is an orders/create, orders/updated or orders/cancelled payload.
type Order struct {
	ID                  ID              `json:"id"`
	Name                string          `json:"name"`
	CreatedAt           string          `json:"created_at"`
	CancelledAt         *string         `json:"cancelled_at"`
	Currency            string          `json:"currency"`
	PresentmentCurrency string          `json:"presentment_currency"`
	Note                *string         `json:"note"`
	NoteAttributes      []NoteAttribute `json:"note_attributes"`
	TotalPrice          string          `json:"total_price"`
	SubtotalPrice       string          `json:"subtotal_price"`
	TotalLineItemsPrice string          `json:"total_line_items_price"`
	TotalOutstanding    *string         `json:"total_outstanding"`
	TotalPriceSet       *MoneySet       `json:"total_price_set"`
	SubtotalPriceSet    *MoneySet       `json:"subtotal_price_set"`
	TotalLineItemsSet   *MoneySet       `json:"total_line_items_price_set"`
	FinancialStatus     string          `json:"financial_status"`
	PaymentGatewayNames []string        `json:"payment_gateway_names"`
	Customer            *Customer       `json:"customer"`
	CheckoutToken       string          `json:"checkout_token"`
	Test                bool            `json:"test"`
}

// Transaction is an order_transactions/create payload.
type Transaction struct {
	ID       ID     `json:"id"`
	OrderID  ID     `json:"order_id"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Gateway  string `json:"gateway"`
	Test     bool   `json:"test"`
}

// Refund is a refunds/create payload: the money goes back through its
// transactions, one per gateway that took the order's payments.
type Refund struct {
	ID           ID            `json:"id"`
	OrderID      ID            `json:"order_id"`
	Transactions []Transaction `json:"transactions"`
}

// Variant is one variant of a products/update payload.
type Variant struct {
	ID    ID     `json:"id"`
	Price string `json:"price"`
}

// Product is a products/update payload.
type Product struct {
	ID       ID        `json:"id"`
	Title    string    `json:"title"`
	Variants []Variant `json:"variants"`
}

// CustomerRef names the customer of a compliance request.
type CustomerRef struct {
	ID    ID     `json:"id"`
	Email string `json:"email"`
}

// Redaction is a customers/redact or customers/data_request payload.
type Redaction struct {
	ShopID          ID          `json:"shop_id"`
	ShopDomain      string      `json:"shop_domain"`
	Customer        CustomerRef `json:"customer"`
	OrdersToRedact  []ID        `json:"orders_to_redact"`
	OrdersRequested []ID        `json:"orders_requested"`
}

// ShopRedaction is a shop/redact payload.
type ShopRedaction struct {
	ShopID     ID     `json:"shop_id"`
	ShopDomain string `json:"shop_domain"`
}

// Shop is an app/uninstalled payload: the shop the app was removed from.
type Shop struct {
	ID              ID     `json:"id"`
	MyshopifyDomain string `json:"myshopify_domain"`
}

var errNoID = errors.New("payload has no id")

// decode parses a webhook body into v and checks that it is that kind of
// payload: Shopify signs the body alone, so a body signed for one topic and
// posted to another must not pass for it. Each kind needs the members that
// set it apart and that taripay acts on: an order its id, creation time and
// price; a transaction its id, order and kind; a refund its id, order and
// transactions; a product its id and
// variants; a shop its myshopify_domain; a compliance request its
// shop_domain, and its customer. Domains come back lower-cased.
func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode webhook: %w", err)
	}
	var missing string
	switch p := v.(type) {
	case *Order:
		switch {
		case p.ID == "":
			return fmt.Errorf("decode webhook: %w", errNoID)
		case p.CreatedAt == "":
			missing = "created_at"
		case p.TotalPrice == "" && p.TotalPriceSet == nil:
			missing = "total_price"
		default:
			return p.checkIdentifiers()
		}
	case *Transaction:
		switch {
		case p.ID == "":
			return fmt.Errorf("decode webhook: %w", errNoID)
		case p.OrderID == "":
			return fmt.Errorf("decode transaction %s: %w", p.ID, errNoID)
		case p.Kind == "":
			missing = "kind"
		case !engine.ValidText(p.Amount) || !engine.ValidText(p.Currency):
			return fmt.Errorf("decode transaction %s: its amount or currency is not valid text", p.ID)
		}
	case *Refund:
		switch {
		case p.ID == "":
			return fmt.Errorf("decode webhook: %w", errNoID)
		case p.OrderID == "":
			return fmt.Errorf("decode refund %s: %w", p.ID, errNoID)
		case p.Transactions == nil:
			missing = "transactions"
		}
		for _, t := range p.Transactions {
			if !engine.ValidText(t.Amount) || !engine.ValidText(t.Currency) || !engine.ValidText(t.Gateway) {
				return fmt.Errorf("decode refund %s: a transaction's amount, currency or gateway is not valid text", p.ID)
			}
		}
	case *Product:
		switch {
		case p.ID == "":
			return fmt.Errorf("decode webhook: %w", errNoID)
		case p.Variants == nil:
			missing = "variants"
		}
	case *Shop:
		return shopDomain(&p.MyshopifyDomain, "myshopify_domain")
	case *Redaction:
		if p.Customer.ID == "" {
			missing = "customer.id"
			break
		}
		return shopDomain(&p.ShopDomain, "shop_domain")
	case *ShopRedaction:
		return shopDomain(&p.ShopDomain, "shop_domain")
	}
	if missing != "" {
		return fmt.Errorf("decode webhook: not a payload of this topic: no %s", missing)
	}
	return nil
}

// checkIdentifiers refuses an order whose name or currencies, which
// taripay looks orders and rates up by, are not text (engine.ValidText).
// Its free text is mended instead (mend).
func (o Order) checkIdentifiers() error {
	for _, f := range []struct{ name, v string }{
		{"name", o.Name}, {"currency", o.Currency}, {"presentment_currency", o.PresentmentCurrency},
	} {
		if !engine.ValidText(f.v) {
			return fmt.Errorf("order %s: %s is not valid text: it holds NUL or invalid UTF-8", o.ID, f.name)
		}
	}
	return nil
}

// mend replaces what is not text (engine.CleanText) in an order's free
// text: its note and note attributes, payment gateways and financial
// status. They describe an order already placed, which is stored with its
// text mended, never refused. It returns the members it mended.
func (o *Order) mend() []string {
	var mended []string
	text := func(name string, s *string) {
		if clean, changed := engine.CleanText(*s); changed {
			*s = clean
			mended = append(mended, name)
		}
	}
	if o.Note != nil {
		text("note", o.Note)
	}
	for i := range o.NoteAttributes {
		name := fmt.Sprintf("note_attributes[%d]", i)
		var s string
		if json.Unmarshal(o.NoteAttributes[i].Value, &s) == nil {
			if clean, changed := engine.CleanText(s); changed {
				o.NoteAttributes[i].Value, _ = json.Marshal(clean) // a string always encodes
				mended = append(mended, name)
			}
			continue
		}
		raw := string(o.NoteAttributes[i].Value) // an object is kept verbatim: mend its bytes
		text(name, &raw)
		o.NoteAttributes[i].Value = json.RawMessage(raw)
	}
	for i := range o.PaymentGatewayNames {
		text(fmt.Sprintf("payment_gateway_names[%d]", i), &o.PaymentGatewayNames[i])
	}
	text("financial_status", &o.FinancialStatus)
	return mended
}

// shopDomain requires a payload's shop domain, lower-cased in place.
func shopDomain(domain *string, member string) error {
	s, err := adminapi.ValidateShop(*domain)
	if err != nil {
		return fmt.Errorf("decode webhook: %s: %w", member, err)
	}
	*domain = s
	return nil
}
