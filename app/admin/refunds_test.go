package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"taripay/engine"
)

// The refunds page lists each refund due with its address, amount, QR code
// and tari:// link; Mark sent and Give as store credit close one, for
// staff with the write role only.
func TestRefundPages(t *testing.T) {
	closedAt := testNow.Add(-time.Hour)
	txid := "tx-back"
	due := engine.Refund{ID: 7, RefundID: "929361465044", OrderID: "5796499259604", CustomerID: "c1", Address: testAddress,
		Amount: 150_000_000, ShopAmount: "15.00", Currency: "USD", Status: engine.RefundDue, CreatedAt: testNow.Add(-2 * time.Hour)}
	sent := due
	sent.ID, sent.Status, sent.TxID, sent.ClosedAt = 6, engine.RefundSent, &txid, &closedAt
	type call struct {
		id    int64
		txid  string
		actor string
	}
	var calls []call
	fake := func(roles ...engine.Role) *fakeEngine {
		calls = nil
		return &fakeEngine{
			refunds: func(statuses []engine.RefundStatus) ([]engine.Refund, error) {
				if statuses[0] == engine.RefundDue {
					return []engine.Refund{due}, nil
				}
				return []engine.Refund{sent}, nil
			},
			markRefundSent: func(ctx context.Context, id int64, txid, _ string) (engine.Refund, error) {
				calls = append(calls, call{id, txid, engine.ActorFrom(ctx)})
				return due, nil
			},
			creditRefund: func(ctx context.Context, id int64, _ string) (engine.Refund, error) {
				calls = append(calls, call{id, "credit", engine.ActorFrom(ctx)})
				return due, nil
			},
			staffMember: func(shop, user string) (engine.StaffMember, error) {
				return engine.StaffMember{Shop: shop, User: user, Roles: roles}, nil
			},
		}
	}

	hs := newHarness(t, fake(engine.RoleReadAll, engine.RoleWrite))
	resp, body := hs.do(t, "GET", "/admin/refunds", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	if resp.StatusCode != 200 {
		t.Fatalf("GET /admin/refunds = %d: %.500s", resp.StatusCode, body)
	}
	doc := parse(t, body)
	if n := doc.Find(`[data-testid="refund-due"]`).Length(); n != 1 {
		t.Fatalf("%d refunds due shown, want 1", n)
	}
	if got := doc.Find(`[data-testid="refund-address"]`).Text(); got != testAddress {
		t.Errorf("address = %q", got)
	}
	if got := doc.Find(`[data-testid="refund-amount"]`).Text(); !strings.Contains(got, "150") {
		t.Errorf("amount = %q", got)
	}
	link, _ := doc.Find(`[data-testid="refund-link"]`).Attr("href")
	if !strings.HasPrefix(link, "tari://") || !strings.Contains(link, "tariAddress="+testAddress) || !strings.Contains(link, "amount=150000000") {
		t.Errorf("deep link = %q", link)
	}
	if src, _ := doc.Find(`[data-testid="refund-qr"]`).Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("QR code src = %.60q", src)
	}
	if n := doc.Find(`[data-testid="refund-closed-row"]`).Length(); n != 1 || !strings.Contains(doc.Find(`[data-testid="refund-closed-row"]`).Text(), txid) {
		t.Errorf("closed refunds: %d rows, %q", n, doc.Find(`[data-testid="refund-closed-row"]`).Text())
	}

	tests := []struct {
		name      string
		roles     []engine.Role
		path      string
		form      url.Values
		status    int
		wantCalls []call
	}{
		{"mark sent", []engine.Role{engine.RoleReadAll, engine.RoleWrite}, "/admin/refunds/7/sent", url.Values{"txid": {" abc "}, "confirm": {"yes"}}, 200, []call{{7, "abc", "admin:test-shop.myshopify.com/42"}}},
		{"store credit", []engine.Role{engine.RoleReadAll, engine.RoleWrite}, "/admin/refunds/7/credit", url.Values{"confirm": {"yes"}}, 200, []call{{7, "credit", "admin:test-shop.myshopify.com/42"}}},
		{"sent asks first", []engine.Role{engine.RoleReadAll, engine.RoleWrite}, "/admin/refunds/7/sent", url.Values{"txid": {"abc"}}, 200, nil},
		{"no txid", []engine.Role{engine.RoleReadAll, engine.RoleWrite}, "/admin/refunds/7/sent", url.Values{"txid": {""}, "confirm": {"yes"}}, 400, nil},
		{"not a refund id", []engine.Role{engine.RoleReadAll, engine.RoleWrite}, "/admin/refunds/x/credit", url.Values{"confirm": {"yes"}}, 404, nil},
		{"sent without write", []engine.Role{engine.RoleReadAll}, "/admin/refunds/7/sent", url.Values{"txid": {"abc"}, "confirm": {"yes"}}, 403, nil},
		{"credit without write", []engine.Role{engine.RoleReadAll}, "/admin/refunds/7/credit", url.Values{"confirm": {"yes"}}, 403, nil},
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
		})
	}
}
