package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"taripay/engine"
)

// The dashboard lists the payments received for closed orders still to be
// dealt with; Refund it and Keep as credit act on one, as the staff user,
// for staff with the write role only.
func TestLatePaymentsCard(t *testing.T) {
	lp := engine.LatePayment{
		Payment: engine.Payment{TxID: "tx-late", Sender: testAddress, Amount: 30_000_000, Status: engine.PaymentConfirmed, CreatedAt: testNow.Add(-time.Hour)},
		OrderID: "5001", CustomerID: "c1", OrderStatus: engine.OrderCancelled, ClosedAt: testNow.Add(-2 * time.Hour),
	}
	type call struct{ action, txid, actor string }
	var calls []call
	var asked []engine.LatePaymentQuery
	fake := func(roles ...engine.Role) *fakeEngine {
		calls, asked = nil, nil
		return &fakeEngine{
			latePayments: func(q engine.LatePaymentQuery) ([]engine.LatePayment, error) {
				asked = append(asked, q)
				return []engine.LatePayment{lp}, nil
			},
			refundLate: func(ctx context.Context, txid, _ string) (engine.Refund, error) {
				calls = append(calls, call{"refund", txid, engine.ActorFrom(ctx)})
				return engine.Refund{OrderID: "5001", Amount: 30_000_000}, nil
			},
			keepLate: func(ctx context.Context, txid, _ string) (engine.LatePayment, error) {
				calls = append(calls, call{"keep", txid, engine.ActorFrom(ctx)})
				return lp, nil
			},
			staffMember: func(shop, user string) (engine.StaffMember, error) {
				return engine.StaffMember{Shop: shop, User: user, Roles: roles}, nil
			},
		}
	}

	hs := newHarness(t, fake(engine.RoleReadAll))
	resp, body := hs.do(t, "GET", "/admin", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	if resp.StatusCode != 200 {
		t.Fatalf("GET /admin = %d: %.500s", resp.StatusCode, body)
	}
	doc := parse(t, body)
	row := doc.Find(`[data-testid="late-payment"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "5001") || !strings.Contains(row.Text(), "tx-late") ||
		!strings.Contains(doc.Find(`[data-testid="late-payment-amount"]`).Text(), "30 XTR") {
		t.Fatalf("late payments card: %d rows, %q", row.Length(), row.Text())
	}
	if !strings.Contains(doc.Find(`[data-testid="late-payments-section"]`).Text(), "Payments received for closed orders") {
		t.Error("the card has no title")
	}
	if len(asked) != 1 || !asked[0].Open {
		t.Errorf("late payments asked with %+v, want the open ones", asked)
	}

	const actor = "admin:test-shop.myshopify.com/42"
	write := []engine.Role{engine.RoleReadAll, engine.RoleWrite}
	tests := []struct {
		name      string
		roles     []engine.Role
		path      string
		form      url.Values
		status    int
		wantCalls []call
	}{
		{"refund", write, "/admin/late-payments/tx-late/refund", url.Values{"confirm": {"yes"}}, 200, []call{{"refund", "tx-late", actor}}},
		{"keep", write, "/admin/late-payments/tx-late/keep", url.Values{"confirm": {"yes"}}, 200, []call{{"keep", "tx-late", actor}}},
		{"escaped txid", write, "/admin/late-payments/tx%2Fa%20b/keep", url.Values{"confirm": {"yes"}}, 200, []call{{"keep", "tx/a b", actor}}},
		{"refund asks first", write, "/admin/late-payments/tx-late/refund", nil, 200, nil},
		{"refund without write", []engine.Role{engine.RoleReadAll}, "/admin/late-payments/tx-late/refund", url.Values{"confirm": {"yes"}}, 403, nil},
		{"keep without write", []engine.Role{engine.RoleReadAll}, "/admin/late-payments/tx-late/keep", url.Values{"confirm": {"yes"}}, 403, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, fake(tt.roles...))
			resp, body := hs.do(t, "POST", tt.path, tt.form, hs.htmx())
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.500s", resp.StatusCode, tt.status, body)
			}
			if len(calls) != len(tt.wantCalls) || len(calls) > 0 && calls[0] != tt.wantCalls[0] {
				t.Errorf("engine calls %+v, want %+v", calls, tt.wantCalls)
			}
			if len(tt.wantCalls) > 0 && (resp.Header.Get("HX-Retarget") != "#late-payments" || !strings.Contains(body, "5001")) {
				t.Errorf("answer retargets %q: %.300s", resp.Header.Get("HX-Retarget"), body)
			}
		})
	}

	// An engine refusal is shown on the form, nothing changed.
	f := fake(write...)
	f.refundLate = func(context.Context, string, string) (engine.Refund, error) {
		return engine.Refund{}, engine.Errorf(engine.EINVALID, engine.ErrNothingToRefund, "Payment tx-late has been spent")
	}
	hs = newHarness(t, f)
	if resp, body := hs.do(t, "POST", "/admin/late-payments/tx-late/refund", url.Values{"confirm": {"yes"}}, hs.htmx()); resp.StatusCode != 400 || !strings.Contains(body, "has been spent") {
		t.Errorf("refused refund = %d: %.300s", resp.StatusCode, body)
	}
}
