package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"taripay/app/admin"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// badTexts broke requests on PostgreSQL, which refuses NUL and invalid
// UTF-8 in text: NUL before a control byte (the %00%01 of issue 16), NUL
// after an id, and bytes that are not UTF-8.
var badTexts = []string{"\x00\x01", "o1\x00", "\xff\xfe", "\xc3("}

// FuzzRequestText puts untrusted text in every part of a request that
// reaches a route (its path parameters, query parameters, JSON and form
// bodies, the signed bodies of the hot wallet and of Shopify, headers),
// for every route of the route table, on SQLite and PostgreSQL at once. No
// answer is a 5xx, no payment or order the hot wallet or Shopify reports
// is dropped, and no webhook delivery is left failing for a passing
// reason. Its seeds, which go test runs, are every probe of every route
// with each of badTexts.
func FuzzRequestText(f *testing.F) {
	var servers []*textServer
	for _, b := range dbtest.Backends(f) {
		if dbtest.Reachable(b) {
			servers = append(servers, newTextServer(f, b))
		}
	}
	for r, rp := range servers[0].routes {
		for p := range rp.probes {
			for _, text := range badTexts {
				f.Add(uint16(r), uint16(p), text)
			}
		}
	}
	f.Fuzz(func(t *testing.T, route, probe uint16, text string) {
		for _, s := range servers {
			rp := s.routes[int(route)%len(s.routes)]
			p := rp.probes[int(probe)%len(rp.probes)]
			req := p.build(text)
			if req == nil {
				continue
			}
			status, body, err := s.h.raw(req)
			where := fmt.Sprintf("%s: %s %s with %q in %s", s.backend, req.method, rp.route, text, p.name)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if status >= 500 {
				t.Errorf("%s: %d %s", where, status, body)
			}
			if status == http.StatusOK && rp.reportsEvent && strings.Contains(body, `"success":false`) {
				t.Errorf("%s: an event from outside was dropped: %s", where, body)
			}
			if strings.HasPrefix(rp.route, "POST /shopify/") {
				if err := s.processWebhooks(); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			}
		}
	})
}

// textServer serves the whole route table on one backend, with fixtures
// that let each route get past its guards to its queries.
type textServer struct {
	h       *harness
	backend string
	admin   string // an /api access token with super_admin
	session string // an embedded-admin app session
	order   engine.Order
	alice   *actor
	nonce   atomic.Int64 // the hot wallet's nonce, signed inside the fuzz function
	seq     atomic.Int64 // fresh order and event ids
	routes  []routeProbes
}

const (
	textHMAC        = "text-hmac-secret"
	textAdminSecret = "text-admin-secret"
	textLinkSecret  = "text-link-secret"
	textShop        = "text-shop.myshopify.com"
)

// routeProbes are the ways a route's request can carry text.
type routeProbes struct {
	route        string // "METHOD /path/:param"
	reportsEvent bool   // the body reports a payment or an order: it must never be refused with success:false
	probes       []probe
}

// probe builds a request with text in one place; nil when text cannot go
// there (a header holds no line break).
type probe struct {
	name  string
	build func(text string) *rawRequest
}

type rawRequest struct {
	method, target string
	header         [][2]string
	body           []byte
}

func newTextServer(t testing.TB, backend string) *textServer {
	fake := shopifytest.New(t)
	fake.AddOrder(shopifytest.Order{ID: "9000001", Name: "#1\x00", CreatedAt: "2024-03-10T15:00:00Z", Currency: "USD",
		TotalPrice: "1.00", Gateways: []string{"Tari"}, Note: "rescanned \x00\xff"})
	h := newHarnessOn(t, backend, map[string]string{
		"TPG_SHOPIFY_HMAC_SECRET": textHMAC, "TPG_SHOPIFY_API_KEY": "text-client", "TPG_SHOPIFY_API_SECRET": textAdminSecret,
		"TPG_SHOPIFY_SHOP": textShop, "TPG_CLAIM_LINK_SECRET": textLinkSecret,
		"TPG_SHOPIFY_API_BASE_URL": fake.URL, "TPG_SHOPIFY_ADMIN_ACCESS_TOKEN": shopifytest.Token,
	})
	s := &textServer{h: h, backend: backend, alice: keyActor(t, aliceSecret)}
	s.order = h.addOrder("o1", "alice", 2_000, nil)
	h.addOrder("o2", "bob", 3_000, nil)
	if r := h.claim(s.alice, "o1"); r.status != http.StatusOK {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, s.alice.addr, 500, "tx-pending", nil, nil))
	if _, err := h.e.SetExchangeRate(context.Background(), "USD", 10_000_000); err != nil {
		t.Fatal(err)
	}
	// The admin's staff user is the installer, who holds every role, so
	// that the admin's actions get past their role checks too.
	if _, err := h.e.Install(context.Background(), textShop, "1"); err != nil {
		t.Fatal(err)
	}
	s.nonce.Store(h.hot.nonce + 1000)
	s.admin = h.login(h.super, "super_admin")
	s.session = admin.AppSessions{Key: admin.AppSessionKey(textAdminSecret), TTL: 24 * time.Hour, Now: h.clock.Now}.
		Mint(admin.Staff{Shop: textShop, User: "1"})

	seen := map[string]bool{}
	for _, r := range h.app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if r.Method == http.MethodHead || seen[key] {
			continue
		}
		seen[key] = true
		s.routes = append(s.routes, s.probesOf(r.Method, r.Path))
	}
	slices.SortFunc(s.routes, func(a, b routeProbes) int { return strings.Compare(a.route, b.route) })
	return s
}

// probesOf lists where text can go in a request to route.
func (s *textServer) probesOf(method, path string) routeProbes {
	rp := routeProbes{route: method + " " + path}
	params := routeParams(path)
	for _, name := range params {
		rp.probes = append(rp.probes, probe{"path parameter " + name, func(text string) *rawRequest {
			return s.request(method, path, map[string]string{name: text}, nil, nil)
		}})
	}
	if method == http.MethodGet {
		for _, q := range queryNames(path) {
			rp.probes = append(rp.probes, probe{"query " + q, func(text string) *rawRequest {
				return s.request(method, path, nil, url.Values{q: {text}}, nil)
			}})
		}
	} else {
		rp.probes = append(rp.probes,
			probe{"JSON body", func(text string) *rawRequest {
				return s.request(method, path, nil, nil, &body{"application/json", jsonBody(text)})
			}},
			probe{"JSON array body", func(text string) *rawRequest {
				return s.request(method, path, nil, nil, &body{"application/json", "[" + jsonBody(text) + "]"})
			}},
			probe{"form", func(text string) *rawRequest {
				return s.request(method, path, nil, nil, &body{"application/x-www-form-urlencoded", formBody(text)})
			}})
	}
	switch {
	case path == "/auth":
		rp.probes = append(rp.probes, probe{"tpg_auth_token", s.header(method, path, "tpg_auth_token")})
	case strings.HasPrefix(path, "/api/"):
		rp.probes = append(rp.probes, probe{"tpg_access_token", s.header(method, path, "tpg_access_token")})
	case path == "/order/claim":
		rp.probes = append(rp.probes, probe{"signed order_id", func(text string) *rawRequest {
			m, err := tari.SignMemo(rand.Reader, s.alice.key, s.alice.addr, text)
			if err != nil {
				panic(err)
			}
			b, _ := m.MarshalJSON()
			return s.request(method, path, nil, nil, &body{"application/json", string(b)})
		}})
	case strings.HasPrefix(path, "/wallet/") && method == http.MethodPost:
		rp.reportsEvent = path == "/wallet/incoming_payment"
		for _, field := range []string{"memo", "order_id", "txid"} {
			rp.probes = append(rp.probes, probe{"signed " + field, func(text string) *rawRequest {
				return s.request(method, path, nil, nil, &body{"application/json", string(s.walletBody(path, field, text))})
			}})
		}
	case strings.HasPrefix(path, "/shopify/webhook/"):
		rp.reportsEvent = path == "/shopify/webhook/checkout_create"
		for _, field := range webhookFields {
			rp.probes = append(rp.probes, probe{"signed " + field, func(text string) *rawRequest {
				return s.webhook(path, field, text, "")
			}})
		}
		for _, hd := range []string{"X-Shopify-Event-Id", "X-Shopify-Webhook-Id", "X-Shopify-Shop-Domain", "X-Shopify-Topic"} {
			rp.probes = append(rp.probes, probe{hd, func(text string) *rawRequest {
				if strings.ContainsAny(text, "\r\n") {
					return nil
				}
				return s.webhook(path, "", text, hd)
			}})
		}
	}
	if len(rp.probes) == 0 { // GET /health and friends: a query they ignore
		rp.probes = append(rp.probes, probe{"query x", func(text string) *rawRequest {
			return s.request(method, path, nil, url.Values{"x": {text}}, nil)
		}})
	}
	return rp
}

type body struct{ contentType, data string }

// request builds a request to route with the given path parameters (the
// others get a fixture's value), query and body, and the credentials the
// route needs.
func (s *textServer) request(method, route string, params map[string]string, query url.Values, b *body) *rawRequest {
	segs := strings.Split(route, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			name = strings.TrimSuffix(name, "?")
			v, given := params[name]
			if !given {
				v = s.param(route, name)
			}
			segs[i] = url.PathEscape(v)
		}
	}
	req := &rawRequest{method: method, target: strings.Join(segs, "/")}
	if len(query) > 0 {
		req.target += "?" + query.Encode()
	}
	switch {
	case strings.HasPrefix(route, "/api/"):
		req.header = append(req.header, [2]string{"tpg_access_token", s.admin})
	case strings.HasPrefix(route, "/admin") && !strings.HasPrefix(route, "/admin/assets") && route != "/admin/bounce":
		req.header = append(req.header, [2]string{admin.SessionHeader, s.session}, [2]string{"HX-Request", "true"})
	case strings.HasPrefix(route, "/wallet/"):
		req.header = append(req.header, [2]string{"X-Forwarded-For", hotIP})
	}
	if b != nil {
		req.header = append(req.header, [2]string{"Content-Type", b.contentType})
		req.body = []byte(b.data)
		if strings.HasPrefix(route, "/shopify/") {
			req.header = append(req.header, [2]string{"X-Shopify-Hmac-Sha256", shopify.Sign(req.body, textHMAC)})
		}
	}
	return req
}

// header is a probe that puts text in one header of a request to route.
func (s *textServer) header(method, route, name string) func(string) *rawRequest {
	return func(text string) *rawRequest {
		if strings.ContainsAny(text, "\r\n") {
			return nil
		}
		req := s.request(method, route, nil, nil, nil)
		req.header = slices.DeleteFunc(req.header, func(h [2]string) bool { return h[0] == name })
		req.header = append(req.header, [2]string{name, text})
		return req
	}
}

// param is a fixture's value for a path parameter of route.
func (s *textServer) param(route, name string) string {
	switch name {
	case "id":
		switch {
		case strings.Contains(route, "/customer"):
			return "alice"
		case strings.HasPrefix(route, "/admin/webhooks"):
			return "1"
		}
		return s.order.OrderID
	case "order_id":
		return s.order.OrderID
	case "customer_id":
		return "alice"
	case "address":
		return s.alice.base58()
	case "currency":
		return "USD"
	case "token":
		return s.order.ClaimToken
	case "mac":
		return pay.LinkMAC([]byte(textLinkSecret), s.order.OrderID)
	case "resource":
		return "orders"
	case "event":
		return "create"
	case "name":
		return "admin.css"
	}
	return "1"
}

func routeParams(route string) []string {
	var out []string
	for _, seg := range strings.Split(route, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			out = append(out, strings.TrimSuffix(name, "?"))
		}
	}
	return out
}

// queryNames are the query parameters a GET route reads.
func queryNames(route string) []string {
	switch {
	case route == "/api/search/orders":
		return []string{"memo", "order_id", "alt_id", "customer_id", "currency", "since", "until", "status"}
	case route == "/api/customer_ids", route == "/api/addresses":
		return []string{"offset", "count"}
	case strings.HasPrefix(route, "/admin"):
		return []string{"id", "memo", "customer", "status", "since", "until", "page", "address", "shop", "host", "id_token", "embedded"}
	case strings.HasPrefix(route, "/pay/"):
		return []string{"shown"}
	}
	return nil
}

// jsonBody is every string member an /api body has, holding text (its
// bytes kept as they are, invalid UTF-8 included), and valid numbers.
func jsonBody(text string) string {
	t := jsonString(text)
	return `{"customer_id":` + t + `,"order_id":` + t + `,"reason":` + t + `,"new_memo":` + t + `,"new_customer_id":` + t +
		`,"currency":` + t + `,"address":` + t + `,"ip_address":` + t + `,"apply":[` + t + `],"revoke":[` + t + `]` +
		`,"amount":5,"new_price":5,"rate":5,"initial_nonce":1}`
}

// formBody is every field an admin or pay form has, holding text, and the
// confirmation that makes an admin form act.
func formBody(text string) string {
	v := url.Values{"confirm": {"yes"}}
	for _, name := range []string{"address", "amount", "currency", "customer", "ip", "memo", "op", "price", "rate", "reason", "role", "signature"} {
		v.Set(name, text)
	}
	return v.Encode()
}

// jsonString writes s as a JSON string, escaping only what JSON requires,
// so that bytes that are not UTF-8 reach the server as they are.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// walletBody signs a hot-wallet notification for path with text in field
// (and fixtures elsewhere).
func (s *textServer) walletBody(path, field, text string) []byte {
	a := tariwire.WalletAuth{Address: s.h.hot.addr, Nonce: s.nonce.Add(1)}
	txid := fmt.Sprintf("tx-text-%d", s.seq.Add(1))
	if field == "txid" {
		txid = text
	}
	var err error
	var b []byte
	switch path {
	case "/wallet/incoming_payment":
		memo, orderID := "order o2", "o2"
		switch field {
		case "memo":
			memo = text
		case "order_id":
			orderID = text
		}
		p := tariwire.Payment{Sender: s.alice.addr, Amount: 700, TxID: txid, Memo: &memo, OrderID: &orderID}
		if a.Signature, err = tari.SignWallet(rand.Reader, s.h.hot.key, a.Address, a.Nonce, p.Payload()); err == nil {
			b, err = tariwire.PaymentNotification{Payment: p, Auth: a}.MarshalJSON()
		}
	case "/wallet/tx_cancelled":
		if a.Signature, err = tari.SignCancellation(rand.Reader, s.h.hot.key, a.Address, a.Nonce, tariwire.ConfirmationPayload(txid)); err == nil {
			b, err = tariwire.CancellationNotification{TxID: txid, Auth: a}.MarshalJSON()
		}
	default:
		if a.Signature, err = tari.SignWallet(rand.Reader, s.h.hot.key, a.Address, a.Nonce, tariwire.ConfirmationPayload(txid)); err == nil {
			b, err = tariwire.ConfirmationNotification{TxID: txid, Auth: a}.MarshalJSON()
		}
	}
	if err != nil {
		panic(err)
	}
	return b
}

// webhookFields are where a signed webhook body carries text: an order's
// identifiers and free text, and the shop and customer of a compliance or
// uninstall body.
var webhookFields = []string{"note", "name", "currency", "note_attribute", "gateway", "financial_status",
	"shop_domain", "myshopify_domain", "transaction_currency"}

// webhook signs a delivery to path with text in field, or in the header hd.
func (s *textServer) webhook(path, field, text, hd string) *rawRequest {
	n := s.seq.Add(1)
	v := map[string]string{"note": "order o1", "name": fmt.Sprintf("#%d", n), "currency": "USD", "note_attribute": "x",
		"gateway": "Tari", "financial_status": "pending", "shop_domain": textShop, "myshopify_domain": textShop, "transaction_currency": "USD"}
	if field != "" {
		v[field] = text
	}
	j := func(k string) string { return jsonString(v[k]) }
	var data string
	switch {
	case strings.Contains(path, "customers/") || strings.Contains(path, "shop/redact"):
		data = `{"shop_id":1,"shop_domain":` + j("shop_domain") + `,"customer":{"id":7221372846292},"orders_to_redact":[],"orders_requested":[]}`
	case strings.Contains(path, "app/uninstalled"):
		data = `{"id":1,"myshopify_domain":` + j("myshopify_domain") + `}`
	case strings.Contains(path, "transaction"):
		data = fmt.Sprintf(`{"id":%d,"order_id":%d,"kind":"authorization","status":"success","amount":"1.00","currency":%s}`, 8_000_000+n, 9_000_000+n, j("transaction_currency"))
	case strings.Contains(path, "product"):
		data = fmt.Sprintf(`{"id":%d,"title":%s,"variants":[{"id":1,"price":"1.00"}]}`, 7_000_000+n, j("note"))
	default:
		data = fmt.Sprintf(`{"id":%d,"name":%s,"created_at":"2024-03-10T15:00:00Z","currency":%s,"total_price":"1.00",`+
			`"financial_status":%s,"payment_gateway_names":[%s],"note":%s,"note_attributes":[{"name":"memo","value":%s}],`+
			`"customer":{"id":%d}}`, 9_000_000+n, j("name"), j("currency"), j("financial_status"), j("gateway"), j("note"), j("note_attribute"), 5_000_000+n)
	}
	req := s.request(http.MethodPost, path, nil, nil, &body{"application/json", data})
	req.header = append(req.header, [2]string{"X-Shopify-Event-Id", fmt.Sprintf("text-%d", n)})
	if hd != "" {
		req.header = slices.DeleteFunc(req.header, func(h [2]string) bool { return h[0] == hd })
		req.header = append(req.header, [2]string{hd, text})
	}
	return req
}

// processWebhooks processes the stored deliveries, then reports any left
// failing for a passing reason: a storage error, which Shopify's text must
// never cause.
func (s *textServer) processWebhooks() error {
	ctx := context.Background()
	s.h.clock.Add(2 * time.Minute)
	if err := s.h.shopify.Handler().ProcessDue(ctx); err != nil {
		return err
	}
	failures, err := s.h.shopify.WebhookFailures(ctx, 100)
	if err != nil {
		return err
	}
	for _, f := range failures {
		if !f.Final {
			return fmt.Errorf("delivery %d (%s) is failing and will be retried: %s", f.ID, f.Topic, f.LastError)
		}
	}
	return nil
}

// raw sends req over its own connection, exactly as built: the test
// controls every byte, as an attacker does.
func (h *harness) raw(req *rawRequest) (int, string, error) {
	conn, err := net.DialTimeout("tcp", h.addr, 10*time.Second)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		return 0, "", err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", req.method, req.target, h.addr)
	for _, kv := range req.header {
		fmt.Fprintf(&b, "%s: %s\r\n", kv[0], kv[1])
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(req.body))
	b.Write(req.body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}
