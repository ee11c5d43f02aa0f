package shopify_test

import (
	"context"
	"strings"
	"testing"

	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
)

// A refunds/create delivery for an order paid in Tari records one refund
// due, however often it is delivered: the Tari transaction's 15.00 USD at
// the order's 10 XTR per USD, to the address that paid; the gift card's
// part is left to Shopify.
func TestIntegrationRefundDue(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := engine.WithActor(context.Background(), "test")
		body := fixture(t, "refunds_create.json")
		refund := func(eventID string) {
			t.Helper()
			status, _ := s.send(t, "/shopify/webhook/refunds/create", shopifytest.Webhook{Topic: "refunds/create", EventID: eventID, Secret: secret, Body: body})
			if status != 200 {
				t.Fatalf("refunds/create = %d", status)
			}
		}
		refund("before-the-order") // an order taripay does not know: nothing due
		s.createOrder(t)
		refund("before-payment") // not paid yet: nothing due
		const payer = "payer-address"
		if err := s.eng.AuthorizeWallet(ctx, engine.Wallet{Address: "wallet", IPAddress: "10.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		ref := orderID
		if _, err := s.eng.ReceivePayment(ctx, engine.WalletCall{Address: "wallet", Nonce: 1}, engine.NewPayment{Sender: payer, Amount: 239_000_000, TxID: "tx1", OrderID: &ref}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.eng.ConfirmPayment(ctx, engine.WalletCall{Address: "wallet", Nonce: 2}, "tx1"); err != nil {
			t.Fatal(err)
		}
		refund("first")
		refund("first")  // the same delivery again
		refund("second") // the same refund in another delivery
		due, err := s.eng.Refunds(ctx, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].Amount != 150_000_000 || due[0].Address != payer || due[0].Status != engine.RefundDue ||
			due[0].RefundID != "929361465044" || due[0].ShopAmount != "15.00" {
			t.Fatalf("refunds = %+v; want one of 150 XTR due to %s", due, payer)
		}
		for _, want := range []string{"Order not known here.", "No refund due", "Refund due recorded: 150000000 µT", "Refund already recorded."} {
			if !strings.Contains(s.logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, s.logs.String())
			}
		}
	})
}
