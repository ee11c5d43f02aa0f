package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"taripay/app/shopify"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
)

// TestServeFromEmptyDirectory starts `taripay serve` in an empty directory
// with only TPG_SUPER_ADMIN set (and a free port): the super admin logs in,
// registers a hot wallet, and that wallet's signed notifications pay a
// claimed order, all over real HTTP on loopback.
func TestServeFromEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	super, customer, hot := newKey(t), newKey(t), newKey(t)
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)

	cmd := exec.Command(os.Args[0], "serve")
	cmd.Dir = dir
	cmd.Env = []string{
		"TARIPAY_TEST_MAIN=1",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + dir,
		"TPG_SUPER_ADMIN=" + super.addr.Base58(),
		"TPG_PORT=" + strconv.Itoa(port),
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	waitHealthy(t, base, exited, &stderr)

	// The super admin logs in and authorises the hot wallet at 127.0.0.1.
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/wallets", fmt.Sprintf(`{"address":%q,"ip_address":"127.0.0.1"}`, hot.addr.Base58()), nil, 200,
		"tpg_access_token", token)

	// The storefront's order goes straight into the server's database.
	ctx := context.Background()
	store, err := db.Open(ctx, "sqlite://"+filepath.Join(dir, "data", "taripay.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{StrictMode: true, UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}, store, wallClock{})
	if _, err := e.AddOrder(ctx, engine.NewOrder{OrderID: "1001", CustomerID: "c1", TotalPrice: 2_400_000_000, Currency: "XTR", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	claim, err := tari.SignMemo(rand.Reader, customer.key, customer.addr, "1001")
	if err != nil {
		t.Fatal(err)
	}
	claimBody, _ := claim.MarshalJSON()
	post(t, base+"/order/claim", string(claimBody), []string{`"status":"New"`}, 200)

	p := tari.Payment{Sender: customer.addr, Amount: 2_500_000_000, TxID: "tx-1001"}
	sig, err := tari.SignWallet(rand.Reader, hot.key, hot.addr, 1, p.Payload())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := tari.PaymentNotification{Payment: p, Auth: tari.WalletAuth{Address: hot.addr, Nonce: 1, Signature: sig}}.MarshalJSON()
	post(t, base+"/wallet/incoming_payment", string(body), []string{`"success":true`}, 200)
	sig, err = tari.SignWallet(rand.Reader, hot.key, hot.addr, 2, tari.ConfirmationPayload("tx-1001"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = tari.ConfirmationNotification{TxID: "tx-1001", Auth: tari.WalletAuth{Address: hot.addr, Nonce: 2, Signature: sig}}.MarshalJSON()
	post(t, base+"/wallet/tx_confirmation", string(body), []string{`"success":true`}, 200)

	order := get(t, base+"/api/order/id/1001", "tpg_access_token", token)
	if !strings.Contains(order, `"status":"Paid"`) {
		t.Errorf("order after payment: %s", order)
	}
	if !strings.Contains(stderr.String(), "The JWT signing key has not been set") {
		t.Errorf("no warning about the random JWT key in:\n%s", stderr.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit after SIGTERM\n%s", stderr.String())
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

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitHealthy(t *testing.T, base string, exited <-chan error, stderr *syncBuffer) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		res, err := http.Get(base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("taripay serve exited: %v\n%s", err, stderr.String())
		case <-deadline:
			t.Fatalf("taripay serve never became healthy\n%s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
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

// syncBuffer collects a subprocess's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeShopifyWebhooks starts `taripay serve` with a webhook secret:
// /shopify answers only requests signed with it.
func TestServeShopifyWebhooks(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Dir = dir
	cmd.Env = []string{"TARIPAY_TEST_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
		"TPG_PORT=" + strconv.Itoa(port), "TPG_SHOPIFY_HMAC_SECRET=my_secret"}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	})
	waitHealthy(t, base, exited, &stderr)

	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 200, "X-Shopify-Hmac-Sha256", shopify.Sign([]byte(`{}`), "my_secret"))
	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 401, "X-Shopify-Hmac-Sha256", shopify.Sign([]byte(`{}`), "wrong"))
	post(t, base+"/shopify/webhook/no_op", `{}`, nil, 401)
}
