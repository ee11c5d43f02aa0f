package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify/shopifytest"
	"taripay/db/dbtest"
	"taripay/engine/tari"
	"taripay/internal/servetest"
)

// TestPartPaymentShownInShopify runs `taripay serve` on default settings,
// on SQLite and PostgreSQL: Shopify's orders/create webhook for a 23.90 USD
// Tari order (239 XTR at 10 XTR per dollar), the pay page its email links
// to, and the console wallet's notify hook for a confirmed payment of 100
// XTR, then of the rest. The part payment shows in Shopify as 10.00 USD
// received: a partial capture where the order has a pending Tari
// transaction, the taripay.received metafield and a staff note line where
// it has none (docs/part-payments.md). The payment that completes the order
// makes it Paid, and orderMarkAsPaid records only what Shopify still has
// outstanding: Shopify ends with 23.90 paid, nothing outstanding, nothing
// counted twice.
func TestPartPaymentShownInShopify(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			var env []string
			if backend == "postgres" {
				env = append(env, "TPG_DATABASE_URL="+dbtest.NewPostgresSchema(t))
			}
			fake := shopifytest.New(t)
			shop := newWalletShop(t, fake, 10_000_000, env...)
			srv, base, token := shop.srv, shop.srv.Base, shop.token

			for i, tc := range []struct {
				name    string
				pending []shopifytest.Transaction // the order's transactions in Shopify
				// shown reports whether Shopify shows the first payment's 10.00 USD.
				shown func(o shopifytest.Order) bool
				// remainder is what orderMarkAsPaid records.
				remainder string
			}{
				{
					name:    "partial capture of the pending Tari transaction",
					pending: []shopifytest.Transaction{{ID: "700", Kind: "SALE", Status: "PENDING", Gateway: "Tari", Amount: "23.90", Currency: "USD"}},
					shown: func(o shopifytest.Order) bool {
						return fake.Paid(o.ID) == "10.00" && fake.Outstanding(o.ID) == "13.90" && o.FinancialStatus == "PARTIALLY_PAID"
					},
					remainder: "13.90",
				},
				{
					name: "metafield and staff note",
					shown: func(o shopifytest.Order) bool {
						return o.Received == `{"amount":"10.00","currency_code":"USD"}` &&
							strings.HasPrefix(o.Note, "Leave at the door\nTari payment ") &&
							strings.HasSuffix(o.Note, " confirmed: 100 XTR; 10.00 USD received in Tari so far.") &&
							fake.Paid(o.ID) == "0.00" && fake.Outstanding(o.ID) == "23.90"
					},
					remainder: "23.90",
				},
			} {
				t.Run(tc.name, func(t *testing.T) {
					orderID, name := strconv.Itoa(5796499259800+i), "#"+strconv.Itoa(1300+i)
					fake.AddOrder(shopifytest.Order{ID: orderID, Name: name, Gateways: []string{"Tari"}, Currency: "USD",
						TotalPrice: "23.90", FinancialStatus: "PENDING", Note: "Leave at the door", Transactions: tc.pending})
					emailLink := shop.order(t, orderID, name, strconv.Itoa(7221372846400+i))
					link := waitForPayPage(t, emailLink, srv.Log)
					if got := link.Query().Get("amount"); got != "239000000" {
						t.Fatalf("the pay page asks %s µT, want 239000000", got)
					}
					addr, err := tari.ParseAddress(link.Query().Get("tariAddress"))
					if err != nil || len(addr.PaymentID()) == 0 {
						t.Fatalf("the link's address %q carries no payment id: %v", link.Query().Get("tariAddress"), err)
					}
					paymentID := "type(PaymentToOther), data(" + string(addr.PaymentID()) + ")"
					payer := newKey(t)
					// paid sends the wallet's notifications of a one-sided payment to
					// the order's address: seen, then mined and confirmed.
					paid := func(txid string, micro int64) {
						t.Helper()
						for _, n := range [][2]string{{"confirmation", "0"}, {"mined", "3"}} {
							shop.notify(t, n[0], walletAmount(micro), txid, "", paymentID, payer.addr.Base58(), shop.merchant.Base58(),
								"One-Sided Confirmed", "", "", "", n[1], "Inbound")
						}
					}

					paid(strconv.Itoa(2_000_000+2*i), 100_000_000)
					if s := orderStatus(t, base, token, orderID); s == "Paid" {
						t.Fatalf("after 100 of 239 XTR, order is Paid")
					}
					waitForFake(t, fake, orderID, "the part payment", tc.shown, srv.Log)
					page := payPage(t, emailLink)
					if got := page.Find(`[data-testid="status-label"]`).Text(); !strings.Contains(got, "139 XTR still due") {
						t.Errorf("after the part payment, the pay page's status is %q", got)
					}
					if n := fake.Succeeded("MarkAsPaid"); n != i {
						t.Errorf("orderMarkAsPaid took effect %d times before the order was paid, want %d", n, i)
					}

					paid(strconv.Itoa(2_000_001+2*i), 139_000_000)
					if s := orderStatus(t, base, token, orderID); s != "Paid" {
						t.Fatalf("after the whole total, order is %s, want Paid", s)
					}
					waitForShopify(t, fake, orderID, srv.Log)
					o, _ := fake.Order(orderID)
					var marked []string
					for _, tx := range o.Transactions {
						if tx.Gateway == "manual" {
							marked = append(marked, tx.Amount)
						}
					}
					if len(marked) != 1 || marked[0] != tc.remainder {
						t.Errorf("orderMarkAsPaid recorded %v, want only the remainder %s", marked, tc.remainder)
					}
					if paid, left := fake.Paid(orderID), fake.Outstanding(orderID); paid != "23.90" || left != "0.00" {
						t.Errorf("Shopify holds %s paid and %s outstanding, want 23.90 and 0.00", paid, left)
					}
				})
			}
			if err := srv.Stop(); err != nil {
				t.Errorf("exit after SIGTERM: %v", err)
			}
			if n := len(fake.Calls("Capture")); n != 1 {
				t.Errorf("%d captures, want 1 (the first order's part payment)", n)
			}
			if n := fake.Succeeded("RecordReceived"); n != 1 {
				t.Errorf("%d metafield and note writes, want 1 (the second order's part payment)", n)
			}
			if n := fake.Succeeded("MarkAsPaid"); n != 2 {
				t.Errorf("orderMarkAsPaid took effect %d times for 2 orders", n)
			}
		})
	}
}

// waitForFake waits, a bounded time, until the fake Shopify's order
// satisfies shown.
func waitForFake(t *testing.T, fake *shopifytest.Fake, orderID, what string, shown func(shopifytest.Order) bool, log *servetest.Log) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if o, ok := fake.Order(orderID); ok && shown(o) {
			return
		}
		select {
		case <-fake.Arrived():
		case <-time.After(50 * time.Millisecond): // an arrival another wait took
		case <-deadline:
			o, _ := fake.Order(orderID)
			t.Fatalf("Shopify never showed %s of order %s: %+v\n%s", what, orderID, o, log.Tail())
		}
	}
}
