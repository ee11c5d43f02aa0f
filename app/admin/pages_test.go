package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"taripay/app/httperr"
	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/shopdata"
)

func parse(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestActionConfirmsThenActsAsTheStaffUser(t *testing.T) {
	order := engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 5_000_000, Status: engine.OrderNew}
	var calls []string
	eng := &fakeEngine{
		order: func(string) (engine.Order, error) { return order, nil },
		cancel: func(ctx context.Context, ref, reason string) (engine.Order, error) {
			calls = append(calls, engine.ActorFrom(ctx)+"|"+ref+"|"+reason)
			order.Status = engine.OrderCancelled
			return order, nil
		},
	}
	hs := newHarness(t, eng)

	resp, body := hs.do(t, "POST", "/admin/orders/1001/cancel", url.Values{"reason": {"customer asked"}}, hs.htmx())
	doc := parse(t, body)
	if resp.StatusCode != 200 || doc.Find(`[data-testid=confirm-text]`).Text() != "Cancel order 1001, and cancel it in Shopify too?" {
		t.Fatalf("confirm step: %d %s", resp.StatusCode, body)
	}
	if len(calls) != 0 {
		t.Fatalf("acted before confirming: %v", calls)
	}
	if v, _ := doc.Find(`input[name=reason]`).Attr("value"); v != "customer asked" {
		t.Fatalf("confirm step lost the reason: %q", v)
	}

	resp, body = hs.do(t, "POST", "/admin/orders/1001/cancel", url.Values{"reason": {"customer asked"}, "confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 200 || resp.Header.Get("HX-Retarget") != "#order-detail" {
		t.Fatalf("act: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	want := "admin:" + testShop + "/42|1001|customer asked"
	if len(calls) != 1 || calls[0] != want {
		t.Fatalf("calls = %v, want [%s]", calls, want)
	}
	doc = parse(t, body)
	if got := doc.Find(`#order-detail [data-testid=order-status]`).First().Text(); got != "Cancelled" {
		t.Fatalf("status shown = %q", got)
	}
	if doc.Find(`[data-testid=flash]`).Text() == "" {
		t.Fatalf("no flash")
	}
}

// TestErrorStatusAdmin checks that the admin answers each engine code with
// the one table's status (httperr.Codes), as the API does, with its own
// HTML: a refused form and an error page alike. An unmapped error is a 500
// whose page names its request id.
func TestErrorStatusAdmin(t *testing.T) {
	for _, c := range append(httperr.Codes, httperr.Code{Code: "unmapped", Status: http.StatusInternalServerError}) {
		t.Run(c.Code, func(t *testing.T) {
			refused := engine.Errorf(c.Code, nil, "refused")
			var readErr error
			eng := &fakeEngine{
				order: func(string) (engine.Order, error) {
					return engine.Order{OrderID: "1001", Status: engine.OrderNew}, readErr
				},
				fulfill: func(context.Context, string, string) (engine.Order, error) { return engine.Order{}, refused },
			}
			hs := newHarness(t, eng)
			resp, body := hs.do(t, "POST", "/admin/orders/1001/fulfill", url.Values{"reason": {"paid cash"}, "confirm": {"yes"}}, hs.htmx())
			checkErrorPage(t, "form", resp, body, c.Status)
			readErr = refused
			resp, body = hs.do(t, "GET", "/admin/orders/1001", nil, map[string]string{SessionHeader: hs.session})
			checkErrorPage(t, "page", resp, body, c.Status)
		})
	}
}

func checkErrorPage(t *testing.T, what string, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s: %d %s, want %d with HTML", what, resp.StatusCode, resp.Header.Get("Content-Type"), status)
	}
	id := resp.Header.Get("X-Request-Id")
	if (id != "") != (status == http.StatusInternalServerError) || !strings.Contains(body, id) {
		t.Errorf("%s: a %d with request id %q:\n%.600s", what, resp.StatusCode, id, body)
	}
}

func TestEngineErrorShownInline(t *testing.T) {
	order := engine.Order{OrderID: "1001", Status: engine.OrderNew}
	eng := &fakeEngine{
		order: func(string) (engine.Order, error) { return order, nil },
		fulfill: func(context.Context, string, string) (engine.Order, error) {
			return engine.Order{}, engine.Errorf(engine.ECONFLICT, engine.ErrOrderClosed, "order 1001 is closed")
		},
		creditNote: func(context.Context, string, engine.MicroTari, string) (engine.MultiAccountPayment, error) {
			return engine.MultiAccountPayment{}, context.DeadlineExceeded
		},
	}
	hs := newHarness(t, eng)
	resp, body := hs.do(t, "POST", "/admin/orders/1001/fulfill", url.Values{"reason": {"paid cash"}, "confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 409 || parse(t, body).Find(`[data-testid=form-error]`).Text() != "order 1001 is closed" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	resp, body = hs.do(t, "POST", "/admin/customers/c1/credit", url.Values{"amount": {"1"}, "reason": {"x"}, "confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 500 || strings.Contains(body, "deadline") || !strings.Contains(body, "nothing was changed") ||
		resp.Header.Get("X-Request-Id") == "" || !strings.Contains(body, resp.Header.Get("X-Request-Id")) {
		t.Fatalf("internal error leaked or missing: %d %s", resp.StatusCode, body)
	}
}

func TestMissingOrderIs404(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	resp, body := hs.do(t, "GET", "/admin/orders/nope", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	if resp.StatusCode != 404 || !strings.Contains(body, "order nope does not exist") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

func TestOrderListPaging(t *testing.T) {
	var got engine.OrderQuery
	eng := &fakeEngine{searchOrders: func(q engine.OrderQuery) ([]engine.Order, error) {
		got = q
		out := make([]engine.Order, q.Limit)
		for i := range out {
			out[i] = engine.Order{OrderID: "o" + string(rune('a'+i%26)), Status: engine.OrderPaid}
		}
		return out, nil
	}}
	hs := newHarness(t, eng)
	hs.h.cfg.PageSize = 3
	_, body := hs.do(t, "GET", "/admin/orders?id=%23A1&customer=c9&status=Paid&since=2026-01-01&until=2026-01-31&memo=hi&page=2", nil, hs.htmx())
	doc := parse(t, body)
	if n := doc.Find(`[data-testid=order-row]`).Length(); n != 3 {
		t.Fatalf("rows = %d", n)
	}
	if got.AltID != "#A1" || got.CustomerID != "c9" || got.Memo != "hi" || len(got.Statuses) != 1 || got.Offset != 3 || got.Limit != 4 {
		t.Fatalf("query = %+v", got)
	}
	if !got.Since.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !got.Until.Equal(time.Date(2026, 2, 1, 0, 0, 0, -1, time.UTC)) {
		t.Fatalf("dates = %v %v", got.Since, got.Until)
	}
	next, _ := doc.Find(`[data-testid=next]`).Attr("href")
	prev, _ := doc.Find(`[data-testid=prev]`).Attr("href")
	if !strings.Contains(next, "page=3") || !strings.Contains(prev, "page=1") || !strings.Contains(next, "customer=c9") {
		t.Fatalf("pager %q %q", prev, next)
	}
	// the search form's swap gets only the results
	if doc.Find(`[data-testid=order-search]`).Length() != 0 {
		t.Fatalf("an htmx search returned the whole page")
	}
}

func TestPagesRender(t *testing.T) {
	seen := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	memo := "hello"
	// A payment that names an order taripay does not have stays credit,
	// shown with the note it carried.
	unknownOrder, note := "9999", "order 9999, thanks"
	order := engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 5_000_000, Status: engine.OrderPaid, Memo: &memo}
	eng := &fakeEngine{
		order:        func(string) (engine.Order, error) { return order, nil },
		searchOrders: func(engine.OrderQuery) ([]engine.Order, error) { return []engine.Order{order}, nil },
		paymentsForOrder: func(string) ([]engine.Payment, error) {
			return []engine.Payment{{TxID: "tx1", Amount: 5_000_000, Status: engine.PaymentConfirmed, Sender: testAddress}}, nil
		},
		sideEffects: func(string) ([]engine.SideEffect, error) {
			return []engine.SideEffect{{OrderID: "1001", Kind: engine.SideEffectMarkPaid, State: engine.SideEffectFailed, LastError: "THROTTLED"}}, nil
		},
		customerIDs: func(int, int) ([]string, error) { return []string{"c1"}, nil },
		customerHistory: func(id string) (engine.CustomerHistory, error) {
			return engine.CustomerHistory{CustomerID: id, Orders: []engine.Order{order},
				Balance: engine.CustomerBalance{Addresses: []engine.AddressBalance{{Address: testAddress, CurrentBalance: 250_000}}}}, nil
		},
		addressHistory: func(address string) (engine.AddressHistory, error) {
			return engine.AddressHistory{Address: address, Balance: engine.AddressBalance{CurrentBalance: 250_000},
				Orders: []engine.Order{order}, Settlements: []engine.Settlement{{OrderID: "1001", PaymentAddress: address, Amount: 5_000_000}},
				Payments: []engine.Payment{{TxID: "tx9", Amount: 1_000_000, Status: engine.PaymentConfirmed, Sender: address, OrderID: &unknownOrder, Memo: &note}}}, nil
		},
		wallets: func() ([]engine.Wallet, error) {
			return []engine.Wallet{{Address: testAddress, IPAddress: "192.0.2.1", LastNonce: 7, LastSeen: &seen}}, nil
		},
		exchangeRates: func() ([]engine.ExchangeRate, error) {
			return []engine.ExchangeRate{{Currency: "USD", Rate: 2_500_000, UpdatedAt: seen}}, nil
		},
		roles: func(string) ([]engine.Role, error) { return []engine.Role{engine.RoleUser, engine.RoleWrite}, nil },
		dashboard: func(days int) (engine.Dashboard, error) {
			now := testNow
			d := engine.Dashboard{ReceivedToday: 1_500_000, ReceivedTotal: 9_000_000,
				ByStatus: []engine.StatusCount{{Status: engine.OrderPaid, Count: 3, Total: 9_000_000}}}
			for i := 0; i < days; i++ {
				d.PerDay = append(d.PerDay, engine.DayTotal{Day: now.AddDate(0, 0, i-days+1), Amount: engine.MicroTari(i) * 1_000_000, Count: i})
			}
			return d, nil
		},
	}
	hs := newHarness(t, eng)
	hs.h.deps.Snippet = func(base string) string { return `<a href="` + base + `/{{ order.id }}">Pay with Tari</a>` }
	tests := []struct{ path, testid, text string }{
		{"/admin", "received-today", "1.5 XTR"},
		{"/admin", "chart", ""},
		{"/admin/orders", "orders", "hello"},
		{"/admin/orders/1001", "order-sync", "THROTTLED"},
		{"/admin/orders/1001", "order-payments", "tx1"},
		{"/admin/customers", "customers", "c1"},
		{"/admin/customers/c1", "customer-detail", "5 XTR"},
		{"/admin/customers/c1", "addresses", testAddress},
		{"/admin/addresses/" + testAddress, "balance", "0.25 XTR"},
		{"/admin/addresses/" + testAddress, "settlements", "5 XTR"},
		{"/admin/addresses/" + testAddress, "payment-note", "order 9999, thanks"},
		{"/admin/wallets", "wallets", "192.0.2.1"},
		{"/admin/rates", "current-rates", "2.5 XTR"},
		{"/admin/roles?address=" + testAddress, "roles", "write"},
		{"/admin/setup", "snippet", `<a href="http://example.com/{{ order.id }}">Pay with Tari</a>`},
		{"/admin/setup", "checklist", "1 wallet; last seen 2026-11-23 09:00"},
		{"/admin/setup", "checklist", "1 USD = 2.5 XTR, set 1 hour ago"},
	}
	for _, tt := range tests {
		t.Run(tt.path+"#"+tt.testid, func(t *testing.T) {
			resp, body := hs.do(t, "GET", tt.path, nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			sel := parse(t, body).Find(`[data-testid="` + tt.testid + `"]`)
			if sel.Length() == 0 {
				t.Fatalf("no %s in %s", tt.testid, body)
			}
			text := sel.Text()
			if v, ok := sel.Attr("value"); ok {
				text = v
			}
			if !strings.Contains(text, tt.text) {
				t.Fatalf("%s = %q, want %q", tt.testid, text, tt.text)
			}
		})
	}
}

type fakeShopify struct {
	activity   shopdata.WebhookActivity
	contacts   map[string]shopify.Contact
	conn       adminapi.ShopConnection
	subs       []adminapi.Subscription
	err        error    // what every call fails with, when set
	ensured    []string // the public URLs EnsureWebhooks was called with
	other      int      // orders paid another way
	extensible bool     // the order pages render app extensions
}

func (f *fakeShopify) OtherOrders(context.Context) (int, error) { return f.other, nil }

func (f *fakeShopify) Contacts(_ context.Context, _ string, ids []string) (map[string]shopify.Contact, error) {
	out := map[string]shopify.Contact{}
	for _, id := range ids {
		if c, ok := f.contacts[id]; ok {
			out[id] = c
		}
	}
	return out, f.err
}

func (f *fakeShopify) WebhookActivity(context.Context, string) (shopdata.WebhookActivity, error) {
	return f.activity, f.err
}

func (f *fakeShopify) Connection(context.Context) (adminapi.ShopConnection, error) {
	return f.conn, f.err
}

func (f *fakeShopify) OrderPagesExtensible(context.Context) (bool, error) {
	return f.extensible, f.err
}

func (f *fakeShopify) Subscriptions(context.Context) ([]adminapi.Subscription, error) {
	return f.subs, f.err
}

func (f *fakeShopify) EnsureWebhooks(_ context.Context, publicURL string) ([]shopify.EnsureResult, error) {
	f.ensured = append(f.ensured, publicURL)
	if f.err != nil {
		return nil, f.err
	}
	return []shopify.EnsureResult{{Topic: "orders/create", Action: "created"}, {Topic: "orders/updated", Action: "present"}}, nil
}

// The setup checklist shows the address customers pay, or, red, that
// there is none and how to set it (engine.PaymentAddress).
func TestSetupPaymentAddressCheck(t *testing.T) {
	addr, err := tari.ParseAddress(testAddress)
	if err != nil {
		t.Fatal(err)
	}
	dual := tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, addr.SpendKey(), addr.SpendKey())
	noAddress := engine.Errorf(engine.EUNCONFIGURED, engine.ErrNoPaymentAddress,
		"No payment address: TPG_PAYMENT_WALLET_ADDRESS is not set and 2 hot wallets are authorised. Set TPG_PAYMENT_WALLET_ADDRESS to the shop's Tari address, or authorise exactly one hot wallet")
	for _, tc := range []struct {
		name     string
		address  func() (tari.Address, error)
		want     string
		badge    string
		blocking bool
		own      string
	}{
		{"none", func() (tari.Address, error) { return tari.Address{}, noAddress }, "Fix now Customers have an address to pay " + noAddress.Message, "badge-critical", true, ""},
		{"single", func() (tari.Address, error) { return addr, nil }, "Done Customers have an address to pay " + testAddress +
			" (from the one authorised hot wallet, as TPG_PAYMENT_WALLET_ADDRESS is not set)", "badge-success", false,
			"To do Each order has its own address This single (spend-key only) address cannot carry a payment id, so customers must type the order's note as the message. Set TPG_PAYMENT_WALLET_ADDRESS to the wallet's dual address (view and spend key)."},
		{"dual", func() (tari.Address, error) { return dual, nil }, "Done Customers have an address to pay " + dual.Base58() +
			" (from the configuration: TPG_PAYMENT_WALLET_ADDRESS)", "badge-success", false,
			"Done Each order has its own address Your dual address carries each order's note as a payment id, so customers type nothing."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{paymentAddress: tc.address, configuredPayTo: tc.name == "dual"})
			resp, body := hs.do(t, "GET", "/admin/setup", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			check := parse(t, body).Find(`[data-testid=check]:contains("Customers have an address to pay")`)
			if got := strings.Join(strings.Fields(check.Text()), " "); check.Length() != 1 || got != tc.want {
				t.Fatalf("payment address check = %q, want %q", got, tc.want)
			}
			if !check.Find(".badge").HasClass(tc.badge) || check.HasClass("blocking") != tc.blocking {
				t.Errorf("payment address check is not shown as %s: %s", tc.badge, body)
			}
			own := parse(t, body).Find(`[data-testid=check]:contains("Each order has its own address")`)
			if got := strings.Join(strings.Fields(own.Text()), " "); got != tc.own {
				t.Errorf("own address check = %q, want %q", got, tc.own)
			}
		})
	}
}

func TestDashboardCountsOrdersPaidAnotherWay(t *testing.T) {
	for name, tc := range map[string]struct {
		shopify Shopify
		want    string // "" when the count is not shown
	}{
		"three":        {&fakeShopify{other: 3}, "Orders paid another way: 3"},
		"none":         {&fakeShopify{}, "Orders paid another way: 0"},
		"without shop": {nil, ""},
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{})
			hs.h.deps.Shopify = tc.shopify
			resp, body := hs.do(t, "GET", "/admin", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := strings.TrimSpace(parse(t, body).Find(`[data-testid=other-orders]`).Text()); got != tc.want {
				t.Errorf("other orders = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSyncRetry(t *testing.T) {
	var retried []string
	eng := &fakeEngine{
		order: func(string) (engine.Order, error) {
			return engine.Order{OrderID: "1001", Status: engine.OrderPaid}, nil
		},
		sideEffects: func(string) ([]engine.SideEffect, error) {
			return []engine.SideEffect{
				{ID: 7, OrderID: "1001", Kind: engine.SideEffectMarkPaid, State: engine.SideEffectFailed, LastError: "THROTTLED"},
				{ID: 8, OrderID: "1001", Kind: engine.SideEffectCancel, State: engine.SideEffectDone},
			}, nil
		},
		retrySideEffect: func(_ context.Context, id int64, at time.Time, cause string, final bool) error {
			retried = append(retried, fmt.Sprintf("%d %v %s %v", id, at.Equal(testNow), cause, final))
			return nil
		},
	}
	hs := newHarness(t, eng)
	_, body := hs.do(t, "GET", "/admin/orders/1001", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	doc := parse(t, body)
	if doc.Find(`#retry-7`).Length() != 1 || doc.Find(`#retry-8`).Length() != 0 {
		t.Fatalf("retry forms: %s", body)
	}
	if resp, _ := hs.do(t, "POST", "/admin/orders/1001/sync/8/retry", url.Values{"confirm": {"yes"}}, hs.htmx()); resp.StatusCode != 409 {
		t.Fatalf("retrying a done call: %d", resp.StatusCode)
	}
	if resp, _ := hs.do(t, "POST", "/admin/orders/1001/sync/99/retry", url.Values{"confirm": {"yes"}}, hs.htmx()); resp.StatusCode != 404 {
		t.Fatalf("retrying another order's call: %d", resp.StatusCode)
	}
	if _, body := hs.do(t, "POST", "/admin/orders/1001/sync/7/retry", url.Values{}, hs.htmx()); !strings.Contains(body, "again now?") || len(retried) != 0 {
		t.Fatalf("no confirm step: %v %s", retried, body)
	}
	resp, _ := hs.do(t, "POST", "/admin/orders/1001/sync/7/retry", url.Values{"confirm": {"yes"}}, hs.htmx())
	want := "7 true retry requested by admin:" + testShop + "/42 false"
	if resp.StatusCode != 200 || len(retried) != 1 || retried[0] != want {
		t.Fatalf("retry: %d %v, want [%s]", resp.StatusCode, retried, want)
	}
}

func TestWebhooksEnsure(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	fake := &fakeShopify{}
	hs.h.deps.Shopify = fake
	_, body := hs.do(t, "GET", "/admin/setup", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	if parse(t, body).Find(`#webhooks`).Length() != 1 {
		t.Fatalf("no register form while webhooks are missing")
	}
	_, body = hs.do(t, "POST", "/admin/setup/webhooks", url.Values{}, hs.htmx())
	if !strings.Contains(body, "at http://example.com/shopify/webhook/") || len(fake.ensured) != 0 {
		t.Fatalf("confirm step: %v %s", fake.ensured, body)
	}
	resp, body := hs.do(t, "POST", "/admin/setup/webhooks", url.Values{"confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 200 || len(fake.ensured) != 1 || fake.ensured[0] != "http://example.com" || !strings.Contains(body, "Webhooks: orders/create created.") {
		t.Fatalf("ensure: %d %v %s", resp.StatusCode, fake.ensured, body)
	}

	// Shopify's refusal is shown in its own words
	fake.err = fmt.Errorf("subscribe to orders/create: %w", &adminapi.CallError{Op: "CreateWebhook",
		Err: adminapi.UserErrors{"webhookSubscription.uri Address is invalid"}})
	resp, body = hs.do(t, "POST", "/admin/setup/webhooks", url.Values{"confirm": {"yes"}}, hs.htmx())
	if want := "Shopify refused: user errors: webhookSubscription.uri Address is invalid"; resp.StatusCode != 502 || !strings.Contains(body, want) {
		t.Fatalf("refused ensure: %d %s, want 502 with %q", resp.StatusCode, body, want)
	}
}

func TestAddressSettle(t *testing.T) {
	var calls []string
	eng := &fakeEngine{settleAddress: func(ctx context.Context, address string) (engine.MultiAccountPayment, error) {
		calls = append(calls, engine.ActorFrom(ctx)+"|"+address)
		return engine.MultiAccountPayment{OrdersPaid: []engine.Order{{OrderID: "1001"}}}, nil
	}}
	hs := newHarness(t, eng)
	if resp, _ := hs.do(t, "POST", "/admin/addresses/not-an-address/settle", url.Values{"confirm": {"yes"}}, hs.htmx()); resp.StatusCode != 404 || len(calls) != 0 {
		t.Fatalf("a malformed address: %d %v", resp.StatusCode, calls)
	}
	resp, body := hs.do(t, "POST", "/admin/addresses/"+testAddress+"/settle", url.Values{"confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 200 || len(calls) != 1 || calls[0] != "admin:"+testShop+"/42|"+testAddress || !strings.Contains(body, "1 order paid") {
		t.Fatalf("settle: %d %v %s", resp.StatusCode, calls, body)
	}
}

// fakeWebhooks is the Shopify inbox's failed deliveries.
type fakeWebhooks struct {
	failures []shopdata.WebhookFailure
	retried  []string // "actor|id"
}

func (f *fakeWebhooks) WebhookFailures(_ context.Context, limit int) ([]shopdata.WebhookFailure, error) {
	return f.failures[:min(limit, len(f.failures))], nil
}

func (f *fakeWebhooks) RetryWebhook(ctx context.Context, id int64) (bool, error) {
	for i, w := range f.failures {
		if w.ID == id && w.Final {
			f.failures[i].Final = false
			f.retried = append(f.retried, fmt.Sprintf("%s|%d", engine.ActorFrom(ctx), id))
			return true, nil
		}
	}
	return false, nil
}

// The dashboard says how many orders wait for a rate, linking to the rates
// page, and lists the webhook deliveries that failed, each that failed for
// good with a retry.
func TestDashboardWaitingOrdersAndWebhookFailures(t *testing.T) {
	eng := &fakeEngine{dashboard: func(int) (engine.Dashboard, error) {
		return engine.Dashboard{Waiting: []engine.WaitingCount{{Currency: "EUR", Count: 1}, {Currency: "USD", Count: 2}}}, nil
	}}
	hooks := &fakeWebhooks{failures: []shopdata.WebhookFailure{
		{ID: 8, Topic: "orders/create", OrderID: "1001", Attempts: 2, LastError: "db down", ReceivedAt: testNow},
		{ID: 7, Topic: "orders/create", OrderID: "1002", Final: true, Attempts: 1, LastError: "order 1002: created_at: bad", ReceivedAt: testNow},
	}}
	hs := newHarness(t, eng)
	hs.h.deps.Webhooks = hooks
	page := map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session}

	_, body := hs.do(t, "GET", "/admin", nil, page)
	d := parse(t, body)
	waiting := d.Find(`[data-testid=waiting-orders]`)
	if got := strings.Join(strings.Fields(waiting.Text()), " "); got != "3 orders waiting for a rate (EUR, USD). Set exchange rates" {
		t.Errorf("waiting note = %q", got)
	}
	if href, _ := waiting.Find("a").Attr("href"); href != "/admin/rates" {
		t.Errorf("waiting note links to %q", href)
	}
	rows := d.Find(`[data-testid=webhook-failure]`)
	if rows.Length() != 2 || !strings.Contains(rows.Eq(0).Text(), "Retrying") || !strings.Contains(rows.Eq(1).Text(), "created_at: bad") {
		t.Fatalf("webhook failures:\n%s", body)
	}
	if rows.Eq(0).Find("form").Length() != 0 || rows.Eq(1).Find(`form[action="/admin/webhooks/7/retry"]`).Length() != 1 {
		t.Errorf("retry forms: only the delivery that failed for good has one:\n%s", body)
	}

	resp, body := hs.do(t, "POST", "/admin/webhooks/7/retry", url.Values{}, hs.htmx())
	if resp.StatusCode != 200 || parse(t, body).Find(`[data-testid=confirm-text]`).Text() != "Process Shopify webhook delivery 7 again now?" || len(hooks.retried) != 0 {
		t.Fatalf("confirm step: %d %s", resp.StatusCode, body)
	}
	resp, body = hs.do(t, "POST", "/admin/webhooks/7/retry", url.Values{"confirm": {"yes"}}, hs.htmx())
	if want := "admin:" + testShop + "/42|7"; resp.StatusCode != 200 || len(hooks.retried) != 1 || hooks.retried[0] != want {
		t.Fatalf("retry: %d %v %s", resp.StatusCode, hooks.retried, body)
	}
	resp, body = hs.do(t, "POST", "/admin/webhooks/7/retry", url.Values{"confirm": {"yes"}}, hs.htmx())
	if resp.StatusCode != 409 || !strings.Contains(body, "Only a delivery that failed for good") {
		t.Errorf("second retry: %d %s", resp.StatusCode, body)
	}

	// Nothing waiting: no note.
	eng.dashboard = nil
	if _, body := hs.do(t, "GET", "/admin", nil, page); parse(t, body).Find(`[data-testid=waiting-orders]`).Length() != 0 {
		t.Error("a waiting note without waiting orders")
	}
}
