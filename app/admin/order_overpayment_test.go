package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/engine"
)

// A Paid order paid beyond its price shows the overpayment as a fact and,
// until it is refunded, a Refund overpayment action that records a refund
// due as the staff user, for staff with the write role only.
func TestOrderOverpayment(t *testing.T) {
	paid := engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 50_000_000, Currency: "XTR", Status: engine.OrderPaid, CreatedAt: testNow}
	due := engine.Refund{RefundID: engine.OverpaymentRefundID("1001"), OrderID: "1001", Address: testAddress, Amount: 20_000_000, Status: engine.RefundDue}
	type call struct{ ref, actor string }
	var calls []call
	fake := func(refund *engine.Refund, roles ...engine.Role) *fakeEngine {
		calls = nil
		return &fakeEngine{
			order: func(string) (engine.Order, error) { return paid, nil },
			overpayment: func(string) (engine.Overpayment, error) {
				return engine.Overpayment{Amount: 30_000_000, Payer: testAddress, Refund: refund}, nil
			},
			refundOverpaid: func(ctx context.Context, ref, _ string) (engine.Refund, error) {
				calls = append(calls, call{ref, engine.ActorFrom(ctx)})
				return due, nil
			},
			staffMember: func(shop, user string) (engine.StaffMember, error) {
				return engine.StaffMember{Shop: shop, User: user, Roles: roles}, nil
			},
		}
	}
	write := []engine.Role{engine.RoleReadAll, engine.RoleWrite}
	for _, tt := range []struct {
		name     string
		refund   *engine.Refund
		fact     string
		withForm bool
	}{
		{"not refunded", nil, "30 XTR beyond its price, held as credit of " + testAddress, true},
		{"refund due", &due, "30 XTR beyond its price; refund of 20 XTR to " + testAddress + ": Due", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, fake(tt.refund, write...))
			resp, body := hs.do(t, "GET", "/admin/orders/1001", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %.500s", resp.StatusCode, body)
			}
			doc := parse(t, body)
			var fact string
			doc.Find("dl.facts dt").Each(func(_ int, dt *goquery.Selection) {
				if dt.Text() == "Overpaid" {
					fact = dt.Next().Text()
				}
			})
			if fact != tt.fact {
				t.Errorf("Overpaid fact %q, want %q", fact, tt.fact)
			}
			if got := doc.Find("#order-refund-overpayment").Length() == 1; got != tt.withForm {
				t.Errorf("refund form shown: %v, want %v", got, tt.withForm)
			}
		})
	}

	const actor = "admin:test-shop.myshopify.com/42"
	for _, tt := range []struct {
		name      string
		roles     []engine.Role
		form      url.Values
		status    int
		wantCalls []call
	}{
		{"refund", write, url.Values{"reason": {"paid twice"}, "confirm": {"yes"}}, 200, []call{{"1001", actor}}},
		{"asks first", write, url.Values{"reason": {"paid twice"}}, 200, nil},
		{"without write", []engine.Role{engine.RoleReadAll}, url.Values{"reason": {"paid twice"}, "confirm": {"yes"}}, 403, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, fake(nil, tt.roles...))
			resp, body := hs.do(t, "POST", "/admin/orders/1001/refund-overpayment", tt.form, hs.htmx())
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.500s", resp.StatusCode, tt.status, body)
			}
			if len(calls) != len(tt.wantCalls) || len(calls) > 0 && calls[0] != tt.wantCalls[0] {
				t.Errorf("engine calls %+v, want %+v", calls, tt.wantCalls)
			}
			if len(tt.wantCalls) > 0 && !strings.Contains(body, "refund of the overpayment is due") {
				t.Errorf("no confirmation in %.500s", body)
			}
		})
	}
}
