package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"taripay/app/pay"
	"taripay/app/shopify/shopifytest"
	"taripay/engine"
)

const (
	extShop   = "test-shop.myshopify.com"
	extKey    = "extension-api-key"
	extSecret = "extension-api-secret"
	extPublic = "https://pay.example.com"
)

// extensionHarness serves the checkout extension's route for extShop, with
// two Tari orders received by webhook: 5796499259001 of customer
// 7221372846292 from checkout "checkout-mine", and 5796499259002 of
// customer 999 from checkout "checkout-theirs".
func extensionHarness(t *testing.T, backend string) *harness {
	t.Helper()
	h := newHarnessOn(t, backend, map[string]string{
		"TPG_SHOPIFY_SHOP": extShop, "TPG_SHOPIFY_API_KEY": extKey, "TPG_SHOPIFY_API_SECRET": extSecret,
		"TPG_PUBLIC_URL": extPublic,
	})
	if _, err := h.e.SetExchangeRate(t.Context(), "USD", 2_000_000); err != nil {
		t.Fatal(err)
	}
	h.deliverOrder("5796499259001", "7221372846292", "checkout-mine", "12.50")
	h.deliverOrder("5796499259002", "999", "checkout-theirs", "3.00")
	h.processWebhooks()
	return h
}

// deliverOrder posts a signed orders/create of a Tari order.
func (h *harness) deliverOrder(id, customer, checkout, price string) {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"id": json.Number(id), "name": "#" + id[len(id)-4:], "created_at": "2024-03-10T15:00:00Z", "currency": "USD",
		"total_price": price, "payment_gateway_names": []string{"Tari"}, "financial_status": "pending",
		"customer": map[string]any{"id": json.Number(customer)}, "checkout_token": checkout,
	})
	hook := shopifytest.Webhook{Topic: "orders/create", Shop: extShop, Secret: extSecret, Body: body}
	res, err := http.DefaultClient.Do(hook.Request("http://" + h.addr + "/shopify/webhook/orders/create"))
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("orders/create %s: %d", id, res.StatusCode)
	}
}

// buyerToken mints a checkout or customer-account extension's session
// token, as Shopify does: HS256 with the app secret.
type buyerToken struct {
	secret, aud, dest, sub string
	exp                    time.Time
}

func (h *harness) buyerToken(edit func(*buyerToken)) string {
	h.t.Helper()
	now := h.clock.Now()
	b := buyerToken{secret: extSecret, aud: extKey, dest: extShop, exp: now.Add(5 * time.Minute)}
	if edit != nil {
		edit(&b)
	}
	claims := jwt.MapClaims{"dest": b.dest, "aud": b.aud, "exp": b.exp.Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "j", "sid": "s"}
	if b.sub != "" {
		claims["sub"] = b.sub
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(b.secret))
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// TestExtensionOrder: the route answers the buyer who proves the order is
// theirs, with a token of the shop; everyone else gets the same 404, and a
// bad token 401.
func TestExtensionOrder(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := extensionHarness(t, backend)
		mine := "/shopify/extension/orders/5796499259001"
		guest := h.buyerToken(nil)
		customer := h.buyerToken(func(b *buyerToken) { b.sub = "gid://shopify/Customer/7221372846292" })
		other := h.buyerToken(func(b *buyerToken) { b.sub = "gid://shopify/Customer/999" })
		tests := []struct {
			name     string
			path     string
			token    string
			checkout string
			want     int
		}{
			{"thank-you page: the checkout token", mine, guest, "checkout-mine", 200},
			{"order status page: the order's customer", mine, customer, "", 200},
			{"another buyer of the shop, signed in", mine, other, "", 404},
			{"another buyer's checkout token", mine, guest, "checkout-theirs", 404},
			{"no proof", mine, guest, "", 404},
			{"unknown order", "/shopify/extension/orders/5796499259999", guest, "checkout-mine", 404},
			{"not an order id", "/shopify/extension/orders/%23001", guest, "checkout-mine", 404},
			{"another shop", mine, h.buyerToken(func(b *buyerToken) { b.dest = "other-shop.myshopify.com" }), "checkout-mine", 404},
			{"wrong aud", mine, h.buyerToken(func(b *buyerToken) { b.aud = "another-app" }), "checkout-mine", 401},
			{"dest not a shop", mine, h.buyerToken(func(b *buyerToken) { b.dest = "https://evil.example" }), "checkout-mine", 401},
			{"expired", mine, h.buyerToken(func(b *buyerToken) { b.exp = h.clock.Now().Add(-time.Minute) }), "checkout-mine", 401},
			{"wrong secret", mine, h.buyerToken(func(b *buyerToken) { b.secret = "guess" }), "checkout-mine", 401},
			{"no token", mine, "", "checkout-mine", 401},
		}
		notFound := ""
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := h.do(http.MethodGet, tt.path, nil, "Origin", "https://extensions.shopifycdn.com",
					"Authorization", "Bearer "+tt.token, pay.CheckoutTokenHeader, tt.checkout)
				if r.status != tt.want {
					t.Fatalf("%d %s, want %d", r.status, r.body, tt.want)
				}
				if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("Access-Control-Allow-Origin %q", got)
				}
				switch r.status {
				case 404:
					if notFound == "" {
						notFound = r.body
					}
					if r.body != notFound {
						t.Errorf("404 body %s differs from %s", r.body, notFound)
					}
				case 200:
					if cc := r.header.Get("Cache-Control"); cc != "private, max-age=5" {
						t.Errorf("Cache-Control %q", cc)
					}
					o := decode[pay.ExtensionOrder](t, r)
					// 12.50 USD at 2 XTR per USD.
					if o.State != "open" || o.Status != "Unclaimed" || o.AmountMicroTari != 25_000_000 || o.Amount != "25 XTR" ||
						!strings.HasPrefix(o.PayURL, extPublic+"/pay/") || o.QRURL != o.PayURL+"/qr.png" || o.Note == "" ||
						o.ExpiresAt == nil || !o.ExpiresAt.Equal(start.Add(2*time.Minute+2*time.Hour)) || o.SecondsLeft != 7200 {
						t.Errorf("answer %+v", o)
					}
				}
			})
		}
	})
}

// TestExtensionOrderStates: a closed order says how it ended, with no note,
// QR code or deadline.
func TestExtensionOrderStates(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := extensionHarness(t, backend)
		get := func(id string) pay.ExtensionOrder {
			t.Helper()
			r := h.do(http.MethodGet, "/shopify/extension/orders/"+id, nil, "Authorization", "Bearer "+h.buyerToken(nil),
				pay.CheckoutTokenHeader, map[string]string{"5796499259001": "checkout-mine", "5796499259002": "checkout-theirs"}[id])
			if r.status != 200 {
				t.Fatalf("%s: %d %s", id, r.status, r.body)
			}
			return decode[pay.ExtensionOrder](t, r)
		}
		if _, err := h.e.AnnulFromStorefront(t.Context(), "5796499259002", "cancelled in Shopify"); err != nil {
			t.Fatal(err)
		}
		if o := get("5796499259002"); o.State != "cancelled" || o.Note != "" || o.QRURL != "" || o.ExpiresAt != nil {
			t.Errorf("cancelled: %+v", o)
		}
		h.clock.Add(2 * time.Hour) // the unclaimed window has passed; the expiry worker has not run
		if o := get("5796499259001"); o.State != "expired" || o.Status != string(engine.OrderUnclaimed) || o.Note != "" {
			t.Errorf("expired: %+v", o)
		}
	})
}

// TestExtensionOrderPreflight: the extension's sandboxed worker may send
// the Authorization and checkout-token headers; other routes get no CORS.
func TestExtensionOrderPreflight(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := extensionHarness(t, backend)
		r := h.do(http.MethodOptions, "/shopify/extension/orders/5796499259001", nil,
			"Origin", "https://extensions.shopifycdn.com", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "authorization, x-taripay-checkout-token")
		if r.status != http.StatusNoContent {
			t.Fatalf("preflight: %d %s", r.status, r.body)
		}
		allowed := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
		if r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(allowed, "authorization") ||
			!strings.Contains(allowed, "x-taripay-checkout-token") || !strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Errorf("preflight headers %v", r.header)
		}
		if r := h.do(http.MethodGet, "/health", nil, "Origin", "https://extensions.shopifycdn.com"); r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("CORS leaked to /health: %v", r.header)
		}
	})
}
