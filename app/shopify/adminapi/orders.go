package shopify

import (
	"context"
	"encoding/json"
	"strings"
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

type shopMoneySet struct {
	ShopMoney MoneyV2 `json:"shopMoney"`
}

// OpenOrders returns one page of the shop's open orders, shaped like
// orders/create payloads, and the cursor of the next page ("" after the
// last). GraphQL has no line-items total, so PriceLineItems cannot price them.
func (a *Admin) OpenOrders(ctx context.Context, after string) ([]Order, string, error) {
	var resp struct {
		Orders struct {
			Nodes []struct {
				LegacyResourceID        ID       `json:"legacyResourceId"`
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
					ID string `json:"id"`
				} `json:"customer"`
				TotalPriceSet       shopMoneySet `json:"totalPriceSet"`
				SubtotalPriceSet    shopMoneySet `json:"subtotalPriceSet"`
				TotalOutstandingSet shopMoneySet `json:"totalOutstandingSet"`
			} `json:"nodes"`
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
	out := make([]Order, 0, len(resp.Orders.Nodes))
	for _, n := range resp.Orders.Nodes {
		outstanding := n.TotalOutstandingSet.ShopMoney.Amount
		o := Order{
			ID: n.LegacyResourceID, Name: n.Name, CreatedAt: n.CreatedAt, Note: n.Note,
			Currency: n.CurrencyCode, PresentmentCurrency: n.PresentmentCurrencyCode,
			TotalPrice: n.TotalPriceSet.ShopMoney.Amount, SubtotalPrice: n.SubtotalPriceSet.ShopMoney.Amount,
			TotalOutstanding: &outstanding,
			// The webhook's lower-case financial_status, for the record of
			// orders paid another way.
			FinancialStatus:     strings.ToLower(n.DisplayFinancialStatus),
			PaymentGatewayNames: n.PaymentGatewayNames,
		}
		for _, attr := range n.CustomAttributes {
			v, _ := json.Marshal(attr.Value)
			o.NoteAttributes = append(o.NoteAttributes, NoteAttribute{Name: attr.Key, Value: v})
		}
		if n.Customer != nil {
			o.Customer = &Customer{ID: ID(numericID(n.Customer.ID))}
		}
		out = append(out, o)
	}
	next := ""
	if resp.Orders.PageInfo.HasNextPage {
		next = resp.Orders.PageInfo.EndCursor
	}
	return out, next, nil
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
func (a *Admin) SetPayLink(ctx context.Context, orderID, payURL string) error {
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
