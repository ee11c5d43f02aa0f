package adminapi

import (
	"context"
)

const openOrdersQuery = `query OpenOrders($after: String) {
  orders(first: 25, after: $after, query: "status:open") {
    nodes {
      legacyResourceId name createdAt note currencyCode presentmentCurrencyCode
      displayFinancialStatus paymentGatewayNames
      customAttributes { key value }
      customer { id }
      totalPriceSet { shopMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalOutstandingSet { shopMoney { amount currencyCode } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// ShopMoneySet is an amount in the shop's currency.
type ShopMoneySet struct {
	ShopMoney MoneyV2 `json:"shopMoney"`
}

// OpenOrder is one open order as OpenOrders reads it.
type OpenOrder struct {
	LegacyResourceID        string   `json:"legacyResourceId"`
	Name                    string   `json:"name"`
	CreatedAt               string   `json:"createdAt"`
	Note                    *string  `json:"note"`
	CurrencyCode            string   `json:"currencyCode"`
	PresentmentCurrencyCode string   `json:"presentmentCurrencyCode"`
	DisplayFinancialStatus  string   `json:"displayFinancialStatus"`
	PaymentGatewayNames     []string `json:"paymentGatewayNames"`
	CustomAttributes        []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"customAttributes"`
	Customer *struct {
		ID string `json:"id"` // a GID; CustomerID gives the numeric id
	} `json:"customer"`
	TotalPriceSet       ShopMoneySet `json:"totalPriceSet"`
	SubtotalPriceSet    ShopMoneySet `json:"subtotalPriceSet"`
	TotalOutstandingSet ShopMoneySet `json:"totalOutstandingSet"`
}

// CustomerID is the numeric id of the order's customer, "" without one.
func (o OpenOrder) CustomerID() string {
	if o.Customer == nil {
		return ""
	}
	return numericID(o.Customer.ID)
}

// OpenOrders returns one page of the shop's open orders and the cursor of
// the next page ("" after the last).
func (a *Client) OpenOrders(ctx context.Context, after string) ([]OpenOrder, string, error) {
	var resp struct {
		Orders struct {
			Nodes    []OpenOrder `json:"nodes"`
			PageInfo struct {
				HasNextPage bool   `json:"hasNextPage"`
				EndCursor   string `json:"endCursor"`
			} `json:"pageInfo"`
		} `json:"orders"`
	}
	vars := map[string]any{"after": nil}
	if after != "" {
		vars["after"] = after
	}
	if err := a.query(ctx, "OpenOrders", openOrdersQuery, vars, &resp); err != nil {
		return nil, "", err
	}
	next := ""
	if resp.Orders.PageInfo.HasNextPage {
		next = resp.Orders.PageInfo.EndCursor
	}
	return resp.Orders.Nodes, next, nil
}

// The order metafield taripay.pay_url holds the order's pay link, for the
// merchant's notifications, Flow and order printers (docs/shopify-setup.md).
const (
	payLinkNamespace = "taripay"
	payLinkKey       = "pay_url"
)

const createPayLinkDefinitionMutation = `mutation CreatePayLinkDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) { createdDefinition { id } userErrors { field message code } }
}`

const setPayLinkMutation = `mutation SetPayLink($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
}`

// SetPayLink writes payURL into the order's taripay.pay_url metafield,
// first creating its definition if this process has not seen it yet.
func (a *Client) SetPayLink(ctx context.Context, orderID, payURL string) error {
	if !a.payLinkDefined.Load() {
		err := a.ensureMetafieldDefinition(ctx, "CreatePayLinkDefinition", createPayLinkDefinitionMutation, map[string]any{
			"name": "Tari pay link", "namespace": payLinkNamespace, "key": payLinkKey, "type": "url", "ownerType": "ORDER",
			"description": "The page where the customer pays this order in Tari, written by taripay",
		})
		if err != nil {
			return err
		}
		a.payLinkDefined.Store(true)
	}
	return a.setMetafields(ctx, "SetPayLink", setPayLinkMutation, []map[string]any{{
		"ownerId": gid("Order", orderID), "namespace": payLinkNamespace, "key": payLinkKey, "type": "url", "value": payURL,
	}})
}
