package shopify_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/enginetest"
)

// TestWebhooksFromAnotherShopAreRefused: once the database is pinned to a
// shop (or TPG_SHOPIFY_SHOP names one), a delivery whose
// X-Shopify-Shop-Domain names another shop is refused with 403 and not
// stored; one that names no shop is the reference's, and ours.
func TestWebhooksFromAnotherShopAreRefused(t *testing.T) {
	const other = "other-shop.myshopify.com"
	for name, configured := range map[string]string{"pinned by the install": "", "TPG_SHOPIFY_SHOP": shopDom} {
		t.Run(name, func(t *testing.T) {
			each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				clock := enginetest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
				eng := engine.New(engine.Config{Shop: configured}, d, clock)
				cfg := shopify.Config{Shop: configured, HMACChecks: true, HMACSecret: secret, PriceField: shopify.PriceTotal, PaymentMethod: shopify.DefaultPaymentMethod}
				svc, err := shopify.New(shopify.Deps{Config: cfg, Engine: eng, Store: d, Now: clock.Now, Log: quiet})
				if err != nil {
					t.Fatal(err)
				}
				app := fiber.New()
				app.Group("/shopify", shopify.Gate(cfg, nil, quiet)).Post("/webhook/:resource/:event", svc.Handler().Topic)
				send := func(shop, event string) (int, string) {
					t.Helper()
					req := shopifytest.Webhook{Topic: "orders/create", Shop: shop, EventID: event, Secret: secret, Body: fixture(t, "orders_create.json")}.
						Request("http://taripay.test/shopify/webhook/orders/create")
					if shop == "" {
						req.Header.Del("X-Shopify-Shop-Domain")
					}
					resp, err := app.Test(req, -1)
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(resp.Body)
					return resp.StatusCode, string(b)
				}

				if configured == "" {
					// before the first install, no shop is refused
					if code, body := send(other, "before"); code != http.StatusOK {
						t.Fatalf("before the install: %d %s", code, body)
					}
					if _, err := eng.Install(ctx, shopDom, "1"); err != nil {
						t.Fatal(err)
					}
				}
				code, body := send(other, "after")
				if code != http.StatusForbidden || !strings.Contains(body, "serves another Shopify store, so "+other+" cannot use it") {
					t.Errorf("another shop: %d %s", code, body)
				}
				if _, _, _, err := d.WebhookState(ctx, "after"); err == nil {
					t.Errorf("another shop's delivery was stored")
				}
				for _, shop := range []string{shopDom, ""} {
					if code, body := send(shop, "ours-"+shop); code != http.StatusOK {
						t.Errorf("shop %q: %d %s", shop, code, body)
					}
				}
			})
		})
	}
}
