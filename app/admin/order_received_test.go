package admin

import (
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/engine"
)

// An open order's page says what its payments bring, pending and confirmed
// apart, and what is still due, as the customer's pay page does; a closed
// order's, or one without payments, says nothing of it.
func TestOrderPageShowsReceived(t *testing.T) {
	pay := func(txid string, amount engine.MicroTari, s engine.PaymentStatus) engine.Payment {
		return engine.Payment{TxID: txid, Amount: amount, Status: s, Sender: testAddress, CreatedAt: testNow}
	}
	for _, tt := range []struct {
		name     string
		status   engine.OrderStatus
		payments []engine.Payment
		want     string // "" for no such fact
	}{
		{"nothing received", engine.OrderNew, nil, ""},
		{"part pending", engine.OrderNew, []engine.Payment{pay("tx1", 1_000_000_000, engine.PaymentReceived)},
			"1,000 XTR of 2,400.5 XTR, 1,400.5 XTR still due (1,000 XTR pending, 0 XTR confirmed)"},
		{"part confirmed, part pending, one cancelled", engine.OrderNew, []engine.Payment{
			pay("tx1", 1_000_000_000, engine.PaymentConfirmed), pay("tx2", 400_000, engine.PaymentReceived), pay("tx3", 5_000_000_000, engine.PaymentCancelled),
		}, "1,000.4 XTR of 2,400.5 XTR, 1,400.1 XTR still due (0.4 XTR pending, 1,000 XTR confirmed)"},
		{"full pending", engine.OrderNew, []engine.Payment{pay("tx1", 2_400_500_000, engine.PaymentReceived)},
			"2,400.5 XTR of 2,400.5 XTR, nothing still due (2,400.5 XTR pending, 0 XTR confirmed)"},
		{"paid", engine.OrderPaid, []engine.Payment{pay("tx1", 2_400_500_000, engine.PaymentConfirmed)}, ""},
		{"cancelled", engine.OrderCancelled, []engine.Payment{pay("tx1", 1_000_000_000, engine.PaymentConfirmed)}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{
				order: func(string) (engine.Order, error) {
					return engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 2_400_500_000, Currency: "XTR", Status: tt.status,
						ClaimToken: "tokA0123456789abcdefXYZ", CreatedAt: testNow, RecordedAt: testNow, UpdatedAt: testNow}, nil
				},
				paymentsForOrder: func(string) ([]engine.Payment, error) { return tt.payments, nil },
			}
			hs := newHarness(t, eng)
			resp, body := hs.do(t, "GET", "/admin/orders/1001", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var got []string
			parse(t, body).Find("dl.facts dt").Each(func(_ int, dt *goquery.Selection) {
				if dt.Text() == "Received" {
					got = append(got, dt.Next().Text())
				}
			})
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("received = %q, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0] != tt.want):
				t.Errorf("received = %q, want %q", got, tt.want)
			}
		})
	}
}
