package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"taripay/app/pay"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/browsertest"
	"taripay/internal/qrtest"
	"taripay/internal/servetest"
)

// payServer is a real `taripay serve` subprocess over a fresh SQLite file,
// seeded with a hot wallet and orders.
type payServer struct {
	url       string
	hotSecret string
	orders    map[string]engine.Order // by order id
}

const e2ePrice = 2_400_500_000 // µT

func testKey(t *testing.T, seed byte) (tari.SecretKey, tari.Address) {
	t.Helper()
	k, err := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return k, tari.NewAddress(tari.MainNet, k.Public())
}

// seedOrder is an order written before the server starts: Age sets how long
// ago taripay recorded it, and Cancel cancels it.
type seedOrder struct {
	ID     string
	Age    time.Duration
	Cancel bool
}

// pastClock is the engine's clock shifted into the past.
type pastClock time.Duration

func (c pastClock) Now() time.Time { return time.Now().Add(-time.Duration(c)) }

// startPayServer seeds the database through the engine, then runs the
// server on it. The orders are written before the server starts, so the
// two processes never write at once.
func startPayServer(t *testing.T, orders ...seedOrder) *payServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "taripay.db")
	hotKey, hot := testKey(t, 21)

	database, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	cfg := engine.Config{StrictMode: true, UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}
	eng := engine.New(cfg, database, engine.SystemClock{})
	if err := eng.AuthorizeWallet(ctx, engine.Wallet{Address: hot.Base58(), IPAddress: "127.0.0.1"}); err != nil {
		database.Close()
		t.Fatalf("authorise hot wallet: %v", err)
	}
	s := &payServer{hotSecret: hotKey.Hex(), orders: map[string]engine.Order{}}
	for _, so := range orders {
		name := "#" + strings.TrimPrefix(so.ID, "e2e-")
		o, err := engine.New(cfg, database, pastClock(so.Age)).AddOrder(ctx, engine.NewOrder{
			OrderID: so.ID, AltID: &name, CustomerID: "cust-" + so.ID, TotalPrice: e2ePrice,
			OriginalPrice: ptr("190.04"), Currency: "USD", CreatedAt: time.Now(), ExchangeRate: 12_631_578,
		})
		if err != nil {
			t.Fatalf("add order %s: %v", so.ID, err)
		}
		if o.ClaimToken == "" {
			t.Fatalf("order %s has no claim token", so.ID)
		}
		if so.Cancel {
			if o, err = eng.Cancel(ctx, so.ID, "e2e"); err != nil {
				t.Fatalf("cancel %s: %v", so.ID, err)
			}
		}
		s.orders[so.ID] = o
	}
	if err := database.Close(); err != nil {
		t.Fatal(err)
	}

	s.url = servetest.Serve(t, dir,
		"TPG_HOST=127.0.0.1", "TPG_DATABASE_URL="+dbURL,
		"TPG_PAYMENT_WALLET_ADDRESS="+hot.Base58(), "TPG_CLAIM_LINK_SECRET=e2e-secret",
		"TPG_UNCLAIMED_ORDER_TIMEOUT=2", "TPG_UNPAID_ORDER_TIMEOUT=48",
	).Base
	return s
}

func ptr(s string) *string { return &s }

// run runs the taripay binary with extra environment and returns stdout.
func (s *payServer) run(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(servetest.Binary(), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("taripay %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// pay sends the order's price from sender with the hot-wallet notifier CLI.
func (s *payServer) pay(t *testing.T, txid string, sender tari.Address, memo string) {
	t.Helper()
	env := []string{"TPG_WALLET_SECRET_KEY=" + s.hotSecret, "TPG_SERVER_URL=" + s.url}
	s.run(t, env, "wallet", "received", "--txid", txid, "--amount", fmt.Sprint(e2ePrice), "--sender", sender.Base58(), "--memo", memo)
	s.run(t, env, "wallet", "confirmed", "--txid", txid)
}

func (s *payServer) status(t *testing.T, token string) string {
	t.Helper()
	resp, err := http.Get(s.url + "/pay/" + token + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	const attr = `data-status="`
	i := bytes.Index(b, []byte(attr))
	if i < 0 {
		t.Fatalf("no status in %s", b)
	}
	rest := b[i+len(attr):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Acceptance 1 and 4: the pay page in real headless Chromium at 360×740,
// from a fresh order to Paid without a reload.
func TestPayPageInBrowser(t *testing.T) {
	// The browser's time limit starts once the server runs: building the
	// binary under a loaded CI machine can take minutes of its own.
	s := startPayServer(t, seedOrder{ID: "e2e-1001"})
	o := s.orders["e2e-1001"]
	ctx, cancel := context.WithTimeout(browsertest.New(t, 360, 740), 2*time.Minute)
	defer cancel()
	_, hot := testKey(t, 21)

	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(s.url+"/pay/"+o.ClaimToken),
		chromedp.WaitVisible(`[data-testid="amount"]`),
	); err != nil {
		t.Fatal(err)
	}
	amount := mustRun(t, ctx, chromedp.Text(`[data-testid="amount"]`))
	address := mustRun(t, ctx, chromedp.Text(`[data-testid="address"]`))
	qrSrc := mustRun(t, ctx, chromedp.AttributeValue(`[data-testid="qr"]`, "src")).Value
	if amount != "2,400.5 XTR" || address != hot.Base58() {
		t.Errorf("amount %q, address %q; want 2,400.5 XTR and %s", amount, address, hot.Base58())
	}

	// Mobile and accessibility.
	type a11yReport struct {
		Lang          string
		ScrollWidth   int
		ClientWidth   int
		InnerWidth    int
		ImagesNoAlt   int
		Unlabelled    []string
		StatusPolling bool
	}
	a11y := mustRun(t, ctx, chromedp.Evaluate[a11yReport](`({
		Lang: document.documentElement.lang,
		ScrollWidth: document.documentElement.scrollWidth,
		ClientWidth: document.documentElement.clientWidth,
		InnerWidth: window.innerWidth,
		ImagesNoAlt: [...document.images].filter(i => !i.alt.trim()).length,
		Unlabelled: [...document.querySelectorAll("input:not([type=hidden]), textarea, select")].filter(e => e.labels.length === 0).map(e => e.name),
		StatusPolling: !!document.querySelector("#status-poll[hx-get]"),
	})`))
	screenshot(t, ctx, "pay-unclaimed-360.png")
	if a11y.Lang == "" || a11y.InnerWidth != 360 || a11y.ScrollWidth > a11y.ClientWidth || a11y.ImagesNoAlt != 0 || len(a11y.Unlabelled) != 0 || !a11y.StatusPolling {
		t.Errorf("mobile/accessibility: %+v", a11y)
	}

	// The QR code carries the payment link.
	resp, err := http.Get(s.url + qrSrc)
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "tari://mainnet/transactions/send?tariAddress=" + hot.Base58() + "&amount=2400500000&note=order%20e2e-1001"
	if got := qrtest.Decode(t, png); got != want {
		t.Errorf("QR = %q, want %q", got, want)
	}

	// Claim with a signature from `taripay claim`.
	custKey, cust := testKey(t, 22)
	var claim struct{ Address, Signature string }
	out := s.run(t, []string{"TPG_SECRET_KEY=" + custKey.Hex()}, "claim", "--order", o.OrderID)
	if err := json.Unmarshal([]byte(out), &claim); err != nil {
		t.Fatalf("taripay claim output %q: %v", out, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`[data-testid="claim-details"] > summary`), // the claim form is folded away
		chromedp.SendKeys(`#claim-address`, claim.Address),
		chromedp.SendKeys(`#claim-signature`, claim.Signature),
		chromedp.Click(`[data-testid="claim-submit"]`),
		chromedp.WaitVisible(`[data-status="New"]`),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "pay-claimed-360.png")

	// The hot wallet reports the payment; htmx swaps in Paid.
	s.pay(t, "tx-e2e-1001", cust, "order e2e-1001")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`[data-status="Paid"]`), chromedp.WaitVisible(`[data-testid="closed-reason"]`)); err != nil {
		t.Fatal(err)
	}
	notReloaded := mustRun(t, ctx, chromedp.Evaluate[bool](`window.notReloaded === true && !document.querySelector("[data-testid=qr]")`))
	screenshot(t, ctx, "pay-paid-360.png")
	if !notReloaded {
		t.Error("the page reloaded, or still offers payment, once paid")
	}
}

// Acceptance 3: only the taripay CLI pays an order on a live server: the
// customer's `taripay claim --server`, then the wallet's notify script.
func TestCLIPaysOrderEndToEnd(t *testing.T) {
	s := startPayServer(t, seedOrder{ID: "e2e-2002"})
	o := s.orders["e2e-2002"]
	custKey, cust := testKey(t, 23)
	s.run(t, []string{"TPG_SECRET_KEY=" + custKey.Hex()}, "claim", "--order", o.OrderID, "--server", s.url)
	if got := s.status(t, o.ClaimToken); got != "New" {
		t.Fatalf("after the claim: %s, want New", got)
	}

	// The hot wallet's notify hook runs the script from `taripay wallet
	// notify-script` with the console wallet's 13 arguments.
	dir := t.TempDir()
	script := filepath.Join(dir, "notify.sh")
	if err := os.WriteFile(script, []byte(s.run(t, nil, "wallet", "notify-script", "--taripay", servetest.Binary())), 0o700); err != nil {
		t.Fatal(err)
	}
	_, hot := testKey(t, 21)
	hook := func(event, confirmations string) {
		cmd := exec.Command(script, event, walletAmount(e2ePrice), "2002", "order e2e-2002", "None", cust.Base58(), hot.Base58(),
			"Mined Unconfirmed", "00", "00", "00", confirmations, "Inbound")
		cmd.Env = append(os.Environ(), "TPG_WALLET_SECRET_KEY="+s.hotSecret, "TPG_SERVER_URL="+s.url, "TPG_NOTIFY_LOG="+filepath.Join(dir, "notify.log"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("notify %s: %v\n%s", event, err, out)
		}
	}
	hook("received", "")
	if got := s.status(t, o.ClaimToken); got != "New" {
		t.Errorf("after the payment was received: %s, want New (only confirmed funds pay)", got)
	}
	hook("confirmation", "1")
	if got := s.status(t, o.ClaimToken); got != "New" {
		t.Errorf("one block deep: %s, want New (not final yet)", got)
	}
	hook("mined", "3")
	if got := s.status(t, o.ClaimToken); got != "Paid" {
		t.Errorf("once mined: %s, want Paid", got)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "notify.log"))
	if n := strings.Count(string(log), "exit=0"); n != 3 {
		t.Errorf("notify log has %d successful events, want 3 (received, confirmation, mined):\n%s", n, log)
	}
}

// Acceptance 2: bad claims on the live server each get a clear message and
// change nothing.
func TestBadClaimsAgainstLiveServer(t *testing.T) {
	s := startPayServer(t,
		seedOrder{ID: "e2e-3001"},
		seedOrder{ID: "e2e-3002"},
		seedOrder{ID: "e2e-3003", Cancel: true},
		seedOrder{ID: "e2e-3004", Age: 3 * time.Hour},
	)
	custKey, cust := testKey(t, 24)
	signed := func(orderID string) tari.MemoSignature {
		m, err := tari.SignMemo(rand.Reader, custKey, cust, orderID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	good := signed("e2e-3001")
	forged := []byte(good.Signature.Hex())
	// Change one hex digit of s (its low byte): still well-formed, no longer valid.
	if forged[64] == '0' {
		forged[64] = '1'
	} else {
		forged[64] = '0'
	}
	token := func(id string) string { return s.orders[id].ClaimToken }
	for _, tc := range []struct {
		name, token, orderID string // orderID: whose status must not change
		address, signature   string
		status               int
		message              string
	}{
		{"unknown token", "AAAAAAAAAAAAAAAAAAAAAAAA", "e2e-3001", cust.Base58(), good.Signature.Hex(), 404, "Payment link not found"},
		{"forged signature", token("e2e-3001"), "e2e-3001", cust.Base58(), string(forged), 400, "signature is not valid"},
		{"token of another order", token("e2e-3002"), "e2e-3002", cust.Base58(), good.Signature.Hex(), 400, "signature is not valid"},
		{"cancelled order", token("e2e-3003"), "e2e-3003", cust.Base58(), signed("e2e-3003").Signature.Hex(), 409, "cancelled"},
		{"expired order", token("e2e-3004"), "e2e-3004", cust.Base58(), signed("e2e-3004").Signature.Hex(), 409, "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.status(t, s.orders[tc.orderID].ClaimToken)
			resp, err := http.PostForm(s.url+"/pay/"+tc.token+"/claim", url.Values{"address": {tc.address}, "signature": {tc.signature}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.message) {
				t.Errorf("status %d, want %d with %q:\n%s", resp.StatusCode, tc.status, tc.message, body)
			}
			if after := s.status(t, s.orders[tc.orderID].ClaimToken); after != before {
				t.Errorf("order %s went from %s to %s", tc.orderID, before, after)
			}
		})
	}

	// The order email's link finds the order's page.
	resp, err := noRedirect.Get(s.url + "/pay/order/e2e-3001/" + pay.LinkMAC([]byte("e2e-secret"), "e2e-3001"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/pay/"+token("e2e-3001") {
		t.Errorf("email link: status %d, location %q", resp.StatusCode, loc)
	}

	// A claim accepted for one order and then replayed against another.
	replay := signed("e2e-3001")
	form := url.Values{"address": {cust.Base58()}, "signature": {replay.Signature.Hex()}}
	if resp, err := noRedirect.PostForm(s.url+"/pay/"+token("e2e-3001")+"/claim", form); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid claim: %v %v", resp, err)
	}
	resp, err = http.PostForm(s.url+"/pay/"+token("e2e-3002")+"/claim", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || s.status(t, token("e2e-3002")) != "Unclaimed" || s.status(t, token("e2e-3001")) != "New" {
		t.Errorf("replay: status %d; orders %s and %s", resp.StatusCode, s.status(t, token("e2e-3001")), s.status(t, token("e2e-3002")))
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// docs/design.md, "There is no fallback payment address": `taripay serve`
// with default settings has no payment address
// (TPG_PAYMENT_WALLET_ADDRESS unset, no hot wallet). It starts and says so
// in one log line; pay pages (and the email link) say the shop is not ready,
// with no address and no QR code; POST /order/claim is a 503 that changes
// nothing. Once the one hot wallet is authorised, customers are sent to it.
func TestServeWithoutPaymentAddress(t *testing.T) {
	const hmacSecret, orderID = "e2e-webhook-secret", "5796499259604" // orders_create.json: 23.90 USD
	dir := t.TempDir()
	super, customer, hot := newKey(t), newKey(t), newKey(t)
	srv := servetest.Serve(t, dir, "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_CLAIM_LINK_SECRET=e2e-secret", "TPG_SHOPIFY_HMAC_SECRET="+hmacSecret)
	base := srv.Base

	var warning string
	for line := range strings.Lines(srv.Log.String()) {
		if strings.Contains(line, "customers cannot pay yet") {
			warning = line
		}
	}
	if !strings.Contains(warning, "TPG_PAYMENT_WALLET_ADDRESS is not set") || !strings.Contains(warning, "Set TPG_PAYMENT_WALLET_ADDRESS") ||
		!strings.Contains(warning, "authorise exactly one hot wallet") {
		t.Errorf("no start-up line naming the missing setting and its fix in:\n%s", srv.Log)
	}

	// Shopify's order arrives; its email link leads to its pay page.
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":100000000}`, nil, 200, "tpg_access_token", token)
	shopifyOrder, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	deliverOrder(t, base, hmacSecret, shopifyOrder)
	waitForOrder(t, base, token, orderID, srv.Log)
	emailLink := "/pay/order/" + orderID + "/" + pay.LinkMAC([]byte("e2e-secret"), orderID)
	res, err := noRedirect.Get(base + emailLink)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	payPage := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(payPage, "/pay/") {
		t.Fatalf("email link: %d to %q", res.StatusCode, payPage)
	}

	page := func(path string) *goquery.Document {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		d, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
		}
		return d
	}
	testid := func(d *goquery.Document, id string) *goquery.Selection { return d.Find(`[data-testid="` + id + `"]`) }
	for _, path := range []string{payPage, emailLink} {
		d := page(path)
		if got := testid(d, "closed-reason").Text(); !strings.HasPrefix(got, "This shop is not ready to take Tari yet") {
			t.Errorf("%s: closed reason %q", path, got)
		}
		if html, _ := d.Html(); testid(d, "address").Length() != 0 || testid(d, "qr").Length() != 0 || strings.Contains(html, "tari://") {
			t.Errorf("%s: an address or QR code without a payment address:\n%s", path, html)
		}
	}
	res, err = http.Get(base + payPage + "/qr.png")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") == "image/png" {
		t.Errorf("QR code without a payment address: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	claim, err := tari.SignMemo(rand.Reader, customer.key, customer.addr, orderID)
	if err != nil {
		t.Fatal(err)
	}
	claimBody, _ := claim.MarshalJSON()
	refused := post(t, base+"/order/claim", string(claimBody), []string{`{"error":"This shop is not ready to take Tari yet.`, "TPG_PAYMENT_WALLET_ADDRESS"}, 503)
	if !json.Valid([]byte(refused)) {
		t.Errorf("503 body is not JSON: %s", refused)
	}
	if order := get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token); !strings.Contains(order, `"status":"Unclaimed"`) {
		t.Errorf("a refused claim changed the order: %s", order)
	}
	if addrs := get(t, base+"/api/addresses", "tpg_access_token", token); addrs != "[]" {
		t.Errorf("a refused claim linked an address: %s", addrs)
	}

	// The merchant authorises one hot wallet: customers are sent to it.
	post(t, base+"/api/wallets", fmt.Sprintf(`{"address":%q,"ip_address":"127.0.0.1"}`, hot.addr.Base58()), nil, 200, "tpg_access_token", token)
	d := page(payPage)
	if got := testid(d, "address").Text(); got != hot.addr.Base58() {
		t.Errorf("address on the pay page = %q, want the hot wallet %s", got, hot.addr.Base58())
	}
	qr, _ := testid(d, "qr").Attr("src")
	res, err = http.Get(base + qr)
	if err != nil {
		t.Fatal(err)
	}
	png, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := qrtest.Decode(t, png); !strings.Contains(got, "tariAddress="+hot.addr.Base58()+"&") {
		t.Errorf("QR = %q, want the hot wallet %s", got, hot.addr.Base58())
	}
	sendTo, _ := json.Marshal(hot.addr)
	post(t, base+"/order/claim", string(claimBody), []string{`"status":"New"`, `"send_to":` + string(sendTo)}, 200)
}
