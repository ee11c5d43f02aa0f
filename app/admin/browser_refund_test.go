package admin

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/browsertest"
)

// TestBrowserRefunds drives the Refunds page in Chromium over the real
// engine on both databases: the refund due shows its QR code and tari://
// link; one refund is marked sent with its txid, the other given as store
// credit, and both land among the closed refunds.
func TestBrowserRefunds(t *testing.T) {
	assets := staticAssets(t)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := engine.WithActor(context.Background(), "test")
			e := engine.New(engine.Config{}, dbtest.Open(t, backend), nil)
			key, err := tari.NewSecretKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			payer := tari.NewAddress(tari.MainNet, key.Public()).Base58()
			if _, err := e.SetExchangeRate(ctx, "USD", 10_000_000); err != nil {
				t.Fatal(err)
			}
			if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: "wallet", IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			price, ref := "10.00", "2001"
			if _, _, err := e.ReceiveOrder(ctx, engine.NewOrder{OrderID: ref, CustomerID: "c1", OriginalPrice: &price, Currency: "USD",
				CreatedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.ReceivePayment(ctx, engine.WalletCall{Address: "wallet", Nonce: 1}, engine.NewPayment{Sender: payer, Amount: 100_000_000, TxID: "tx1", OrderID: &ref}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.ConfirmPayment(ctx, engine.WalletCall{Address: "wallet", Nonce: 2}, "tx1"); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range []engine.NewRefund{
				{RefundID: "r1", OrderID: ref, Amounts: []string{"4.00"}, Currency: "USD"},
				{RefundID: "r2", OrderID: ref, Amounts: []string{"6.00"}, Currency: "USD"},
			} {
				due, _, err := e.RecordRefund(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, due.ID)
			}

			browser := browsertest.New(t, 1280, 1400)
			srv := startAdmin(t, e, assets, nil)
			run(t, browser, "open the fake admin", chromedp.Navigate(srv.adminURL))
			app := frame(t, browser, srv.appURL)
			run(t, app, "refunds",
				click(`[data-testid=nav-refunds]`),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=refund-qr]`)),
			)
			if w := value(t, app, "QR code", chromedp.Evaluate[int](`document.querySelector("[data-testid=refund-qr]").naturalWidth`)); w == 0 {
				t.Error("the QR code did not load")
			}
			if href := value(t, app, "deep link", chromedp.AttributeValue(chromedp.CSS(`[data-testid=refund-link]`), "href")); !strings.HasPrefix(href.Value, "tari://") {
				t.Errorf("deep link %q, want tari://…", href.Value)
			}
			screenshot(t, browser, "refunds-due-"+backend)

			submitConfirmed(t, app, "send-"+refundIDText(ids[0]), map[string]string{"txid": "tx-back-1"})
			run(t, app, "marked sent", waitText(`[data-testid=refunds-closed]`, "tx-back-1"))
			submitConfirmed(t, app, "credit-refund-"+refundIDText(ids[1]), nil)
			run(t, app, "given as credit",
				waitText(`[data-testid=refunds-closed]`, "Store credit"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=no-refunds-due]`)),
			)
			screenshot(t, browser, "refunds-closed-"+backend)
			b, err := e.CustomerBalance(ctx, "c1")
			if err != nil || b.CurrentBalance != 60_000_000 {
				t.Errorf("customer c1 balance %+v, %v; want the 60 XTR credited", b, err)
			}
		})
	}
}
