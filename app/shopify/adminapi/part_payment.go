package adminapi

import (
	"context"
	"encoding/json"
	"fmt"
)

// The Admin API calls of part payments (docs/part-payments.md); the worker
// that chooses among them is app/shopify/part_payment.go.

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
func (a *Client) PartPaymentOrder(ctx context.Context, orderID string) (PartOrder, error) {
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
				AmountSet ShopMoneySet `json:"amountSet"`
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
func (a *Client) CreateManualPayment(ctx context.Context, orderID string, amount MoneyV2, method string) error {
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
func (a *Client) RecordReceived(ctx context.Context, orderID string, received MoneyV2, note string) error {
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
