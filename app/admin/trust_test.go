package admin

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify/install"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
)

// trustServer is the admin over the real engine and database, installed by
// token exchange against a fake Shopify OAuth endpoint, on a hand-moved
// clock. Staff users come in with session tokens signed by the app secret.
type trustServer struct {
	app   *fiber.App
	eng   *engine.Engine
	store *db.DB
	clock *enginetest.Clock
	oauth *shopifytest.OAuth
}

// newTrustServer serves the admin over backend; shop is TPG_SHOPIFY_SHOP.
func newTrustServer(t *testing.T, backend, shop string) *trustServer {
	t.Helper()
	ts := &trustServer{store: dbtest.Open(t, backend), clock: enginetest.NewClock(testNow), oauth: &shopifytest.OAuth{Secret: testSecret}}
	ts.eng = engine.New(engine.Config{DisableMemoSignature: true, Shop: shop}, ts.store, ts.clock)
	oauth := httptest.NewServer(ts.oauth)
	t.Cleanup(oauth.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	exchange := &install.TokenExchange{
		ClientID: testClientID, ClientSecret: testSecret,
		BaseURL: func(string) string { return oauth.URL },
		HTTP:    oauth.Client(), Store: db.NewShopTokenStore(ts.store.Bun()),
		Now: ts.clock.Now, Log: quiet,
	}
	h := New(Config{ClientID: testClientID, ClientSecrets: []string{testSecret}, Shop: shop, HtmxURL: "/static/htmx.min.js"},
		Deps{Engine: ts.eng, Install: exchange, Now: ts.clock.Now, Log: quiet})
	ts.app = fiber.New(fiber.Config{StrictRouting: true, CaseSensitive: true, Immutable: true})
	h.Register(ts.app)
	return ts
}

// idTokenFor is the session token Shopify admin hands the app for a staff
// user of shop.
func (ts *trustServer) idTokenFor(t *testing.T, shop, user string) string {
	tok := shopifytest.ValidIDToken(ts.clock.Now())
	tok.Iss, tok.Dest, tok.Sub = "https://"+shop+"/admin", "https://"+shop, user
	return tok.Mint(t)
}

var sessionInPage = regexp.MustCompile(`X-TPS-Session&#34;:&#34;([^&]+)&#34;`)

// launch opens the app as Shopify admin does, and returns the answer and
// the app session the page hands to htmx ("" when none).
func (ts *trustServer) launch(t *testing.T, shop, user string) (*http.Response, string, string) {
	t.Helper()
	resp, body := ts.do(t, "GET", "/admin?embedded=1&shop="+shop+"&id_token="+ts.idTokenFor(t, shop, user), nil, nil)
	session := ""
	if m := sessionInPage.FindStringSubmatch(body); m != nil {
		session = m[1]
	}
	return resp, body, session
}

func (ts *trustServer) do(t *testing.T, method, target string, form url.Values, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	return (&harness{app: ts.app}).do(t, method, target, form, hdr)
}

// post confirms an action as a staff user with their app session.
func (ts *trustServer) post(t *testing.T, session, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("confirm", "yes")
	return ts.do(t, "POST", target, form, map[string]string{"HX-Request": "true", SessionHeader: session})
}

// staffRoles are the roles the page's header shows.
func staffRoles(t *testing.T, body string) string {
	t.Helper()
	return texts(parse(t, body).Find(`[data-testid=staff-role]`))
}

func texts(sel *goquery.Selection) string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return strings.Join(out, " ")
}

// TestStaffRoles: the staff user who installed taripay holds every role,
// others read only; actions need the role on their route, read at each
// request; grants need the role granted, and are audited.
func TestStaffRoles(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ts := newTrustServer(t, backend, "")
			ctx := context.Background()
			if _, err := ts.eng.AddOrder(ctx, engine.NewOrder{OrderID: "1001", CustomerID: "alice", TotalPrice: 5_000_000, Currency: "XTR", CreatedAt: testNow}); err != nil {
				t.Fatal(err)
			}
			resp, body, owner := ts.launch(t, testShop, "1")
			if resp.StatusCode != 200 || staffRoles(t, body) != "read_all super_admin write" {
				t.Fatalf("installer: %d roles %q", resp.StatusCode, staffRoles(t, body))
			}
			resp, body, clerk := ts.launch(t, testShop, "2")
			if resp.StatusCode != 200 || staffRoles(t, body) != "read_all" {
				t.Fatalf("second staff user: %d roles %q", resp.StatusCode, staffRoles(t, body))
			}

			credit := url.Values{"amount": {"5"}, "reason": {"goodwill"}}
			wallet := url.Values{"address": {testAddress}, "ip": {"192.0.2.10"}}
			addressRole := url.Values{"address": {testAddress}, "role": {"super_admin"}, "op": {"grant"}}
			grantWrite := url.Values{"user": {"2"}, "role": {"write"}, "op": {"grant"}}
			refused := []struct {
				name, path string
				form       url.Values
			}{
				{"credit", "/admin/customers/alice/credit", credit},
				{"settle", "/admin/customers/alice/settle", url.Values{}},
				{"cancel", "/admin/orders/1001/cancel", url.Values{"reason": {"x"}}},
				{"rate", "/admin/rates", url.Values{"currency": {"USD"}, "rate": {"10"}}},
				{"hot wallet", "/admin/wallets", wallet},
				{"address role", "/admin/roles", addressRole},
				{"staff role", "/admin/staff", grantWrite},
			}
			for _, r := range refused {
				resp, body := ts.post(t, clerk, r.path, r.form)
				if resp.StatusCode != 403 || !strings.Contains(body, "role, which you do not hold") {
					t.Errorf("read-only %s: %d %s", r.name, resp.StatusCode, body)
				}
			}
			// reads stay open
			if resp, _ := ts.do(t, "GET", "/admin/orders", nil, map[string]string{"HX-Request": "true", SessionHeader: clerk}); resp.StatusCode != 200 {
				t.Errorf("read-only orders page: %d", resp.StatusCode)
			}
			if o, _ := ts.eng.Order(ctx, "1001", false); o.Status != engine.OrderUnclaimed {
				t.Errorf("order after the refusals: %s", o.Status)
			}
			if ws, _ := ts.eng.Wallets(ctx); len(ws) != 0 {
				t.Errorf("a read-only staff user authorised %v", ws)
			}
			if rs, _ := ts.eng.Roles(ctx, testAddress); len(rs) != 1 {
				t.Errorf("a read-only staff user granted %v", rs)
			}

			// the installer grants write; the clerk's same session can act at once
			if resp, body := ts.post(t, owner, "/admin/staff", grantWrite); resp.StatusCode != 200 || !strings.Contains(body, "Roles of staff member 2 are updated.") {
				t.Fatalf("grant write: %d %s", resp.StatusCode, body)
			}
			if resp, body := ts.post(t, clerk, "/admin/customers/alice/credit", credit); resp.StatusCode != 200 {
				t.Fatalf("credit with write: %d %s", resp.StatusCode, body)
			}
			if o, _ := ts.eng.Order(ctx, "1001", false); o.Status != engine.OrderPaid {
				t.Errorf("the credit note did not pay order 1001: %s", o.Status)
			}
			// write does not reach wallets, nor grant what the clerk lacks
			if resp, _ := ts.post(t, clerk, "/admin/wallets", wallet); resp.StatusCode != 403 {
				t.Errorf("hot wallet with write: %d", resp.StatusCode)
			}
			resp, body = ts.post(t, clerk, "/admin/staff", url.Values{"user": {"2"}, "role": {"super_admin"}, "op": {"grant"}})
			if resp.StatusCode != 403 || !strings.Contains(body, "Only a staff member who holds super_admin can grant or revoke it.") {
				t.Errorf("self-grant of super_admin: %d %s", resp.StatusCode, body)
			}

			// a revocation applies to the next request of the same session
			revoke := url.Values{"user": {"2"}, "role": {"write"}, "op": {"revoke"}}
			if resp, body := ts.post(t, owner, "/admin/staff", revoke); resp.StatusCode != 200 {
				t.Fatalf("revoke write: %d %s", resp.StatusCode, body)
			}
			if resp, _ := ts.post(t, clerk, "/admin/customers/alice/credit", credit); resp.StatusCode != 403 {
				t.Errorf("credit after the revocation: %d", resp.StatusCode)
			}
			// the shop keeps its super_admin
			resp, body = ts.post(t, owner, "/admin/staff", url.Values{"user": {"1"}, "role": {"super_admin"}, "op": {"revoke"}})
			if resp.StatusCode != 409 || !strings.Contains(body, "at least one staff member with super_admin") {
				t.Errorf("revoking the last super_admin: %d %s", resp.StatusCode, body)
			}

			// the roles page lists the staff with their roles
			_, body = ts.do(t, "GET", "/admin/roles", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: clerk})
			rows := parse(t, body).Find(`[data-testid=staff-row]`)
			if rows.Length() != 2 || texts(rows.First().Find(`[data-testid=staff-row-roles] .badge`)) != "read_all super_admin write" ||
				texts(rows.Last().Find(`[data-testid=staff-row-roles] .badge`)) != "read_all" {
				t.Errorf("staff rows: %s", rows.Text())
			}

			trail, err := ts.eng.Audit(ctx, "staff", testShop+"/2")
			if err != nil || len(trail) != 2 || trail[0].Actor != "admin:"+testShop+"/1" || *trail[1].NewValue != "grant:; revoke: write" {
				t.Fatalf("audit of staff member 2: %+v, %v", trail, err)
			}
		})
	}
}

// TestOneShopPerDatabase: with TPG_SHOPIFY_SHOP unset, the first completed
// install pins the database to its shop; another shop's session tokens and
// app sessions are refused, saying why, and never reach the token exchange.
func TestOneShopPerDatabase(t *testing.T) {
	const other = "other-shop.myshopify.com"
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ts := newTrustServer(t, backend, "")
			ctx := context.Background()
			keys := AppSessions{Key: AppSessionKey(testSecret), TTL: 30 * time.Minute, Now: ts.clock.Now}
			// an app session of the other shop, minted before any pin
			early := keys.Mint(Staff{Shop: other, User: "9"})

			// an install that cannot complete pins nothing
			ts.oauth.RefuseAll(true)
			resp, body, _ := ts.launch(t, testShop, "1")
			if resp.StatusCode != 503 || !strings.Contains(body, "taripay could not finish installing") {
				t.Fatalf("a failed install: %d %s", resp.StatusCode, body)
			}
			if shop, _ := ts.eng.Shop(ctx); shop != "" {
				t.Fatalf("a failed install pinned %q", shop)
			}
			ts.oauth.RefuseAll(false)

			resp, _, _ = ts.launch(t, testShop, "1")
			if resp.StatusCode != 200 {
				t.Fatalf("install: %d", resp.StatusCode)
			}
			exchanges := len(ts.oauth.GrantTypes())

			refusal := "This taripay server serves another Shopify store, so " + other + " cannot use it."
			resp, body, _ = ts.launch(t, other, "9")
			if resp.StatusCode != 403 || parse(t, body).Find(`[data-testid=refused-message]`).Text() == "" || !strings.Contains(body, refusal) || strings.Contains(body, testShop) {
				t.Errorf("the other shop's launch: %d %s", resp.StatusCode, body)
			}
			if n := len(ts.oauth.GrantTypes()); n != exchanges {
				t.Errorf("the other shop's launch reached the token exchange (%d grants, want %d)", n, exchanges)
			}
			if _, err := db.NewShopTokenStore(ts.store.Bun()).ShopToken(ctx, other); err == nil {
				t.Errorf("a token of the other shop is stored")
			}
			for name, hdr := range map[string]map[string]string{
				"bearer":      {"HX-Request": "true", "Authorization": "Bearer " + ts.idTokenFor(t, other, "9")},
				"app session": {"HX-Request": "true", SessionHeader: early},
			} {
				resp, body := ts.do(t, "GET", "/admin/orders", nil, hdr)
				if resp.StatusCode != 403 || !strings.Contains(body, refusal) {
					t.Errorf("the other shop's %s: %d %s", name, resp.StatusCode, body)
				}
			}
			if shop, _ := ts.eng.Shop(ctx); shop != testShop {
				t.Errorf("pinned shop %q", shop)
			}
		})
	}
}

// TestAppSessionsHaveAnAbsoluteLifetime: a page handed back over an app
// session carries that same session, so using it never extends it.
func TestAppSessionsHaveAnAbsoluteLifetime(t *testing.T) {
	ts := newTrustServer(t, "sqlite", "")
	_, _, session := ts.launch(t, testShop, "1")
	if session == "" {
		t.Fatal("no app session")
	}
	htmx := map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: session}
	for range 4 {
		ts.clock.Add(7 * time.Minute)
		resp, body := ts.do(t, "GET", "/admin/orders", nil, htmx)
		m := sessionInPage.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || m[1] != session {
			t.Fatalf("at %s: %d, session handed back %v", ts.clock.Now().Sub(testNow), resp.StatusCode, m)
		}
	}
	ts.clock.Add(3 * time.Minute) // 31 minutes after the launch
	if resp, _ := ts.do(t, "GET", "/admin/orders", nil, htmx); resp.StatusCode != 401 {
		t.Fatalf("a session used all along, 31 minutes after its launch: %d", resp.StatusCode)
	}
	// a fresh Shopify session token mints a fresh one
	resp, body := ts.do(t, "GET", "/admin/orders", nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true",
		SessionHeader: session, "Authorization": "Bearer " + ts.idTokenFor(t, testShop, "1")})
	if m := sessionInPage.FindStringSubmatch(body); resp.StatusCode != 200 || m == nil || m[1] == session {
		t.Fatalf("with a fresh session token: %d %v", resp.StatusCode, m)
	}
}

// TestRedirectsStayInTheShop: a top-level load goes into Shopify admin only
// for the shop this server serves, never where its host parameter says.
func TestRedirectsStayInTheShop(t *testing.T) {
	enc := func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }
	into := "https://admin.shopify.com/store/test-shop/apps/" + testClientID
	tests := []struct {
		name, host, want string
	}{
		{"a shop's storefront", enc("evil-shop.myshopify.com/pages/login"), ""},
		{"another shop's admin", enc("admin.shopify.com/store/evil-shop"), ""},
		{"another shop's legacy admin", enc("evil-shop.myshopify.com/admin"), ""},
		{"the shop's admin", enc("admin.shopify.com/store/test-shop"), into},
		{"the shop's legacy admin", enc("test-shop.myshopify.com/admin"), into},
		{"the shop's storefront goes to its admin", enc("test-shop.myshopify.com/pages/login"), into},
	}
	servers := map[string]func(t *testing.T) *trustServer{
		"TPG_SHOPIFY_SHOP": func(t *testing.T) *trustServer { return newTrustServer(t, "sqlite", testShop) },
		"pinned by the install": func(t *testing.T) *trustServer {
			ts := newTrustServer(t, "sqlite", "")
			if resp, _, _ := ts.launch(t, testShop, "1"); resp.StatusCode != 200 {
				t.Fatalf("install: %d", resp.StatusCode)
			}
			return ts
		},
	}
	for name, start := range servers {
		t.Run(name, func(t *testing.T) {
			ts := start(t)
			for _, tt := range tests {
				resp, body := ts.do(t, "GET", "/admin?host="+tt.host, nil, nil)
				loc := resp.Header.Get("Location")
				if tt.want == "" && (resp.StatusCode != 401 || loc != "" || !strings.Contains(body, `data-testid="bounce"`)) ||
					tt.want != "" && (resp.StatusCode != 302 || loc != tt.want) {
					t.Errorf("%s: %d Location %q, want %q", tt.name, resp.StatusCode, loc, tt.want)
				}
			}
		})
	}
	// before any install there is no shop admin to go to
	ts := newTrustServer(t, "sqlite", "")
	if resp, _ := ts.do(t, "GET", "/admin?host="+enc("admin.shopify.com/store/test-shop"), nil, nil); resp.StatusCode != 401 {
		t.Errorf("before the install: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// App Bridge goes where the bounce page's shopify-reload says: only into the admin
	for reload, want := range map[string]int{
		"https://evil.example/login": 400,
		"//evil.example/admin":       400,
		"/admin/orders?embedded=1":   200,
	} {
		resp, body := ts.do(t, "GET", "/admin/bounce?shopify-reload="+url.QueryEscape(reload), nil, nil)
		if resp.StatusCode != want || (want == 400) != strings.Contains(body, `data-testid="refused"`) {
			t.Errorf("bounce to %s: %d, want %d", reload, resp.StatusCode, want)
		}
	}
}
