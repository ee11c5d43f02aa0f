package admin

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/db/dbtest"
	"taripay/engine"
)

// An order paid short within the underpayment tolerance shows its
// write-off on the admin order page, with the audit row that recorded it.
func TestOrderPageShowsWriteOff(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			eng := engine.New(engine.Config{DisableMemoSignature: true, UnderpaymentTolerance: 10_000}, dbtest.Open(t, backend), nil)
			hs := newHarness(t, eng)
			if _, err := eng.Install(ctx, testShop, "42"); err != nil { // the harness's session's staff user
				t.Fatal(err)
			}
			wallet := engine.Wallet{Address: "hot-wallet", IPAddress: "192.0.2.1"}
			if err := eng.AuthorizeWallet(ctx, wallet); err != nil {
				t.Fatal(err)
			}
			if _, err := eng.AddOrder(ctx, engine.NewOrder{OrderID: "1001", CustomerID: "alice", TotalPrice: 10_000_000, Currency: "XTR", CreatedAt: testNow}); err != nil {
				t.Fatal(err)
			}
			order := "1001"
			if _, err := eng.ReceivePayment(ctx, engine.WalletCall{Address: wallet.Address, Nonce: 1}, engine.NewPayment{Sender: testAddress, Amount: 9_950_000, TxID: "tx1", OrderID: &order}); err != nil {
				t.Fatal(err)
			}
			if _, err := eng.ConfirmPayment(ctx, engine.WalletCall{Address: wallet.Address, Nonce: 2}, "tx1"); err != nil {
				t.Fatal(err)
			}
			resp, body := hs.do(t, "GET", "/admin/orders/1001", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			doc := parse(t, body)
			if got := doc.Find(`[data-testid=order-status]`).Text(); !strings.Contains(got, "Paid") {
				t.Errorf("status %q, want Paid", got)
			}
			var written string
			doc.Find("dl.facts dt").Each(func(_ int, dt *goquery.Selection) {
				if dt.Text() == "Written off" {
					written = dt.Next().Text()
				}
			})
			if !strings.HasPrefix(written, "0.05 XTR short, within the underpayment tolerance of 1 %") {
				t.Errorf("written off %q", written)
			}
			if !strings.Contains(body, "within the underpayment tolerance of 1 %") || !strings.Contains(body, "write_off") {
				t.Errorf("no write_off audit row in %s", body)
			}
		})
	}
}
