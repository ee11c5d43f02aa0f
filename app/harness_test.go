package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/admin"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/app/shopify/sessiontoken"
	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// start is the fixed "now" of every test; time only moves when a test says so.
var start = time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)

// harness is the real fiber app over the real engine and a fresh database.
type harness struct {
	t     testing.TB
	app   *fiber.App
	addr  string // where app listens, on loopback
	e     *engine.Engine
	db    *db.DB
	clock *enginetest.Clock
	cfg   config.Config
	log   *bytes.Buffer
	super *actor
	hot   *actor // the registered hot wallet, at hotIP
	// storeDown, while set, fails the engine's every transaction as a
	// lost database does.
	storeDown *atomic.Bool
	// shopify is the Shopify integration, with TPG_SHOPIFY_* settings; the
	// harness does not run its workers (processWebhooks does their work).
	shopify *shopify.Service
}

// flakyStore is the engine's store in the harness: the database, unless
// down is set.
type flakyStore struct {
	*db.DB
	down *atomic.Bool
}

var errStoreDown = fmt.Errorf("%w: the test took the database away", engine.ErrUnavailable)

func (s flakyStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.DB.Update(ctx, fn)
}

func (s flakyStore) View(ctx context.Context, fn func(engine.Tx) error) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.DB.View(ctx, fn)
}

const hotIP = "192.168.1.100"

// newHarness starts a server configured by env (TPG_* overrides) on a new
// SQLite database (newHarnessOn picks the backend). With TPG_SHOPIFY_*
// settings it serves the webhooks too, and with TPG_SHOPIFY_API_KEY and
// TPG_SHOPIFY_API_SECRET the embedded admin. The hot wallet is registered at hotIP and wallet calls
// carry it in X-Forwarded-For, as the reference's e2e suite does.
func newHarness(t *testing.T, env map[string]string) *harness {
	t.Helper()
	return newHarnessOn(t, "sqlite", env)
}

// forBackends runs f as a subtest on each database backend of dbtest.
func forBackends(t *testing.T, f func(t *testing.T, backend string)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b, func(t *testing.T) { f(t, b) })
	}
}

// newHarnessOn is newHarness on the given dbtest backend.
func newHarnessOn(t testing.TB, backend string, env map[string]string) *harness {
	t.Helper()
	vars := map[string]string{"TPG_USE_X_FORWARDED_FOR": "true", "TPG_PAYMENT_WALLET_ADDRESS": sendTo}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := dbtest.Open(t, backend)
	clk := enginetest.NewClock(start)
	down := new(atomic.Bool)
	e := engine.New(cfg.Engine(), flakyStore{store, down}, clk)
	keys, err := tari.ParseJWTKeys(serverSecret, serverPublic)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	h := &harness{t: t, e: e, db: store, clock: clk, cfg: cfg, log: logs, storeDown: down}
	log := slog.New(slog.NewTextHandler(logs, nil))
	deps := Deps{Config: cfg, Engine: e, Keys: keys, Now: clk.Now, Rand: rand.Reader, Log: log,
		Pay: pay.New(e, nil, pay.ConfigFrom(cfg), clk.Now, log)}
	if cfg.ShopifyEnabled {
		shop, err := shopify.New(shopify.Deps{Config: cfg.Shopify, Engine: e, Store: store, PublicURL: cfg.PublicURL, Now: clk.Now, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		h.shopify, deps.Shopify, deps.RescanOpenOrders, deps.ExchangeRates = shop, shop.Handler(), shop.RescanOpenOrders(), shop
		if cfg.ShopifyAPIKey != "" && cfg.ShopifyAPISecret != "" {
			deps.Admin = admin.New(admin.Config{ClientID: cfg.ShopifyAPIKey, ClientSecrets: []string{cfg.ShopifyAPISecret}},
				admin.Deps{Engine: e, Rates: shop, Webhooks: shop, Shopify: shop, Now: clk.Now, Log: log})
			deps.Buyers = sessiontoken.Verifier{ClientID: cfg.ShopifyAPIKey, Secrets: []string{cfg.ShopifyAPISecret}, Now: clk.Now}
		}
	}
	h.app = New(deps)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = ln.Addr().String()
	ln = LimitConnsPerIP(ln, cfg.MaxConnsPerIP, log)
	go func() { _ = h.app.Listener(ln) }()
	t.Cleanup(func() { _ = h.app.Shutdown() })
	h.super = h.newActor()
	if err := e.UpdateRoles(ctx, h.super.base58(), []engine.Role{engine.RoleSuperAdmin}, nil); err != nil {
		t.Fatal(err)
	}
	h.hot = keyActor(t, hotSecret)
	if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: h.hot.base58(), IPAddress: hotIP}); err != nil {
		t.Fatal(err)
	}
	return h
}

// sendTo is the harness's TPG_PAYMENT_WALLET_ADDRESS: the address in the
// reference's example ClaimedOrder, which the golden files show. A test of
// the unset variable passes "" in env.
const sendTo = "143UtnSymZykCAm95xAKKKe8nowL6zif8qb1h7yHxgtD9XZ"

// Keys from tari_vectors.json: the access-token server key and the hot
// wallet of the reference's e2e suite (14z3i…).
const (
	serverSecret = "ea18b1153296a70ab6cf0c9a1c3a0ed9dfe458cacf38b80ee8cf4f6ac918b804"
	serverPublic = "36dc19141be30e9502693d2605a2118d731acc51711ea064adb2771d7209d554"
	hotSecret    = "df158b8389c68aac01a91276b742d2527f951d3c7289e4ccdecfa0672947270e"
)

// actor is a key holder: a customer, an admin or a hot wallet.
type actor struct {
	key   tari.SecretKey
	addr  tari.Address
	nonce int64
}

func (a *actor) base58() string { return a.addr.Base58() }

func (h *harness) newActor() *actor {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	return &actor{key: k, addr: tari.NewAddress(tari.MainNet, k.Public())}
}

func keyActor(t testing.TB, secret string) *actor {
	k, err := tari.ParseSecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return &actor{key: k, addr: tari.NewAddress(tari.MainNet, k.Public())}
}

// grant gives a roles in the database.
func (h *harness) grant(a *actor, roles ...engine.Role) {
	h.t.Helper()
	if err := h.e.UpdateRoles(context.Background(), a.base58(), roles, nil); err != nil {
		h.t.Fatal(err)
	}
}

// loginToken signs a login token for a with the next nonce, asking for
// user and roles, as taritools does.
func (h *harness) loginToken(a *actor, roles ...string) string {
	h.t.Helper()
	a.nonce++
	roles = append([]string{"user"}, roles...)
	tok, err := tari.SignLoginToken(rand.Reader, a.key, tari.LoginClaims{Address: a.addr, Nonce: uint64(a.nonce), DesiredRoles: roles})
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// login returns an access token for a with roles.
func (h *harness) login(a *actor, roles ...string) string {
	h.t.Helper()
	res := h.do(http.MethodPost, "/auth", nil, "tpg_auth_token", h.loginToken(a, roles...))
	if res.status != http.StatusOK {
		h.t.Fatalf("login %s %v: %d %s", a.base58(), roles, res.status, res.body)
	}
	return res.body
}

type response struct {
	status int
	body   string
	header http.Header
}

// do sends a request through the real fiber app. body is sent as JSON
// unless it is a string or []byte; headers are name/value pairs, a name
// given twice sending two lines.
func (h *harness) do(method, path string, body any, headers ...string) response {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(headers); i += 2 {
		if name := http.CanonicalHeaderKey(headers[i]); seen[name] {
			req.Header.Add(name, headers[i+1]) // a repeated name is another header line
		} else {
			req.Header.Set(name, headers[i+1])
			seen[name] = true
		}
	}
	if req.ContentLength > WebhookBodyLimit {
		return h.tooLarge(req)
	}
	req.RequestURI = ""
	req.URL.Scheme, req.URL.Host = "http", h.addr
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, body: string(data), header: res.Header}
}

// as sends a request with an access token.
func (h *harness) as(token, method, path string, body any) response {
	h.t.Helper()
	return h.do(method, path, body, "tpg_access_token", token)
}

// wallet notifications signed by the hot wallet, with increasing nonces.
func (h *harness) paymentBody(w *actor, sender tari.Address, amount int64, txid string, memo, orderID *string) []byte {
	h.t.Helper()
	w.nonce++
	p := tariwire.Payment{Sender: sender, Amount: amount, TxID: txid, Memo: memo, OrderID: orderID}
	sig, err := tari.SignWallet(rand.Reader, w.key, w.addr, w.nonce, p.Payload())
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := tariwire.PaymentNotification{Payment: p, Auth: tariwire.WalletAuth{Address: w.addr, Nonce: w.nonce, Signature: sig}}.MarshalJSON()
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

func (h *harness) confirmationBody(w *actor, txid string) []byte {
	h.t.Helper()
	w.nonce++
	sig, err := tari.SignWallet(rand.Reader, w.key, w.addr, w.nonce, tariwire.ConfirmationPayload(txid))
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := tariwire.ConfirmationNotification{TxID: txid, Auth: tariwire.WalletAuth{Address: w.addr, Nonce: w.nonce, Signature: sig}}.MarshalJSON()
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// cancellationBody signs a /wallet/tx_cancelled notification.
func (h *harness) cancellationBody(w *actor, txid string) []byte {
	h.t.Helper()
	w.nonce++
	sig, err := tari.SignCancellation(rand.Reader, w.key, w.addr, w.nonce, tariwire.ConfirmationPayload(txid))
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := tariwire.CancellationNotification{TxID: txid, Auth: tariwire.WalletAuth{Address: w.addr, Nonce: w.nonce, Signature: sig}}.MarshalJSON()
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// wallet posts a wallet notification from the hot wallet's IP.
func (h *harness) wallet(path string, body []byte) response {
	h.t.Helper()
	return h.do(http.MethodPost, path, body, "X-Forwarded-For", hotIP)
}

// pay sends and confirms a payment of amount µT from sender.
func (h *harness) pay(sender *actor, amount int64, txid string, memo, orderID *string) {
	h.t.Helper()
	for _, r := range []response{
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, sender.addr, amount, txid, memo, orderID)),
		h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, txid)),
	} {
		if r.status != http.StatusOK || !strings.Contains(r.body, `"success":true`) {
			h.t.Fatalf("payment %s: %d %s", txid, r.status, r.body)
		}
	}
}

// claim posts a freshly signed claim of orderID by a.
func (h *harness) claim(a *actor, orderID string) response {
	h.t.Helper()
	return h.do(http.MethodPost, "/order/claim", signedClaim(h.t, a, orderID))
}

// addOrder stores a storefront order, as the Shopify webhook would.
func (h *harness) addOrder(orderID, customerID string, price engine.MicroTari, memo *string) engine.Order {
	h.t.Helper()
	o, err := h.e.AddOrder(context.Background(), engine.NewOrder{
		OrderID: orderID, CustomerID: customerID, TotalPrice: price, Currency: "XTR", CreatedAt: h.clock.Now(), Memo: memo,
	})
	if err != nil {
		h.t.Fatalf("add order %s: %v", orderID, err)
	}
	return o
}

func ptr(s string) *string { return &s }

// decode unmarshals a JSON response body.
func decode[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}

// wantError checks an error response: its status (unless 0), a JSON body
// and its message.
func wantError(t *testing.T, r response, status int, msg string) {
	t.Helper()
	if status != 0 && r.status != status {
		t.Errorf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json (body %s)", ct, r.body)
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
		t.Errorf("body %q is not a JSON error", r.body)
	}
	if !strings.Contains(e.Error, msg) {
		t.Errorf("error %q, want it to contain %q", e.Error, msg)
	}
}

// golden compares a JSON body with testdata/golden/name.json, after
// replacing the volatile values in replace (actual → placeholder). A name
// with an extension (export_orders.csv) names the file, whose body is
// compared byte for byte.
func golden(t *testing.T, name, body string, replace ...string) {
	t.Helper()
	body = strings.NewReplacer(replace...).Replace(body)
	file, end := name+".json", "\n"
	if filepath.Ext(name) != "" {
		file, end = name, ""
	}
	path := filepath.Join("testdata", "golden", file)
	if *update {
		if err := os.WriteFile(path, []byte(body+end), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./app -update to create it)", err)
	}
	if got := body + end; got != string(want) {
		t.Errorf("%s differs from golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

// signedClaim returns a freshly signed MemoSignature body.
func signedClaim(t testing.TB, a *actor, orderID string) string {
	t.Helper()
	m, err := tari.SignMemo(rand.Reader, a.key, a.addr, orderID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.MarshalJSON()
	return string(b)
}

// processWebhooks processes the stored webhook deliveries that are due, as
// the Shopify integration's worker does, once their receiver's lease has
// lapsed.
func (h *harness) processWebhooks() {
	h.t.Helper()
	h.clock.Add(2 * time.Minute)
	if err := h.shopify.Handler().ProcessDue(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// order reads an order through the admin API.
func (h *harness) order(id string) struct {
	Status engine.OrderStatus `json:"status"`
} {
	h.t.Helper()
	r := h.as(h.login(h.super, "super_admin"), http.MethodGet, "/api/order/id/"+url.PathEscape(id), nil)
	if r.status != http.StatusOK || r.body == "null" {
		h.t.Fatalf("order %s: %d %s", id, r.status, r.body)
	}
	return decode[struct {
		Status engine.OrderStatus `json:"status"`
	}](h.t, r)
}

// tooLarge sends req's headers, which announce its whole length, and only
// the start of its body: the server must refuse it from the headers, and a
// client still writing would only see the connection reset.
func (h *harness) tooLarge(req *http.Request) response {
	h.t.Helper()
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), h.addr, req.ContentLength)
	for k, vs := range req.Header {
		head += k + ": " + vs[0] + "\r\n"
	}
	start := make([]byte, 512)
	if _, err := io.ReadFull(req.Body, start); err != nil {
		h.t.Fatal(err)
	}
	if _, err := conn.Write(append([]byte(head+"\r\n"), start...)); err != nil {
		h.t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(data), header: res.Header}
}
