package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"taripay/engine"
)

// handle does what a delivery of topic asks; an error wrapped by
// permanent fails it for good, any other is retried (webhook_inbox.go).
func (h *Handler) handle(ctx context.Context, topic, shop string, body []byte) (string, error) {
	now := h.now()
	switch topic {
	case "orders/create":
		var o Order
		if err := decode(body, &o); err != nil {
			return "", permanent(err)
		}
		return h.createOrder(ctx, shop, o)
	case "orders/updated":
		return "Order updates are not tracked.", nil
	case "orders/cancelled":
		var o Order
		if err := decode(body, &o); err != nil {
			return "", permanent(err)
		}
		return h.cancelOrder(ctx, o)
	case "order_transactions/create":
		var t Transaction
		if err := decode(body, &t); err != nil {
			return "", permanent(err)
		}
		if !strings.EqualFold(t.Kind, "authorization") || !strings.EqualFold(t.Status, "success") {
			return "Transaction ignored.", nil
		}
		if err := h.records.SaveAuthorization(ctx, string(t.ID), string(t.OrderID), t.Amount, t.Currency, t.Test, now); err != nil {
			return "", err
		}
		return "Authorisation recorded.", nil
	case "refunds/create":
		var r Refund
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		return h.recordRefund(ctx, r)
	case "products/update":
		var p Product
		if err := decode(body, &p); err != nil {
			return "", permanent(err)
		}
		if h.prices == nil {
			return "Price sync skipped: Shopify is not configured.", nil
		}
		variants := make([]string, len(p.Variants))
		for i, v := range p.Variants {
			variants[i] = string(v.ID)
		}
		return "Prices checked.", h.prices.SyncProduct(ctx, string(p.ID), variants)
	case "app/uninstalled":
		var p Shop
		if err := decode(body, &p); err != nil {
			return "", permanent(err)
		}
		return "Uninstall recorded.", h.records.SetUninstalled(ctx, p.MyshopifyDomain, now)
	case "customers/data_request":
		return h.dataRequest(ctx, body)
	case "customers/redact":
		var r Redaction
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		notes, err := h.engine.RedactCustomer(ctx, string(r.Customer.ID), ids(r.OrdersToRedact))
		if err != nil {
			return "", err
		}
		n, err := h.records.RedactCustomer(ctx, r.ShopDomain, string(r.Customer.ID), ids(r.OrdersToRedact), now)
		return fmt.Sprintf("%d stored payloads and %d order notes redacted; financial records kept.", n, notes), err
	case "shop/redact":
		var r ShopRedaction
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		n, err := h.records.RedactShop(ctx, r.ShopDomain, now)
		return fmt.Sprintf("%d stored payloads redacted; financial records kept.", n), err
	}
	return "", permanent(fmt.Errorf("unknown topic %q", topic))
}

// createOrder turns a Shopify order into an engine order, if it is a Tari
// order; every route that receives orders comes through here. One whose
// currency has no exchange rate yet is stored too, and waits for the rate
// (the reference refused it as an unsupported currency); a malformed one is
// a permanent failure.
func (h *Handler) createOrder(ctx context.Context, shop string, o Order) (string, error) {
	if mended := o.mend(); len(mended) > 0 {
		h.log.Warn("order text held NUL or invalid UTF-8: stored with U+FFFD in its place", "order_id", string(o.ID),
			"shop", shop, "fields", mended)
	}
	if !h.cfg.TariOrder(o) {
		return h.otherOrder(ctx, shop, o)
	}
	n, err := h.cfg.NewOrder(o)
	if err != nil {
		return "", permanent(err)
	}
	_, waiting, err := h.engine.ReceiveOrder(engine.WithActor(ctx, "shopify"), n)
	switch {
	case errors.Is(err, engine.ErrOrderExists):
		return "Order already exists.", nil
	case engine.ErrorCode(err) == engine.EINVALID:
		return "", permanent(err)
	case err != nil:
		return "", err
	case waiting:
		return "Order stored. It waits for a " + n.Currency + " exchange rate and is priced as soon as one is set.", nil
	}
	return "Order processed successfully.", nil
}

// otherOrder acknowledges an order paid another way (a card, cash on
// delivery, a bank transfer): it is counted for the dashboard, and never
// becomes a Tari order, so nothing in taripay can expire or cancel it.
func (h *Handler) otherOrder(ctx context.Context, shop string, o Order) (string, error) {
	if err := h.records.SaveOtherOrder(ctx, shop, string(o.ID), o.PaymentGatewayNames, o.FinancialStatus, h.now()); err != nil {
		return "", err
	}
	gateways := gatewayList(o.PaymentGatewayNames)
	h.log.Info("order paid another way: not a Tari order", "order_id", string(o.ID), "shop", shop,
		"gateways", gateways, "financial_status", o.FinancialStatus)
	return "Not a Tari order (payment gateways: " + gateways + "); left to Shopify.", nil
}

// cancelOrder annuls an order cancelled in Shopify. The body says so with
// its cancelled_at; one without (an orders/create body posted to this
// route, say: the route is not signed) annuls nothing unless the order,
// read again through the Admin API, is cancelled. The engine marks the
// annulment as coming from the storefront, so nothing is sent back.
func (h *Handler) cancelOrder(ctx context.Context, o Order) (string, error) {
	if o.CancelledAt == nil || strings.TrimSpace(*o.CancelledAt) == "" {
		if h.orders == nil {
			return "", permanent(fmt.Errorf("order %s: the body has no cancelled_at, and without the Admin API taripay cannot check that the order is cancelled", o.ID))
		}
		live, err := h.orders.Order(ctx, string(o.ID))
		if err != nil {
			return "", fmt.Errorf("re-read order %s: %w", o.ID, err)
		}
		if !live.Cancelled {
			h.log.Warn("orders/cancelled without cancelled_at for an order open in Shopify: nothing done", "order_id", string(o.ID))
			return "Order " + string(o.ID) + " is not cancelled in Shopify; nothing done.", nil
		}
	}
	_, err := h.engine.AnnulFromStorefront(engine.WithActor(ctx, "shopify"), string(o.ID), "cancelled in Shopify")
	switch {
	case err == nil:
		return "Order annulled.", nil
	case errors.Is(err, engine.ErrOrderNotFound):
		return "Order not known here.", nil
	case errors.Is(err, engine.ErrOrderClosed), errors.Is(err, engine.ErrOrderForbidden), errors.Is(err, engine.ErrOrderNoOp):
		return "Order already closed here: " + err.Error(), nil
	}
	return "", err
}

// dataReport is what taripay holds about a customer, for the merchant to
// pass on.
type dataReport struct {
	Shop       string            `json:"shop"`
	CustomerID string            `json:"customer_id"`
	Orders     []dataReportOrder `json:"orders"`
	Payloads   []json.RawMessage `json:"payloads"`
}

type dataReportOrder struct {
	OrderID    string `json:"order_id"`
	AltID      string `json:"alt_id,omitempty"`
	Status     string `json:"status"`
	TotalPrice int64  `json:"total_price"`
	Memo       string `json:"memo,omitempty"`
	CreatedAt  string `json:"created_at"`
}

func (h *Handler) dataRequest(ctx context.Context, body []byte) (string, error) {
	var r Redaction
	if err := decode(body, &r); err != nil {
		return "", permanent(err)
	}
	shop := r.ShopDomain
	customer := string(r.Customer.ID)
	var orders []engine.Order
	for page := (engine.OrderQuery{CustomerID: customer, Limit: engine.MaxPageSize}); ; page.Offset += page.Limit {
		more, err := h.engine.SearchOrders(ctx, page)
		if err != nil {
			return "", err
		}
		orders = append(orders, more...)
		if len(more) < page.Limit {
			break
		}
	}
	payloads, err := h.records.CustomerPayloads(ctx, shop, customer, ids(r.OrdersRequested))
	if err != nil {
		return "", err
	}
	rep := dataReport{Shop: shop, CustomerID: customer, Orders: []dataReportOrder{}, Payloads: []json.RawMessage{}}
	for _, o := range orders {
		ro := dataReportOrder{OrderID: o.OrderID, Status: string(o.Status), TotalPrice: int64(o.TotalPrice), CreatedAt: o.CreatedAt.Format(time.RFC3339)}
		if o.AltID != nil {
			ro.AltID = *o.AltID
		}
		if o.Memo != nil {
			ro.Memo = *o.Memo
		}
		rep.Orders = append(rep.Orders, ro)
	}
	for _, p := range payloads {
		if json.Valid(p) {
			// Kept verbatim, but the report is text: bytes that are not
			// UTF-8 (which the JSON decoder let through) are mended.
			rep.Payloads = append(rep.Payloads, []byte(strings.ToValidUTF8(string(p), "\uFFFD")))
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return "", err
	}
	if err := h.records.SaveDataReport(ctx, shop, customer, b, h.now()); err != nil {
		return "", err
	}
	h.log.Info("customer data request recorded for the merchant", "shop", shop, "customer_id", customer, "orders", len(rep.Orders))
	return fmt.Sprintf("Data report with %d orders recorded.", len(rep.Orders)), nil
}

func ids(in []ID) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = string(id)
	}
	return out
}

// replyMessage is the checkout_create reply for a failure.
func replyMessage(err error) string {
	var pe permanentError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return "Unexpected error handling order."
}
