package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"taripay/app/shopify/shopifytest"
	"taripay/db/dbtest"
	"taripay/internal/servetest"
)

// TestAdminOneShopEndToEnd runs `taripay serve` without TPG_SHOPIFY_SHOP,
// on SQLite and PostgreSQL. The first completed install pins the database
// to its shop and makes its staff user the one who holds every role; then
// another shop's launch, webhook and redirect, and a read-only staff
// user's wallet authorisation, are refused.
func TestAdminOneShopEndToEnd(t *testing.T) {
	const (
		clientID = "e2e-client-id"
		secret   = "e2e-client-secret"
		shop     = "e2e-shop.myshopify.com"
		other    = "evil-shop.myshopify.com"
	)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			var exchanges atomic.Int32
			oauth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				exchanges.Add(1)
				json.NewEncoder(w).Encode(map[string]any{"access_token": shopifytest.Token, "scope": "read_orders", "expires_in": 3600})
			}))
			t.Cleanup(oauth.Close)
			env := []string{"TPG_SHOPIFY_API_BASE_URL=" + oauth.URL, "TPG_SHOPIFY_API_KEY=" + clientID, "TPG_SHOPIFY_API_SECRET=" + secret}
			if backend == "postgres" {
				env = append(env, "TPG_DATABASE_URL="+dbtest.NewPostgresSchema(t))
			}
			base := servetest.Serve(t, t.TempDir(), env...).Base
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			do := func(method, path string, body io.Reader, hdr ...string) (*http.Response, string) {
				t.Helper()
				req, _ := http.NewRequest(method, base+path, body)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				resp, err := noFollow.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			launch := func(shop, user string) (*http.Response, string) {
				return do("GET", "/admin?embedded=1&shop="+shop+"&id_token="+sessionToken(t, shop, user, clientID, secret), nil)
			}
			host := func(h string) string { return "/admin?host=" + base64.RawURLEncoding.EncodeToString([]byte(h)) }
			webhook := func(shop string) (*http.Response, string) {
				body, err := os.ReadFile("../app/shopify/testdata/orders_create.json")
				if err != nil {
					t.Fatal(err)
				}
				req := shopifytest.Webhook{Topic: "orders/create", Shop: shop, Secret: secret, Body: body}.Request(base + "/shopify/webhook/orders/create")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}

			// no shop yet: a top-level load goes nowhere
			if resp, _ := do("GET", host("admin.shopify.com/store/e2e-shop"), nil); resp.StatusCode != 401 || resp.Header.Get("Location") != "" {
				t.Errorf("before the install: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}

			// the first install pins the database to shop
			resp, page := launch(shop, "1")
			if resp.StatusCode != 200 || exchanges.Load() != 1 {
				t.Fatalf("install: %d, %d exchanges\n%.500s", resp.StatusCode, exchanges.Load(), page)
			}
			refusal := "This taripay server serves another Shopify store, so " + other + " cannot use it."
			resp, page = launch(other, "1")
			if resp.StatusCode != 403 || !strings.Contains(page, refusal) {
				t.Errorf("the other shop's launch: %d\n%.500s", resp.StatusCode, page)
			}
			if n := exchanges.Load(); n != 1 {
				t.Errorf("the other shop's launch made a token exchange (%d in all)", n)
			}
			if resp, body := webhook(other); resp.StatusCode != 403 || !strings.Contains(body, refusal) {
				t.Errorf("the other shop's webhook: %d %s", resp.StatusCode, body)
			}
			if resp, body := webhook(shop); resp.StatusCode != 200 {
				t.Errorf("the shop's webhook: %d %s", resp.StatusCode, body)
			}

			// redirects go only into the pinned shop's admin
			for h, want := range map[string]string{
				other + "/pages/login":              "",
				"admin.shopify.com/store/evil-shop": "",
				"admin.shopify.com/store/e2e-shop":  "https://admin.shopify.com/store/e2e-shop/apps/" + clientID,
			} {
				resp, _ := do("GET", host(h), nil)
				if loc := resp.Header.Get("Location"); loc != want {
					t.Errorf("host %s: %d Location %q, want %q", h, resp.StatusCode, loc, want)
				}
			}

			// another staff user of the shop reads, and cannot authorise a hot wallet
			resp, page = launch(shop, "2")
			m := sessionInPage.FindStringSubmatch(page)
			if resp.StatusCode != 200 || m == nil {
				t.Fatalf("second staff user: %d", resp.StatusCode)
			}
			form := url.Values{"address": {"14zCiH6ybX18HCm3SfLfHSoT48vfzxWUtbNPMt7k61akqDv"}, "ip": {"192.0.2.10"}, "confirm": {"yes"}}
			resp, body := do("POST", "/admin/wallets", strings.NewReader(form.Encode()),
				"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true", "X-TPS-Session", m[1])
			if resp.StatusCode != 403 || !strings.Contains(body, "needs the super_admin role") {
				t.Errorf("a read-only staff user's wallet: %d %s", resp.StatusCode, body)
			}
		})
	}
}

// TestAdminRedirectStaysInTheConfiguredShop is issue 16's case: with
// TPG_SHOPIFY_SHOP set, a host naming another shop is not followed.
func TestAdminRedirectStaysInTheConfiguredShop(t *testing.T) {
	base := servetest.Serve(t, t.TempDir(), "TPG_SHOPIFY_SHOP=e2e-shop.myshopify.com",
		"TPG_SHOPIFY_API_KEY=e2e-client-id", "TPG_SHOPIFY_API_SECRET=e2e-client-secret").Base
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for h, want := range map[string]string{
		"evil-shop.myshopify.com/pages/login": "",
		"e2e-shop.myshopify.com/admin":        "https://admin.shopify.com/store/e2e-shop/apps/e2e-client-id",
	} {
		resp, err := noFollow.Get(base + "/admin?host=" + base64.StdEncoding.EncodeToString([]byte(h)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("host %s: %d Location %q, want %q", h, resp.StatusCode, loc, want)
		}
	}
}
