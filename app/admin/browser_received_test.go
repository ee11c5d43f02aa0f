package admin

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/internal/browsertest"
)

// TestBrowserOrderReceivedLive keeps an open order's page in Chromium while
// payments are confirmed, over the real engine on both databases: its
// Details card says what was received and what is still due without a
// reload, then that the order is paid.
func TestBrowserOrderReceivedLive(t *testing.T) {
	assets := staticAssets(t)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := engine.WithActor(context.Background(), "test")
			clock := enginetest.NewClock(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
			e := engine.New(engine.Config{}, dbtest.Open(t, backend), clock)
			if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: "wallet", IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.AddOrder(ctx, engine.NewOrder{OrderID: "4001", CustomerID: "c1", TotalPrice: 50_000_000, Currency: "XTR", CreatedAt: clock.Now()}); err != nil {
				t.Fatal(err)
			}
			nonce := int64(0)
			pay := func(txid string, amount engine.MicroTari) {
				t.Helper()
				ref := "4001"
				nonce++
				if _, err := e.ReceivePayment(ctx, engine.WalletCall{Address: "wallet", Nonce: nonce}, engine.NewPayment{Sender: "payer", Amount: amount, TxID: txid, OrderID: &ref}); err != nil {
					t.Fatal(err)
				}
				nonce++
				if _, err := e.ConfirmPayment(ctx, engine.WalletCall{Address: "wallet", Nonce: nonce}, txid); err != nil {
					t.Fatal(err)
				}
			}

			browser := browsertest.New(t, 1280, 1400)
			srv := startAdmin(t, e, assets, nil)
			run(t, browser, "open the order", chromedp.Navigate(srv.adminURL+"?path="+url.QueryEscape("/admin/orders/4001")))
			app := frame(t, browser, srv.appURL)
			run(t, app, "order page", waitText(`[data-testid=order-facts]`, "Total"))
			pay("tx-1", 20_000_000)
			run(t, app, "part payment shows", waitText(`[data-testid=order-facts]`,
				"20 XTR of 50 XTR, 30 XTR still due (0 XTR pending, 20 XTR confirmed)"))
			pay("tx-2", 30_000_000)
			run(t, app, "paid shows", waitText(`[data-testid=order-status]`, "Paid"))
			screenshot(t, browser, "order-received-live-"+backend)
		})
	}
}
