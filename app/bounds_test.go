package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"taripay/app/admin"
	"taripay/app/shopify"
)

const (
	boundsHMAC   = "bounds-hmac-secret"
	boundsSecret = "bounds-admin-secret"
	boundsShop   = "bounds-shop.myshopify.com"
)

// shopHarness is a harness that serves the Shopify webhooks and the
// embedded admin, with an app session of the shop's installer.
type shopHarness struct {
	*harness
	session string
}

func newShopHarness(t *testing.T, backend string, env map[string]string) *shopHarness {
	t.Helper()
	vars := map[string]string{"TPG_SHOPIFY_HMAC_SECRET": boundsHMAC, "TPG_SHOPIFY_API_KEY": "bounds-client",
		"TPG_SHOPIFY_API_SECRET": boundsSecret, "TPG_SHOPIFY_SHOP": boundsShop}
	for k, v := range env {
		vars[k] = v
	}
	h := newHarnessOn(t, backend, vars)
	if _, err := h.e.Install(context.Background(), boundsShop, "1"); err != nil {
		t.Fatal(err)
	}
	session := admin.AppSessions{Key: admin.AppSessionKey(boundsSecret), TTL: 24 * time.Hour, Now: h.clock.Now}.
		Mint(admin.Staff{Shop: boundsShop, User: "1"})
	return &shopHarness{harness: h, session: session}
}

// orderCreated delivers a signed orders/create of a Tari order, as Shopify
// sends it.
func (h *shopHarness) orderCreated(id int64, customer int64, currency, total string) response {
	h.t.Helper()
	body := fmt.Sprintf(`{"id":%d,"name":"#%d","created_at":"2024-03-10T15:00:00Z","currency":%q,"total_price":%q,`+
		`"financial_status":"pending","payment_gateway_names":["Tari"],"customer":{"id":%d}}`, id, id, currency, total, customer)
	return h.do(http.MethodPost, "/shopify/webhook/orders/create", body, "X-Shopify-Hmac-Sha256", shopify.Sign([]byte(body), boundsHMAC),
		"X-Shopify-Shop-Domain", boundsShop, "X-Shopify-Event-Id", fmt.Sprintf("event-%d", id))
}

// page reads an admin page with the installer's session.
func (h *shopHarness) page(path string) response {
	h.t.Helper()
	return h.do(http.MethodGet, path, nil, admin.SessionHeader, h.session)
}

// One order may cost at most engine.MaxOrderTotal: two orders of 5×10¹⁸ µT
// made every sum of orders overflow, and the dashboard, the customer page
// and the customer's history answered 500. Now such an order is refused
// where it comes in, as a delivery that failed for good and is listed on
// the dashboard, and the pages that sum orders answer 200.
func TestOrderTotalBounded(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newShopHarness(t, backend, nil)
		for i, total := range []string{"5000000000000", "5000000000000", "100000000", "100000000"} {
			if r := h.orderCreated(int64(9100+i), 77, "XTR", total); r.status != http.StatusOK {
				t.Fatalf("orders/create %s XTR: %d %s", total, r.status, r.body)
			}
		}
		h.processWebhooks()
		admin := h.login(h.super, "super_admin")
		for _, id := range []string{"9100", "9101"} {
			if r := h.as(admin, http.MethodGet, "/api/order/id/"+id, nil); r.status != http.StatusOK || r.body != "null" {
				t.Errorf("order %s of 5×10¹⁸ µT: %d %s, want it refused (null)", id, r.status, r.body)
			}
		}
		for _, id := range []string{"9102", "9103"} {
			if got := h.order(id).Status; got != "Unclaimed" {
				t.Errorf("order %s of the most one order may cost is %s, want Unclaimed", id, got)
			}
		}
		dash := h.page("/admin")
		if dash.status != http.StatusOK {
			t.Fatalf("/admin: %d %s", dash.status, dash.body)
		}
		if !strings.Contains(dash.body, "more than the 100000000000000 µT one order may cost") {
			t.Errorf("the dashboard does not show the refused orders' failure:\n%s", dash.body)
		}
		for _, path := range []string{"/admin/customers/77", "/admin/customers"} {
			if r := h.page(path); r.status != http.StatusOK {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
		if r := h.as(admin, http.MethodGet, "/api/history/customer/77", nil); r.status != http.StatusOK {
			t.Errorf("/api/history/customer/77: %d %s", r.status, r.body)
		}
		// The merchant cannot raise an order past the bound either.
		r := h.as(admin, http.MethodPatch, "/api/order_price", map[string]any{"order_id": "9102", "new_price": 100_000_000_000_001, "reason": "x"})
		wantError(t, r, http.StatusBadRequest, "one order may cost")
	})
}

// Every list route reads one page: count is 1 to engine.MaxPageSize (a
// larger one, such as a billion, is a 400, not a billion-row read), offset
// skips, and the page holds at most count items.
func TestListPagesBounded(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice, bob := keyActor(t, aliceSecret), keyActor(t, bobSecret)
		for i, by := range []*actor{alice, alice, bob} {
			id := fmt.Sprintf("o%d", i+1)
			h.addOrder(id, fmt.Sprintf("c%d", i+1), 1_000_000, nil)
			h.clock.Add(time.Minute)
			if r := h.claim(by, id); r.status != http.StatusOK {
				t.Fatalf("claim %s: %d %s", id, r.status, r.body)
			}
		}
		for i := range 3 {
			h.pay(alice, 1, fmt.Sprintf("tx%d", i), nil, nil)
		}
		admin := h.login(h.super, "super_admin")
		own := h.login(alice)
		lists := []struct {
			path, token string
			items       func(r response) int // the page's items, from its body
		}{
			{"/api/customer_ids", admin, count[[]string]},
			{"/api/addresses", admin, count[[]string]},
			{"/api/search/orders", admin, count[[]map[string]any]},
			{"/api/creditors", admin, count[[]map[string]any]},
			{"/api/orders", own, field("orders")},
			{"/api/unfulfilled_orders", own, field("orders")},
			{"/api/orders/" + alice.base58(), admin, field("orders")},
			{"/api/unfulfilled_orders/" + alice.base58(), admin, field("orders")},
			{"/api/payments", own, field("payments")},
			{"/api/payments/" + alice.base58(), admin, field("payments")},
		}
		for _, l := range lists {
			sep := "?"
			if strings.Contains(l.path, "?") {
				sep = "&"
			}
			all := h.as(l.token, http.MethodGet, l.path, nil)
			if all.status != http.StatusOK {
				t.Fatalf("%s: %d %s", l.path, all.status, all.body)
			}
			n := l.items(all)
			if n < 2 {
				t.Fatalf("%s lists %d items, want at least 2 to page through: %s", l.path, n, all.body)
			}
			for _, c := range []struct {
				query string
				want  int
			}{{"count=1", min(n, 1)}, {"offset=1", max(n-1, 0)}, {"offset=1&count=1", min(max(n-1, 0), 1)}, {"offset=1000000000", 0}} {
				r := h.as(l.token, http.MethodGet, l.path+sep+c.query, nil)
				if r.status != http.StatusOK || l.items(r) != c.want {
					t.Errorf("%s?%s: %d %s, want %d items", l.path, c.query, r.status, r.body, c.want)
				}
			}
			for _, q := range []string{"count=1000000000", "count=1001", "count=0", "count=-1", "offset=-1", "count=x"} {
				wantError(t, h.as(l.token, http.MethodGet, l.path+sep+q, nil), http.StatusBadRequest, "Query deserialize error")
			}
		}
	})
}

// count is the length of a JSON array body.
func count[T ~[]E, E any](r response) int {
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		return -1
	}
	return len(v)
}

// field is the length of the JSON array in a body's member name.
func field(name string) func(response) int {
	return func(r response) int {
		var v map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			return -1
		}
		return count[[]any](response{body: string(v[name])})
	}
}
