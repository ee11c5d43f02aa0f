package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"taripay/app/admin"
	"taripay/app/shopify"
	"taripay/engine"
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

// Every list route, and every list in a history, reads one page: count is 1 to engine.MaxPageSize (a
// larger one, such as a billion, is a 400, not a billion-row read), offset
// skips, and the page holds at most count items. The page is read in the
// query: a request for a page past the end reads no statement of as many
// rows as the list holds.
func TestListPagesBounded(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		rows := &rowCounter{}
		h.db.Bun().AddQueryHook(rows)
		alice, bob := keyActor(t, aliceSecret), keyActor(t, bobSecret)
		for i, by := range []*actor{alice, alice, bob} {
			id := fmt.Sprintf("o%d", i+1)
			h.addOrder(id, fmt.Sprintf("c%d", i+1), 1_000_000, nil)
			h.clock.Add(time.Minute)
			if r := h.claim(by, id); r.status != http.StatusOK {
				t.Fatalf("claim %s: %d %s", id, r.status, r.body)
			}
		}
		h.addOrder("o4", "c1", 1_000_000, nil) // more orders of c1, for its history
		h.addOrder("o5", "c1", 1_000_000, nil)
		o1 := "o1"
		for i := range 4 {
			h.pay(alice, 1, fmt.Sprintf("tx%d", i), nil, &o1) // a payment that names o1
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
			{"/api/history", own, field("orders")},
			{"/api/history", own, field("payments")},
			{"/api/history/address/" + alice.base58(), admin, field("orders")},
			{"/api/history/address/" + alice.base58(), admin, field("payments")},
			{"/api/history/customer/c1", admin, field("orders")},
			{"/api/payments-for-order/o1", admin, count[[]map[string]any]},
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
				rows.reset()
				r := h.as(l.token, http.MethodGet, l.path+sep+c.query, nil)
				if r.status != http.StatusOK || l.items(r) != c.want {
					t.Errorf("%s?%s: %d %s, want %d items", l.path, c.query, r.status, r.body, c.want)
				}
				if most := rows.most(); c.want == 0 && most >= int64(n) {
					t.Errorf("%s?%s read a statement of %d rows, the whole list of %d", l.path, c.query, most, n)
				}
			}
			for _, q := range []string{"count=1000000000", "count=1001", "count=0", "count=-1", "offset=-1", "count=x"} {
				wantError(t, h.as(l.token, http.MethodGet, l.path+sep+q, nil), http.StatusBadRequest, "Query deserialize error")
			}
		}
	})
}

// rowCounter is a query hook that keeps the most rows one statement read
// since its reset.
type rowCounter struct {
	mu  sync.Mutex
	max int64
}

func (r *rowCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (r *rowCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Err != nil || e.Result == nil || !strings.HasPrefix(strings.TrimSpace(e.Query), "SELECT") {
		return
	}
	if n, err := e.Result.RowsAffected(); err == nil {
		r.mu.Lock()
		r.max = max(r.max, n)
		r.mu.Unlock()
	}
}
func (r *rowCounter) reset() { r.mu.Lock(); r.max = 0; r.mu.Unlock() }
func (r *rowCounter) most() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.max
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

// rows counts the rows of every table the engine writes.
func (h *harness) rows() map[string]int {
	h.t.Helper()
	out := map[string]int{}
	for _, table := range []string{"orders", "payments", "address_customer_links", "address_balances", "settlements",
		"audit_entries", "events", "side_effects", "login_nonces", "order_viewers"} {
		var n int
		if err := h.db.Bun().NewRaw("SELECT count(*) FROM "+table).Scan(context.Background(), &n); err != nil {
			h.t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// A replayed claim or login writes nothing: no event, no row. Login nonces
// that are times more than a day old are refused, and pruned.
func TestReplayWritesNothing(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("o1", "alice", 1_000_000, nil)
		claim := signedClaim(t, alice, "o1")
		if r := h.do(http.MethodPost, "/order/claim", claim); r.status != http.StatusOK {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
		login := h.loginToken(alice)
		if r := h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", login); r.status != http.StatusOK {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		before := h.rows()
		for _, replay := range []struct {
			name string
			send func() response
			want int
		}{
			{"the same claim", func() response { return h.do(http.MethodPost, "/order/claim", claim) }, http.StatusOK},
			{"the claim signed again", func() response { return h.claim(alice, "o1") }, http.StatusOK},
			{"the same login", func() response { return h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", login) }, http.StatusUnauthorized},
		} {
			if r := replay.send(); r.status != replay.want {
				t.Fatalf("%s: %d %s, want %d", replay.name, r.status, r.body, replay.want)
			}
			if after := h.rows(); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("%s wrote rows:\n before %v\n after  %v", replay.name, before, after)
			}
		}

		// taritools signs the time as the nonce: a day later its token is
		// refused, and its stored nonce pruned; a counter nonce stays.
		bob := keyActor(t, bobSecret)
		bob.nonce = h.clock.Now().Unix() - 1
		timed := h.loginToken(bob)
		if r := h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", timed); r.status != http.StatusOK {
			t.Fatalf("login with the time as nonce: %d %s", r.status, r.body)
		}
		nonces := h.rows()["login_nonces"]
		if n, err := h.e.PruneLoginNonces(context.Background()); err != nil || n != 0 {
			t.Fatalf("pruned %d, %v before any nonce expired", n, err)
		}
		h.clock.Add(engine.LoginNonceLifetime + time.Second)
		if n, err := h.e.PruneLoginNonces(context.Background()); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want bob's expired nonce", n, err)
		}
		if got := h.rows()["login_nonces"]; got != nonces-1 {
			t.Fatalf("login nonces %d after pruning, want %d", got, nonces-1)
		}
		before = h.rows()
		r := h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", timed)
		wantError(t, r, http.StatusUnauthorized, "Nonce is not strictly increasing")
		if after := h.rows(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the expired login wrote rows:\n before %v\n after  %v", before, after)
		}
		bob.nonce = h.clock.Now().Unix()
		if r := h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", h.loginToken(bob)); r.status != http.StatusOK {
			t.Fatalf("a fresh login: %d %s", r.status, r.body)
		}
	})
}

// One client address holds at most TPG_MAX_CONNS_PER_IP connections: one
// more is answered 429 and closed before any request is read, while the
// held ones and other addresses are still served.
func TestConnectionsPerAddressCapped(t *testing.T) {
	const max = 4
	h := newHarness(t, map[string]string{"TPG_MAX_CONNS_PER_IP": strconv.Itoa(max)})
	from := func(ip string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		c, err := d.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	get := func(c net.Conn) (*http.Response, error) {
		t.Helper()
		if _, err := io.WriteString(c, "GET /health HTTP/1.1\r\nHost: taripay\r\n\r\n"); err != nil {
			return nil, err
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			res.Body.Close()
		}
		return res, err
	}
	held := make([]net.Conn, max)
	for i := range held {
		held[i] = from("127.0.0.1") // open and silent, as a client that never reads
	}
	extra := from("127.0.0.1")
	_ = extra.SetReadDeadline(time.Now().Add(10 * time.Second)) // fail, not hang, where nothing refuses it
	res, err := http.ReadResponse(bufio.NewReader(extra), nil)
	if err != nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("connection %d from one address: %v %v, want 429", max+1, res, err)
	}
	res.Body.Close()
	if _, err := get(extra); err == nil {
		t.Error("the refused connection still serves")
	}
	if res, err := get(held[0]); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("a held connection: %v %v, want 200", res, err)
	}
	if res, err := get(from("127.0.0.2")); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("another address: %v %v, want 200", res, err)
	}
}

// An address of a quarter of a megabyte, where an address is at most a few
// hundred characters, is refused before it is decoded (base58 decoding is
// quadratic: on the old main each of these requests held a core for about
// 20 s). Claims, wallet notifications' auth and the pay page's claim form
// all read an address; none of them changes anything.
func TestLongAddressesRefused(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		o := h.addOrder("o1", "alice", 100, nil)
		admin := h.login(h.super, "super_admin")
		before := h.snapshot(admin)
		huge := strings.Repeat("z", 250_000)

		claim := strings.Replace(signedClaim(t, alice, "o1"), alice.base58(), huge, 1)
		if !strings.Contains(claim, huge) {
			t.Fatal("the claim does not carry the address in base58")
		}
		wantError(t, h.send("POST", "/order/claim", "", "application/json", claim), 0, "")
		payment := strings.Replace(string(h.paymentBody(h.hot, alice.addr, 1, "tx-long", nil, nil)), h.hot.base58(), huge, 1)
		if payment == string(h.paymentBody(h.hot, alice.addr, 1, "tx-long", nil, nil)) {
			t.Fatal("the payment body does not carry the wallet's address in base58")
		}
		r := h.send("POST", "/wallet/incoming_payment", "", "application/json", payment)
		wantError(t, r, 0, "")
		if r.status < 400 || r.status >= 500 {
			t.Errorf("wallet auth.address: %d %s", r.status, r.body)
		}
		form := "address=" + huge + "&signature=00"
		if r := h.send("POST", "/pay/"+o.ClaimToken+"/claim", "", "application/x-www-form-urlencoded", form); r.status < 400 || r.status >= 500 {
			t.Errorf("pay page claim form: %d", r.status)
		}
		if after := h.snapshot(admin); after != before {
			t.Errorf("a long address changed state:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// The server bounds how long a connection may sit: a client that never
// reads its reply, or keeps an idle connection, frees it (docs/security.md,
// "Resource limits").
func TestServerTimeouts(t *testing.T) {
	h := newHarness(t, nil)
	cfg := h.app.Config()
	if cfg.WriteTimeout <= 0 || cfg.WriteTimeout > 30*time.Second {
		t.Errorf("WriteTimeout %v, want at most 30 s", cfg.WriteTimeout)
	}
	if cfg.ReadTimeout <= 0 || cfg.ReadTimeout > 30*time.Second {
		t.Errorf("ReadTimeout %v, want at most 30 s", cfg.ReadTimeout)
	}
	if cfg.IdleTimeout <= 0 || cfg.IdleTimeout > 2*time.Minute {
		t.Errorf("IdleTimeout %v, want at most 2 min", cfg.IdleTimeout)
	}
}
