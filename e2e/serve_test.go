package e2e

import (
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taripay/app/shopify"
	"taripay/engine/tari"
	"taripay/internal/servetest"
	"taripay/internal/tariwire"
	"taripay/internal/walletclient"
)

// TestServeFromEmptyDirectory starts `taripay serve` in an empty directory
// with only TPG_SUPER_ADMIN and the Shopify webhook secret set (and a free
// port): the super admin logs in, registers a hot wallet and sets the USD
// rate, Shopify's orders/create arrives as Shopify sends it, and the hot
// wallet's signed notifications pay the claimed order, all over real HTTP
// on loopback.
func TestServeFromEmptyDirectory(t *testing.T) {
	const secret, orderID = "e2e-webhook-secret", "5796499259604" // orders_create.json: 23.90 USD
	dir := t.TempDir()
	super, customer, hot := newKey(t), newKey(t), newKey(t)
	srv := servetest.Serve(t, dir, "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_SHOPIFY_HMAC_SECRET="+secret)
	base := srv.Base

	// The super admin logs in, authorises the hot wallet at 127.0.0.1 and
	// sets the USD rate.
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/wallets", fmt.Sprintf(`{"address":%q,"ip_address":"127.0.0.1"}`, hot.addr.Base58()), nil, 200,
		"tpg_access_token", token)
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":100000000}`, nil, 200, "tpg_access_token", token)

	// The storefront's order: 23.90 USD is 2,390 XTR.
	shopifyOrder, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	deliverOrder(t, base, secret, shopifyOrder)
	waitForOrder(t, base, token, orderID, srv.Log)

	claim, err := tari.SignMemo(rand.Reader, customer.key, customer.addr, orderID)
	if err != nil {
		t.Fatal(err)
	}
	claimBody, _ := claim.MarshalJSON()
	post(t, base+"/order/claim", string(claimBody), []string{`"status":"New"`}, 200)

	hotWallet := walletclient.Wallet{Key: hot.key, Address: hot.addr}
	for nonce, n := range []walletclient.Notice{
		walletclient.Payment(tariwire.Payment{Sender: customer.addr, Amount: 2_500_000_000, TxID: "tx-1001"}),
		walletclient.Confirmation("tx-1001"),
	} {
		body, err := n.Body(hotWallet, int64(nonce+1))
		if err != nil {
			t.Fatal(err)
		}
		post(t, base+n.Path, string(body), []string{`"success":true`}, 200)
	}

	order := get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token)
	if !strings.Contains(order, `"status":"Paid"`) {
		t.Errorf("order after payment: %s", order)
	}
	if !strings.Contains(srv.Log.String(), "TPG_JWT_SIGNING_KEY is unset: made a JWT signing key") {
		t.Errorf("no warning about the generated JWT key in:\n%s", srv.Log.String())
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, srv.Log.String())
	}
}

type key struct {
	key  tari.SecretKey
	addr tari.Address
}

func newKey(t *testing.T) key {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key{k, tari.NewAddress(tari.MainNet, k.Public())}
}

func loginToken(t *testing.T, k key, roles ...string) string {
	tok, err := tari.SignLoginToken(rand.Reader, k.key, tari.LoginClaims{Address: k.addr, Nonce: 1, DesiredRoles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func post(t *testing.T, url, body string, want []string, status int, headers ...string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, req, want, status, headers...)
}

func get(t *testing.T, url string, headers ...string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req, nil, 200, headers...)
}

func send(t *testing.T, req *http.Request, want []string, status int, headers ...string) string {
	t.Helper()
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, res.StatusCode, b)
	}
	for _, w := range want {
		if !strings.Contains(string(b), w) {
			t.Errorf("%s %s: %s lacks %s", req.Method, req.URL, b, w)
		}
	}
	return string(b)
}

// TestServeShopifyWebhooks starts `taripay serve` with a webhook secret:
// /shopify answers only requests signed with it.
func TestServeShopifyWebhooks(t *testing.T) {
	base := servetest.Serve(t, t.TempDir(), "TPG_SHOPIFY_HMAC_SECRET=my_secret").Base

	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 200, "X-Shopify-Hmac-Sha256", shopify.Sign([]byte(`{}`), "my_secret"))
	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 401, "X-Shopify-Hmac-Sha256", shopify.Sign([]byte(`{}`), "wrong"))
	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 401)
}

// TestServeShutdownWithAnIdleClient: a client that opened a connection and
// sent nothing must not turn a SIGTERM into a failed exit. The SIGTERM goes
// once the server has accepted the connection: one still in the listen
// queue is not the server's to wait for.
func TestServeShutdownWithAnIdleClient(t *testing.T) {
	srv := servetest.Serve(t, t.TempDir())
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.Base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	servetest.WaitAccepted(t, conn)
	if err := srv.Stop(); err != nil {
		t.Fatalf("exit after SIGTERM with an idle client connected: %v\n%s", err, srv.Log)
	}
	if !strings.Contains(srv.Log.String(), "connections still open after the grace period") {
		t.Errorf("no warning about the connection closed at shutdown in:\n%s", srv.Log)
	}
}

// TestServeStartLog: the start log names the URL to open and the database,
// and each optional part, with the variables that turn on those that are
// off; with the admin's and Shopify's settings they are on.
func TestServeStartLog(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"bare", nil, []string{
			`database=sqlite://data/taripay.db`,
			`msg="embedded admin: off" turn_on_with="TPG_SHOPIFY_API_KEY and TPG_SHOPIFY_API_SECRET"`,
			`msg="Shopify webhooks: off" turn_on_with="TPG_SHOPIFY_HMAC_SECRET (or TPG_SHOPIFY_API_SECRET)"`,
			`msg="Shopify side effects (mark paid, cancel, prices): off" turn_on_with="TPG_SHOPIFY_SHOP with TPG_SHOPIFY_ADMIN_ACCESS_TOKEN`,
			`msg="pay pages: on" at="http://127.0.0.1:PORT/pay/{claim token}"`,
			`msg="pay links in order emails: off" turn_on_with=TPG_CLAIM_LINK_SECRET`,
			`Set TPG_PAYMENT_WALLET_ADDRESS to the shop's Tari address`,
		}},
		{"shopify", []string{"TPG_SHOPIFY_API_KEY=key", "TPG_SHOPIFY_API_SECRET=secret", "TPG_SHOPIFY_SHOP=demo.myshopify.com",
			"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN=shpat_x", "TPG_CLAIM_LINK_SECRET=links",
			"TPG_DATABASE_URL=sqlite://store/shop.db"}, []string{
			`database=sqlite://store/shop.db`,
			`msg="embedded admin: on" at="http://127.0.0.1:PORT/admin`,
			`msg="Shopify webhooks: on"`,
			`msg="Shopify side effects (mark paid, cancel, prices): on" at="the Admin API of demo.myshopify.com"`,
			`msg="pay links in order emails: on"`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := servetest.Serve(t, t.TempDir(), tc.env...)
			log := srv.Log.String()
			port := strings.TrimPrefix(srv.Base, "http://127.0.0.1:")
			want := append([]string{`msg="taripay serving: open ` + srv.Base + `/" url=` + srv.Base + `/`}, tc.want...)
			for _, w := range want {
				w = strings.ReplaceAll(w, "PORT", port)
				if !strings.Contains(log, w) {
					t.Errorf("start log lacks %s:\n%s", w, log)
				}
			}
			if strings.Contains(log, "shpat_x") {
				t.Errorf("start log shows a secret:\n%s", log)
			}
		})
	}
}

// TestServeKeepsItsJWTKey: without TPG_JWT_SIGNING_KEY the first start
// makes a key and stores it in the data directory, readable by its owner
// only; the next start reuses it, so a token issued before the restart
// still works. Nothing is left in TMPDIR.
func TestServeKeepsItsJWTKey(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	super := newKey(t)
	env := []string{"TPG_SUPER_ADMIN=" + super.addr.Base58(), "TMPDIR=" + tmp}
	srv := servetest.Serve(t, dir, env...)
	token := post(t, srv.Base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	get(t, srv.Base+"/api/check_token", "tpg_access_token", token)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "data", "jwt-signing-key.json")
	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("no key file in the data directory: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	first, _ := os.ReadFile(keyFile)

	srv = servetest.Serve(t, dir, env...)
	get(t, srv.Base+"/api/check_token", "tpg_access_token", token)
	if !strings.Contains(srv.Log.String(), "using the stored JWT signing key") {
		t.Errorf("the second start did not say it reused the key:\n%s", srv.Log)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(keyFile); string(again) != string(first) {
		t.Error("the key file changed on the second start")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}
