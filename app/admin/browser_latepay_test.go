package admin

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/engine/tari"
	"taripay/internal/browsertest"
)

// TestBrowserLatePayments drives the dashboard's "Payments received for
// closed orders" card in Chromium over the real engine on both databases:
// one payment is refunded (and is then due on the Refunds page), the
// other kept as credit, and the card empties.
func TestBrowserLatePayments(t *testing.T) {
	assets := staticAssets(t)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := engine.WithActor(context.Background(), "test")
			clock := enginetest.NewClock(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
			e := engine.New(engine.Config{}, dbtest.Open(t, backend), clock)
			key, err := tari.NewSecretKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			payer := tari.NewAddress(tari.MainNet, key.Public()).Base58()
			if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: "wallet", IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"3001", "3002"} {
				if _, err := e.AddOrder(ctx, engine.NewOrder{OrderID: id, CustomerID: "c1", TotalPrice: 50_000_000, Currency: "XTR", CreatedAt: clock.Now()}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.Cancel(ctx, id, "customer left"); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(time.Minute)
			for i, id := range []string{"3001", "3002"} {
				ref, txid, nonce := id, "tx-"+id, int64(2*i+1)
				if _, err := e.ReceivePayment(ctx, engine.WalletCall{Address: "wallet", Nonce: nonce}, engine.NewPayment{Sender: payer, Amount: 20_000_000, TxID: txid, OrderID: &ref}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.ConfirmPayment(ctx, engine.WalletCall{Address: "wallet", Nonce: nonce + 1}, txid); err != nil {
					t.Fatal(err)
				}
			}

			browser := browsertest.New(t, 1280, 1400)
			srv := startAdmin(t, e, assets, nil)
			run(t, browser, "open the fake admin", chromedp.Navigate(srv.adminURL))
			app := frame(t, browser, srv.appURL)
			run(t, app, "dashboard", waitText(`[data-testid=late-payments]`, "tx-3002"))
			screenshot(t, browser, "late-payments-"+backend)

			submitConfirmed(t, app, "refund-late-tx-3001", nil)
			run(t, app, "refunded", waitText(`[data-testid=late-payments-section]`, "is due: see Refunds"))
			submitConfirmed(t, app, "keep-late-tx-3002", nil)
			run(t, app, "kept", waitText(`[data-testid=late-payments-section]`, "is kept as credit"))
			if lps, err := e.LatePayments(ctx, engine.LatePaymentQuery{Open: true}); err != nil || len(lps) != 0 {
				t.Errorf("open late payments %+v, %v; want none", lps, err)
			}
			run(t, app, "refunds",
				click(`[data-testid=nav-refunds]`),
				waitText(`[data-testid=refund-amount]`, "20 XTR"),
			)
			b, err := e.AddressBalance(ctx, payer)
			if err != nil || b.CurrentBalance != 20_000_000 {
				t.Errorf("payer balance %+v, %v; want the 20 XTR kept", b, err)
			}
		})
	}
}
