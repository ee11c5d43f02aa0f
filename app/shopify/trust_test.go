package shopify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// TestWebhookDoesOnlyWhatItsBodySays: Shopify signs a webhook's body, not
// its route or headers, so a signed body replayed to another route, or with
// another shop's header, does no more than the body says. Each refusal is a
// 400 logged with the event id, and nothing is stored or changed.
func TestWebhookDoesOnlyWhatItsBodySays(t *testing.T) {
	const other = "other-shop.myshopify.com"
	order := fixture(t, "orders_create.json") // cancelled_at null
	product := fixture(t, "products_update.json")
	redact := fixture(t, "customers_redact.json")
	shopBody := func(domain string) []byte {
		return []byte(`{"id":954889,"name":"Test shop","domain":"shop.example.com","myshopify_domain":"` + domain + `"}`)
	}
	refusals := []struct {
		name, path string
		hook       shopifytest.Webhook
	}{
		{"an order body on app/uninstalled", "/shopify/webhook/app/uninstalled",
			shopifytest.Webhook{Topic: "app/uninstalled", Body: order}},
		{"another shop's uninstall with our shop's header", "/shopify/webhook/app/uninstalled",
			shopifytest.Webhook{Topic: "app/uninstalled", Body: shopBody(other)}},
		{"our uninstall with another shop's header", "/shopify/webhook/app/uninstalled",
			shopifytest.Webhook{Topic: "app/uninstalled", Shop: other, Body: shopBody(shopDom)}},
		{"a redaction for another shop", "/shopify/webhook/customers/redact",
			shopifytest.Webhook{Topic: "customers/redact", Body: []byte(strings.Replace(string(redact), shopDom, other, 1))}},
		{"a redaction that names no customer", "/shopify/webhook/customers/redact",
			shopifytest.Webhook{Topic: "customers/redact", Body: []byte(`{"shop_id":954889,"shop_domain":"` + shopDom + `","customer":{},"orders_to_redact":[]}`)}},
		{"an order body on customers/redact", "/shopify/webhook/customers/redact",
			shopifytest.Webhook{Topic: "customers/redact", Body: order}},
		{"a data request for another shop", "/shopify/webhook/customers/data_request",
			shopifytest.Webhook{Topic: "customers/data_request", Body: []byte(strings.Replace(string(fixture(t, "customers_data_request.json")), shopDom, other, 1))}},
		{"a shop redaction for another shop", "/shopify/webhook/shop/redact",
			shopifytest.Webhook{Topic: "shop/redact", Body: []byte(`{"shop_id":1,"shop_domain":"` + other + `"}`)}},
		{"a product body on orders/cancelled", "/shopify/webhook/orders/cancelled",
			shopifytest.Webhook{Topic: "orders/cancelled", Body: product}},
		{"an order body on products/update", "/shopify/webhook/products/update",
			shopifytest.Webhook{Topic: "products/update", Body: order}},
		{"a product body on orders/create", "/shopify/webhook/orders/create",
			shopifytest.Webhook{Topic: "orders/create", Body: product}},
		{"X-Shopify-Topic of another route", "/shopify/webhook/orders/cancelled",
			shopifytest.Webhook{Topic: "orders/create", Body: order}},
		{"X-Shopify-Topic of another route, on checkout_create", "/shopify/webhook/checkout_create",
			shopifytest.Webhook{Topic: "orders/cancelled", Body: order}},
	}
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := context.Background()
		tokens := db.NewShopTokenStore(d.Bun())
		if err := tokens.SaveShopToken(ctx, shopdata.Token{Shop: shopDom, AccessToken: "shpat_ours", UpdatedAt: s.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		s.createOrder(t)
		status := func() engine.OrderStatus {
			t.Helper()
			o, err := s.eng.Order(ctx, orderID, false)
			if err != nil {
				t.Fatal(err)
			}
			return o.Status
		}

		for i, r := range refusals {
			r.hook.Secret, r.hook.EventID = secret, "refused-"+string(rune('a'+i))
			code, reply := s.send(t, r.path, r.hook)
			if code != http.StatusBadRequest || !strings.Contains(reply, `"error"`) {
				t.Errorf("%s: %d %s, want a 400", r.name, code, reply)
			}
			if _, _, _, err := d.WebhookState(ctx, r.hook.EventID); err == nil {
				t.Errorf("%s: the delivery was stored", r.name)
			}
			if !strings.Contains(s.logs.String(), "event_id="+r.hook.EventID) {
				t.Errorf("%s: the refusal is not logged with its event id", r.name)
			}
		}
		if _, err := tokens.ShopToken(ctx, shopDom); err != nil {
			t.Errorf("a refused delivery removed the shop's token: %v", err)
		}
		if gone, _ := d.Uninstalled(ctx, shopDom); gone {
			t.Error("a refused delivery recorded an uninstall")
		}
		if got := status(); got != engine.OrderUnclaimed {
			t.Fatalf("after the refusals the order is %s", got)
		}

		// A signed orders/create body on orders/cancelled, with a matching
		// topic header: the order is read again in Shopify, still open
		// there, so nothing happens.
		calls := len(s.fake.Calls("GetOrder"))
		if code, _ := s.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", EventID: "replayed", Secret: secret, Body: order}); code != 200 {
			t.Fatalf("replayed order body: %d", code)
		}
		if got := status(); got != engine.OrderUnclaimed {
			t.Errorf("an orders/create body cancelled the order: %s", got)
		}
		if state, _, cause, _ := d.WebhookState(ctx, "replayed"); state != "done" || len(s.fake.Calls("GetOrder")) != calls+1 {
			t.Errorf("replayed delivery %s (%s) after %d order reads", state, cause, len(s.fake.Calls("GetOrder"))-calls)
		}

		// Once the order is cancelled in Shopify, the same body confirms it.
		s.fake.AddOrder(shopifytest.Order{ID: orderID, Name: "#1140", Gateways: []string{"Tari"}, Cancelled: true})
		s.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", EventID: "confirmed", Secret: secret, Body: order})
		if got := status(); got != engine.OrderCancelled {
			t.Errorf("an order cancelled in Shopify is %s here", got)
		}

		// The real uninstall, which names our shop, removes our token.
		if code, _ := s.send(t, "/shopify/webhook/app/uninstalled", shopifytest.Webhook{Topic: "app/uninstalled", Secret: secret, Body: shopBody(shopDom)}); code != 200 {
			t.Fatalf("uninstall: %d", code)
		}
		if _, err := tokens.ShopToken(ctx, shopDom); err == nil {
			t.Error("the uninstall kept the shop's token")
		}
	})
}

// TestWebhookRetriesAreBounded: a delivery whose processing keeps failing
// is retried with a doubling wait, then fails for good after a bounded
// number of attempts and is listed on the admin dashboard with its error
// and a retry button, which processes it again.
func TestWebhookRetriesAreBounded(t *testing.T) {
	const attempts = 10 // webhookMaxAttempts
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := context.Background()
		s.createOrder(t)
		// orders/cancelled without cancelled_at is checked against Shopify,
		// which keeps failing.
		s.fake.FailNext("GetOrder", 1000, http.StatusServiceUnavailable)
		hook := shopifytest.Webhook{Topic: "orders/cancelled", EventID: "flaky", Secret: secret, Shop: shopDom, Body: fixture(t, "orders_create.json")}
		if resp, err := s.app.Test(hook.Request("http://taripay.test/shopify/webhook/orders/cancelled")); err != nil || resp.StatusCode != 200 {
			t.Fatalf("delivery: %v %v", resp, err)
		}
		run := func() {
			t.Helper()
			if err := s.handler.ProcessDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		state := func() (string, int) {
			t.Helper()
			st, n, _, err := d.WebhookState(ctx, "flaky")
			if err != nil {
				t.Fatal(err)
			}
			return st, n
		}
		s.clock.Add(time.Minute) // the receiver's lease
		for n := 1; n <= attempts; n++ {
			run()
			st, got := state()
			if got != n {
				t.Fatalf("after attempt %d: %d attempts recorded", n, got)
			}
			if n == attempts {
				if st != "failed" {
					t.Fatalf("after %d attempts the delivery is %s, want failed", n, st)
				}
				break
			}
			if st != "pending" {
				t.Fatalf("after attempt %d the delivery is %s", n, st)
			}
			wait := min(time.Minute<<(n-1), time.Hour)
			s.clock.Add(wait - time.Second)
			run()
			if _, again := state(); again != n {
				t.Fatalf("attempt %d came %s after the last, before its backoff of %s", n+1, wait-time.Second, wait)
			}
			s.clock.Add(time.Second)
		}
		s.clock.Add(24 * time.Hour)
		run()
		if st, n := state(); st != "failed" || n != attempts {
			t.Fatalf("a delivery that failed for good was tried again: %s after %d", st, n)
		}
		if o, _ := s.eng.Order(ctx, orderID, false); o.Status != engine.OrderUnclaimed {
			t.Errorf("order %s", o.Status)
		}

		svc, err := s.service()
		if err != nil {
			t.Fatal(err)
		}
		dash := adminPage(t, s.eng, svc, s.clock)
		rows := dash(http.MethodGet, "/admin", nil).Find(`[data-testid=webhook-failure]`)
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "orders/cancelled") || !strings.Contains(rows.Text(), "Failed") ||
			!strings.Contains(rows.Text(), "503") {
			t.Fatalf("dashboard failures: %q", rows.Text())
		}
		action := rows.Find(`form[action^="/admin/webhooks/"]`).AttrOr("action", "")
		if action == "" {
			t.Fatal("no retry button")
		}
		dash(http.MethodPost, action, map[string][]string{"confirm": {"yes"}})
		if st, _ := state(); st != "pending" {
			t.Fatalf("after the admin's retry the delivery is %s", st)
		}
	})
}

// service is the Shopify integration over the stack's database, for the
// admin pages.
func (s *stack) service() (*shopify.Service, error) {
	return shopify.New(shopify.Deps{Config: s.cfg, Engine: s.eng, Store: s.db, Now: s.clock.Now, Log: quiet})
}
