package admin

import (
	"github.com/PuerkitoBio/goquery"

	"testing"

	"taripay/engine"
)

// An open order's Details card polls its own fragment, which says what the
// payments bring now: a payment that arrives after the page was drawn shows
// at the next poll. A closed order's card does not poll.
func TestOrderFactsLive(t *testing.T) {
	status := engine.OrderNew
	var payments []engine.Payment
	eng := &fakeEngine{
		order: func(string) (engine.Order, error) {
			return engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 2_400_500_000, Currency: "XTR", Status: status,
				ClaimToken: "tokA0123456789abcdefXYZ", CreatedAt: testNow, RecordedAt: testNow, UpdatedAt: testNow}, nil
		},
		paymentsForOrder: func(string) ([]engine.Payment, error) { return payments, nil },
	}
	hs := newHarness(t, eng)
	get := func(path string) (poll, received string) {
		t.Helper()
		resp, body := hs.do(t, "GET", path, nil, map[string]string{"HX-Request": "true", SessionHeader: hs.session})
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
		}
		card := parse(t, body).Find(`[data-testid="order-facts"]`)
		if card.Length() != 1 {
			t.Fatalf("GET %s: %d Details cards:\n%s", path, card.Length(), body)
		}
		if url, ok := card.Attr("hx-get"); ok {
			trigger, _ := card.Attr("hx-trigger")
			poll = url + " " + trigger
		}
		card.Find("dt").Each(func(_ int, dt *goquery.Selection) {
			if dt.Text() == "Received" {
				received = dt.Next().Text()
			}
		})
		return poll, received
	}
	const live = "/admin/orders/1001/facts every 5s"
	if poll, received := get("/admin/orders/1001"); poll != live || received != "" {
		t.Fatalf("page before any payment: poll %q, received %q", poll, received)
	}
	payments = []engine.Payment{{TxID: "tx1", Amount: 1_000_000_000, Status: engine.PaymentConfirmed, Sender: testAddress, CreatedAt: testNow}}
	want := "1,000 XTR of 2,400.5 XTR, 1,400.5 XTR still due (0 XTR pending, 1,000 XTR confirmed)"
	if poll, received := get("/admin/orders/1001/facts"); poll != live || received != want {
		t.Fatalf("polled after a payment: poll %q, received %q; want %q", poll, received, want)
	}
	status = engine.OrderPaid
	if poll, _ := get("/admin/orders/1001/facts"); poll != "" {
		t.Fatalf("paid order's card still polls: %q", poll)
	}
	if poll, _ := get("/admin/orders/1001"); poll != "" {
		t.Fatalf("paid order's page polls: %q", poll)
	}
}

// A part-payment job's sync row names the payment it shows.
func TestSyncRowNamesPartPayment(t *testing.T) {
	row := syncRow(engine.SideEffect{Kind: engine.SideEffectPartPayment, OrderID: "1001", TxID: "tx-1", State: engine.SideEffectDone})
	if row.Kind != "part payment (tx-1)" {
		t.Errorf("kind %q", row.Kind)
	}
	if row := syncRow(engine.SideEffect{Kind: engine.SideEffectMarkPaid, OrderID: "1001"}); row.Kind != "mark paid" {
		t.Errorf("kind %q", row.Kind)
	}
}
