package shopify_test

import (
	"context"
	"testing"

	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
)

// An order part paid with a gift card is billed in Tari for what is still
// owed (total_outstanding), or for its whole total with
// TPG_SHOPIFY_PRICE_FIELD=total; one with nothing owed is paid at once and
// costs nothing in Tari.
func TestIntegrationOutstandingAmount(t *testing.T) {
	tests := []struct {
		name       string
		field      shopify.PriceField
		fixture    string
		orderID    string
		wantTotal  engine.MicroTari
		wantStatus engine.OrderStatus
	}{
		{"gift card, outstanding", shopify.PriceOutstanding, "orders_create_gift_card.json", "5796499259700", 139_000_000, engine.OrderUnclaimed},
		{"gift card, total", shopify.PriceTotal, "orders_create_gift_card.json", "5796499259700", 239_000_000, engine.OrderUnclaimed},
		{"nothing outstanding", shopify.PriceOutstanding, "orders_create_gift_card_full.json", "5796499259701", 0, engine.OrderPaid},
		{"no gift card", shopify.PriceOutstanding, "orders_create.json", orderID, 239_000_000, engine.OrderUnclaimed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, d *db.DB) {
				s := newStackWith(t, d, func(c *shopify.Config) { c.PriceField = tt.field })
				status, reply := s.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, tt.fixture)})
				if status != 200 || reply != `{"success":true,"message":"Order processed successfully."}` {
					t.Fatalf("create = %d %s", status, reply)
				}
				o, err := s.eng.Order(context.Background(), tt.orderID, false)
				if err != nil {
					t.Fatal(err)
				}
				if o.TotalPrice != tt.wantTotal || o.Status != tt.wantStatus {
					t.Errorf("order = %d µT, %s; want %d µT, %s", o.TotalPrice, o.Status, tt.wantTotal, tt.wantStatus)
				}
			})
		})
	}
}
