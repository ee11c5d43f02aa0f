package admin

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/shopifytest"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// liveShopify is the setup checklist's Shopify side over the real Admin API
// client, talking to the fake Admin API.
type liveShopify struct{ *adminapi.Client }

func (l liveShopify) EnsureWebhooks(ctx context.Context, publicURL string) ([]shopify.EnsureResult, error) {
	return shopify.EnsureWebhooks(ctx, l.Client, publicURL)
}

func (liveShopify) OtherOrders(context.Context) (int, error) { return 0, nil }

func (liveShopify) WebhookActivity(context.Context, string) (shopdata.WebhookActivity, error) {
	return shopdata.WebhookActivity{}, nil
}

func (liveShopify) Contacts(context.Context, string, []string) (map[string]shopify.Contact, error) {
	return nil, nil
}

// TestSetupShopifyChecks renders the setup checklist's Shopify rows from
// live calls to the fake Admin API, which holds every call to the vendored
// schema: each row says what Shopify answered, or why it could not ask.
func TestSetupShopifyChecks(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	const here = "http://example.com" // the harness's base URL
	type rows struct{ conn, scopes, hooks, pages string }
	tests := []struct {
		name     string
		noAdmin  bool
		token    string
		url      string // empty: the fake's
		grant    []string
		register string // where webhooks were registered; empty: none
		drop     bool   // one subscription is missing
		pagesOff bool   // the order pages do not render app extensions
		want     rows
		form     bool // the register form shows
	}{
		{name: "no Admin API", noAdmin: true, want: rows{
			"Not checked Shopify connection Not checked: no Admin API client is configured.",
			"Not checked Access scopes granted Not checked: no Admin API client is configured.",
			"Not checked Webhooks registered Not checked: no Admin API client is configured.",
			"Not checked The order pages show the Pay with Tari block Not checked: no Admin API client is configured."}},
		{name: "all good", register: here, want: rows{
			"Done Shopify connection Connected to Test Shop (" + testShop + ").",
			"Done Access scopes granted All 9 scopes that shopify.app.toml asks for.",
			"Done Webhooks registered 7 subscriptions, each pointing at http://example.com.",
			"Done The order pages show the Pay with Tari block The Thank-you and Order status pages render app extensions. Check in the checkout editor that the Pay with Tari block is placed on both. Open the checkout editor"}},
		{name: "order pages without extensions", register: here, pagesOff: true, want: rows{
			"Done Shopify connection Connected to Test Shop (" + testShop + ").",
			"Done Access scopes granted All 9 scopes that shopify.app.toml asks for.",
			"Done Webhooks registered 7 subscriptions, each pointing at http://example.com.",
			"Fix now The order pages show the Pay with Tari block The published checkout's Thank-you and Order status pages do not render app extensions, " +
				"so customers do not see how to pay. In the checkout editor, upgrade both pages and place the Pay with Tari block on each, then publish. Open the checkout editor"}},
		{name: "a scope not granted, webhooks elsewhere", register: "https://old.example",
			grant: []string{"write_orders", "write_products", "write_metaobjects", "write_metaobject_definitions"},
			want: rows{
				"Done Shopify connection Connected to Test Shop (" + testShop + ").",
				"Fix now Access scopes granted Not granted: read_customers. shopify.app.toml asks for them: deploy it (shopify app deploy), then open the app from Shopify admin to approve them.",
				"To do Webhooks registered Pointing elsewhere: orders/create to https://old.example/shopify/webhook/orders/create, " +
					"orders/updated to https://old.example/shopify/webhook/orders/updated, orders/cancelled to https://old.example/shopify/webhook/orders/cancelled, " +
					"order_transactions/create to https://old.example/shopify/webhook/order_transactions/create, refunds/create to https://old.example/shopify/webhook/refunds/create, products/update to https://old.example/shopify/webhook/products/update, " +
					"app/uninstalled to https://old.example/shopify/webhook/app/uninstalled",
				"Done The order pages show the Pay with Tari block The Thank-you and Order status pages render app extensions. Check in the checkout editor that the Pay with Tari block is placed on both. Open the checkout editor"},
			form: true},
		{name: "none registered", want: rows{
			"Done Shopify connection Connected to Test Shop (" + testShop + ").",
			"Done Access scopes granted All 9 scopes that shopify.app.toml asks for.",
			"To do Webhooks registered Missing: orders/create, orders/updated, orders/cancelled, order_transactions/create, refunds/create, products/update, app/uninstalled",
			"Done The order pages show the Pay with Tari block The Thank-you and Order status pages render app extensions. Check in the checkout editor that the Pay with Tari block is placed on both. Open the checkout editor"},
			form: true},
		{name: "wrong token", token: "shpat_revoked", want: rows{
			"Fix now Shopify connection Shopify did not answer: Shopify answered HTTP 401: [API] Invalid API key or access token (unrecognized login or wrong password)",
			"Not checked Access scopes granted Not checked: the connection did not work.",
			"To do Webhooks registered Could not ask Shopify: Shopify answered HTTP 401: [API] Invalid API key or access token (unrecognized login or wrong password)",
			"To do The order pages show the Pay with Tari block Could not ask Shopify: Shopify answered HTTP 401: [API] Invalid API key or access token (unrecognized login or wrong password)"}},
		{name: "nothing listening", url: "http://" + refused, want: rows{
			"Fix now Shopify connection Shopify did not answer: connection refused at " + refused,
			"Not checked Access scopes granted Not checked: the connection did not work.",
			"To do Webhooks registered Could not ask Shopify: connection refused at " + refused,
			"To do The order pages show the Pay with Tari block Could not ask Shopify: connection refused at " + refused}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{})
			if !tt.noAdmin {
				fake := shopifytest.New(t)
				fake.OrderPagesExtensible = !tt.pagesOff
				if tt.grant != nil {
					fake.Grant(tt.grant...)
				}
				cfg := adminapi.Config{APIBaseURL: fake.URL, AccessToken: shopifytest.Token, APIVersion: shopify.DefaultAPIVersion}
				a, err := adminapi.New(cfg, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				if tt.register != "" {
					if _, err := shopify.EnsureWebhooks(context.Background(), a, tt.register); err != nil {
						t.Fatal(err)
					}
				}
				if tt.token != "" {
					cfg.AccessToken = tt.token
				}
				if tt.url != "" {
					cfg.APIBaseURL = tt.url
				}
				if a, err = adminapi.New(cfg, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
					t.Fatal(err)
				}
				hs.h.deps.Shopify = liveShopify{a}
			}
			_, body := hs.do(t, "GET", "/admin/setup", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			doc := parse(t, body)
			row := func(i int) string {
				return strings.Join(strings.Fields(doc.Find(`[data-testid=check]`).Eq(i).Text()), " ")
			}
			if got := (rows{row(0), row(1), row(2), row(3)}); got != tt.want {
				t.Errorf("rows:\n%s\n%s\n%s\n%s\nwant:\n%s\n%s\n%s\n%s", got.conn, got.scopes, got.hooks, got.pages,
					tt.want.conn, tt.want.scopes, tt.want.hooks, tt.want.pages)
			}
			link, _ := doc.Find(`[data-testid=check]`).Eq(3).Find(`[data-testid=check-link]`).Attr("href")
			if want := "https://admin.shopify.com/store/" + strings.TrimSuffix(testShop, ".myshopify.com") + "/settings/checkout/editor"; !tt.noAdmin && tt.token == "" && tt.url == "" && link != want {
				t.Errorf("checkout editor link = %q, want %q", link, want)
			}
			if form := doc.Find(`#webhooks`).Length() == 1; form != tt.form {
				t.Errorf("register form shown: %v, want %v", form, tt.form)
			}
		})
	}
}

// TestSetupDeliveryChecks says when the last webhook and the last wallet
// notification arrived, and turns red when recent orders came without
// their customer.
func TestSetupDeliveryChecks(t *testing.T) {
	seen := testNow.Add(-3 * time.Hour)
	row := func(doc *goquery.Document, label string) string {
		return squash(doc.Find(`[data-testid=check]:contains("` + label + `")`).Text())
	}
	tests := []struct {
		name                    string
		activity                shopdata.WebhookActivity
		lastSeen                *time.Time
		arrived, customers, own string
	}{
		{name: "nothing yet", arrived: "To do Webhooks arrive No webhook has arrived yet: place a test order in the shop.",
			customers: "Not checked Orders arrive with their customer Not checked: no order has arrived yet.",
			own:       "To do Wallet notifications arrive No hot wallet has notified taripay yet."},
		{name: "all well", activity: shopdata.WebhookActivity{LastAt: &seen, RecentOrders: 4}, lastSeen: &seen,
			arrived:   "Done Webhooks arrive The last one arrived 2026-11-23 07:00 (3 hours ago).",
			customers: "Done Orders arrive with their customer Each of the last 4 orders named its customer.",
			own:       "Done Wallet notifications arrive The last one arrived 2026-11-23 07:00 (3 hours ago)."},
		{name: "customers withheld", activity: shopdata.WebhookActivity{LastAt: &seen, RecentOrders: 4, WithoutCustomer: 2},
			arrived: "Done Webhooks arrive The last one arrived 2026-11-23 07:00 (3 hours ago).",
			customers: "Fix now Orders arrive with their customer 2 of the last 4 orders arrived without a customer, so taripay cannot link them " +
				"to the customer's account. Request protected customer data access (customer name and email) in the Partner Dashboard: " +
				"Apps → taripay → API access → Protected customer data access.",
			own: "To do Wallet notifications arrive No hot wallet has notified taripay yet."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{wallets: func() ([]engine.Wallet, error) {
				return []engine.Wallet{{Address: testAddress, LastSeen: tt.lastSeen}}, nil
			}})
			hs.h.deps.Shopify = &fakeShopify{activity: tt.activity}
			doc := hs.get(t, "/admin/setup")
			got := []string{row(doc, "Webhooks arrive"), row(doc, "Orders arrive with their customer"), row(doc, "Wallet notifications arrive")}
			if want := []string{tt.arrived, tt.customers, tt.own}; strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestSetupPayLinkCheck: the pay link goes onto each order only with
// TPG_PUBLIC_URL, and the setup page says which.
func TestSetupPayLinkCheck(t *testing.T) {
	for _, tt := range []struct {
		name, publicURL, want, badge string
	}{
		{"unset", "", "To do Pay link on orders Set TPG_PUBLIC_URL to write each order's pay link into its taripay.pay_url metafield, " +
			"for notifications, Flow and order printers.", "badge-attention"},
		{"set", "https://pay.example.com/", "Done Pay link on orders Each new order's pay link, https://pay.example.com/pay/…, " +
			"is written into its taripay.pay_url metafield.", "badge-success"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{})
			hs.h.cfg.PublicURL = tt.publicURL
			_, body := hs.do(t, "GET", "/admin/setup", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			check := parse(t, body).Find(`[data-testid=check]:contains("Pay link on orders")`)
			if got := strings.Join(strings.Fields(check.Text()), " "); check.Length() != 1 || got != tt.want {
				t.Errorf("pay link check = %q, want %q", got, tt.want)
			}
			if !check.Find(".badge").HasClass(tt.badge) {
				t.Errorf("pay link check is not shown as %s", tt.badge)
			}
		})
	}
}
