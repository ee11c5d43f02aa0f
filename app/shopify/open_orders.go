package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// openOrders reads one page of the shop's open orders through the Admin
// API, shaped like orders/create payloads, and the cursor of the next page
// ("" after the last), for RescanOpenOrders. GraphQL has no line-items
// total, so PriceLineItems cannot price them.
func (s *Service) openOrders(ctx context.Context, after string) ([]Order, string, error) {
	nodes, next, err := s.admin.OpenOrders(ctx, after)
	if err != nil {
		return nil, "", err
	}
	out := make([]Order, 0, len(nodes))
	for _, n := range nodes {
		if !digits(n.LegacyResourceID) {
			return nil, "", fmt.Errorf("open order %s: shopify id %q is not a whole number", n.Name, n.LegacyResourceID)
		}
		outstanding := n.TotalOutstandingSet.ShopMoney.Amount
		o := Order{
			ID: ID(n.LegacyResourceID), Name: n.Name, CreatedAt: n.CreatedAt, Note: n.Note,
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
		if id := n.CustomerID(); id != "" {
			o.Customer = &Customer{ID: ID(id)}
		}
		out = append(out, o)
	}
	return out, next, nil
}
