package shopify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"taripay/app/admin"
	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/enginetest"
)

// TestEveryPermanentWebhookFailureIsVisible walks every permanent(...)
// outcome of webhook processing (webhook_topics.go) and shows where it becomes
// visible: a Shopify delivery answered 2xx ends as a stored order, or in
// the admin dashboard's webhook failures with a retry that processes it
// again. Deliveries that a signed request cannot produce any more (bodies
// that the receiving check now refuses with a 400, a topic no longer
// served) are stored as an older binary may have left them.
func TestEveryPermanentWebhookFailureIsVisible(t *testing.T) {
	cases := []struct {
		site  string // the permanent(...) of webhook_topics.go this case reaches
		topic string
		path  string // where a signed delivery is sent; "" stores it directly
		body  string
		cause string // part of the error shown
	}{
		{"orders/create: decode", "orders/create", "", `{"id":"x"}`, `shopify id "x" is not a whole number`},
		{"orders/cancelled: decode", "orders/cancelled", "", `{"id":"x"}`, `shopify id "x"`},
		{"order_transactions/create: decode", "order_transactions/create", "", `{"id":"x","order_id":1}`, `shopify id "x"`},
		{"products/update: decode", "products/update", "", `{"id":"x"}`, `shopify id "x"`},
		{"refunds/create: decode", "refunds/create", "", `{"id":"x","order_id":1,"transactions":[]}`, `shopify id "x"`},
		{"customers/redact: decode", "customers/redact", "", `{"customer":{"id":"x"}}`, `shopify id "x"`},
		{"shop/redact: decode", "shop/redact", "", `{"shop_id":"x"}`, `shopify id "x"`},
		{"app/uninstalled: decode", "app/uninstalled", "", `{"id":1,"domain":"shop.example.com"}`, "myshopify_domain"},
		{"orders/cancelled: no cancelled_at, no Admin API to check", "orders/cancelled", "/shopify/webhook/orders/cancelled",
			`{"id":1003,"currency":"USD","total_price":"1.00","created_at":"2026-11-23T10:00:00Z","cancelled_at":null}`, "without the Admin API"},
		{"unknown topic", "orders/paid", "", `{"id":1}`, `unknown topic "orders/paid"`},
		{"createOrder: conversion", "orders/create", "/shopify/webhook/checkout_create",
			`{"id":1001,"currency":"USD","total_price":"1.00","created_at":"yesterday","payment_gateway_names":["Tari"]}`, "order 1001: created_at"},
		{"createOrder: refused by the engine", "orders/create", "/shopify/webhook/orders/create",
			`{"id":1002,"currency":"USD","total_price":"1.001","created_at":"2026-11-23T10:00:00Z","payment_gateway_names":["Tari"]}`, `"1.001" has more than 2 decimals for USD`},
		{"customers/data_request: decode", "customers/data_request", "", `{"customer":{"id":"x"}}`, `shopify id "x"`},
	}
	src, err := os.ReadFile("webhook_topics.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "permanent("); n != len(cases) {
		t.Fatalf("webhook_topics.go has %d permanent(...) outcomes and this test walks %d: add a case for each new one", n, len(cases))
	}

	each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := enginetest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
		eng := engine.New(engine.Config{UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}, d, clock)
		cfg := shopify.Config{HMACChecks: true, HMACSecret: secret, PriceField: shopify.PriceTotal, PaymentMethod: shopify.DefaultPaymentMethod}
		svc, err := shopify.New(shopify.Deps{Config: cfg, Engine: eng, Store: d, Now: clock.Now, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		hooks := fiber.New()
		g := hooks.Group("/shopify", shopify.Gate(cfg, nil, quiet))
		g.Post("/webhook/checkout_create", svc.Handler().CheckoutCreate)
		g.Post("/webhook/:resource/:event", svc.Handler().Topic)
		process := func() {
			t.Helper()
			clock.Add(2 * time.Minute) // past the receiver's lease
			if err := svc.Handler().ProcessDue(ctx); err != nil {
				t.Fatal(err)
			}
		}

		// A delivery that is fine ends as a stored order, even before its
		// currency has a rate, and is no failure.
		good := shopifytest.Webhook{Topic: "orders/create", EventID: "good", Secret: secret, Body: fixture(t, "orders_create.json")}
		if resp, err := hooks.Test(good.Request("http://taripay.test/shopify/webhook/orders/create")); err != nil || resp.StatusCode != 200 {
			t.Fatalf("good delivery: %v %v", resp, err)
		}
		for i, tc := range cases {
			if tc.path == "" {
				if _, _, err := d.SaveWebhook(ctx, "stored-"+tc.site, "", tc.topic, shopDom, []byte(tc.body), clock.Now(), 0); err != nil {
					t.Fatal(err)
				}
				continue
			}
			hook := shopifytest.Webhook{Topic: tc.topic, EventID: "sent-" + tc.site, Secret: secret, Body: []byte(tc.body)}
			resp, err := hooks.Test(hook.Request("http://taripay.test" + tc.path))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("case %d (%s): Shopify got %v, %v; the test needs a 2xx", i, tc.site, resp, err)
			}
		}
		process()
		if _, err := eng.WaitingOrder(ctx, "5796499259604"); err != nil {
			t.Fatalf("the good delivery's order was not stored: %v", err)
		}

		failures, err := svc.WebhookFailures(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(failures) != len(cases) {
			t.Fatalf("%d failures listed, want %d: %+v", len(failures), len(cases), failures)
		}
		dash := adminPage(t, eng, svc, clock)
		rows := dash(http.MethodGet, "/admin", nil).Find(`[data-testid=webhook-failure]`)
		for _, tc := range cases {
			var row *goquery.Selection
			rows.EachWithBreak(func(_ int, r *goquery.Selection) bool {
				if strings.Contains(r.Text(), tc.cause) && strings.Contains(r.Text(), tc.topic) {
					row = r
				}
				return row == nil
			})
			switch {
			case row == nil:
				t.Errorf("%s: not on the dashboard", tc.site)
			case !strings.Contains(row.Text(), "Failed") || row.Find(`form[action^="/admin/webhooks/"]`).Length() != 1:
				t.Errorf("%s: no retry on the dashboard: %s", tc.site, row.Text())
			}
		}

		// A retry processes the delivery again; this one fails again, and
		// stays listed with its second attempt.
		retry := failures[0] // newest first, as the dashboard lists them
		action := rows.First().Find("form").AttrOr("action", "")
		if want := fmt.Sprintf("/admin/webhooks/%d/retry", retry.ID); action != want {
			t.Fatalf("retry action %q, want %q", action, want)
		}
		if got := dash(http.MethodPost, action, url.Values{"confirm": {"yes"}}).Find(`[data-testid=flash]`).Text(); got == "" {
			t.Fatal("no confirmation of the retry")
		}
		process()
		again, err := svc.WebhookFailures(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(cases) || again[0].ID != retry.ID || again[0].Attempts != 2 || !again[0].Final {
			t.Errorf("after the retry: %+v", again[0])
		}
	})
}

// adminPage serves the embedded admin over eng and svc's inbox, and
// returns a function that sends a staff request and parses the answer.
func adminPage(t *testing.T, eng *engine.Engine, svc *shopify.Service, clock *enginetest.Clock) func(method, path string, form url.Values) *goquery.Document {
	const clientSecret = "admin-secret"
	h := admin.New(admin.Config{ClientID: "client", ClientSecrets: []string{clientSecret}},
		admin.Deps{Engine: eng, Webhooks: svc, Now: clock.Now, Log: quiet})
	app := fiber.New()
	h.Register(app)
	// the staff user installed taripay, so holds every role
	if _, err := eng.Install(context.Background(), shopDom, "1"); err != nil {
		t.Fatal(err)
	}
	session := admin.AppSessions{Key: admin.AppSessionKey(clientSecret), TTL: time.Hour, Now: clock.Now}.
		Mint(admin.Staff{Shop: shopDom, User: "1"})
	return func(method, path string, form url.Values) *goquery.Document {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Boosted", "true")
		req.Header.Set(admin.SessionHeader, session)
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s %s: %v %v", method, path, resp, err)
		}
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
}
