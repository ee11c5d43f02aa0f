package e2e

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"taripay/app/pay"
	"taripay/app/shopify/shopifytest"
	"taripay/engine/tari"
	"taripay/internal/servetest"
)

// TestRealWalletPaysOrder is the customer's whole path through the real
// binary on default settings, fed what the real counterparts send:
// Shopify's orders/create webhook to the path shopify.app.toml registers,
// the order email's link to the pay page, and the console wallet's notify
// hook, called through the script `taripay wallet notify-script` prints
// with the 13 arguments formatted as the wallet formats them (docs/wallet.md),
// for a one-sided payment: a confirmation at depth 0, then mined. Each
// order is paid the way a customer would pay it: to the order's own address
// (whose payment id the wallet reports in each form it has printed), or to
// the merchant's address with the page's note typed as the message. While
// the payment waits to be mined the pay page says it arrived and asks for
// no other; every order ends Paid, and is marked paid in Shopify exactly
// once.
func TestRealWalletPaysOrder(t *testing.T) {
	fake := shopifytest.New(t)
	shop := newWalletShop(t, fake, 12345678)
	srv, base, token, merchant := shop.srv, shop.srv.Base, shop.token, shop.merchant
	for i, tc := range []struct {
		name string
		// paymentID is what the merchant's wallet prints as $5, given the
		// payment id text the payer's wallet copied from the address.
		paymentID func(text string, payer tari.Address) string
		typed     bool // the customer paid the merchant's address and typed the note
	}{
		{name: "to the order's address, open payment id", paymentID: func(text string, _ tari.Address) string {
			return "type(PaymentToOther), data(" + text + ")"
		}},
		{name: "to the order's address, sender payment id", paymentID: func(text string, payer tari.Address) string {
			return "sender_address(" + payer.Base58() + "), sender_one_sided(true), fee(1025 µT), type(PaymentToOther), data(" + text + ")"
		}},
		{name: "to the order's address, an older wallet's hex payment id", paymentID: func(text string, _ tari.Address) string {
			return "data(" + hex.EncodeToString([]byte(text)) + ")"
		}},
		{name: "the note typed as the message", typed: true, paymentID: func(string, tari.Address) string { return "None" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orderID := strconv.Itoa(5796499259700 + i)
			fake.AddOrder(shopifytest.Order{ID: orderID, Name: "#" + strconv.Itoa(1200+i)})
			emailLink := shop.order(t, orderID, "#"+strconv.Itoa(1200+i), strconv.Itoa(7221372846300+i))
			link := waitForPayPage(t, emailLink, srv.Log)
			to, amount, note := link.Query().Get("tariAddress"), link.Query().Get("amount"), link.Query().Get("note")
			addr, err := tari.ParseAddress(to)
			if err != nil {
				t.Fatalf("the link's address %q: %v", to, err)
			}
			micro, err := strconv.ParseInt(amount, 10, 64)
			if err != nil || micro <= 0 {
				t.Fatalf("the link's amount %q", amount)
			}
			message, paymentID := "", tc.paymentID(string(addr.PaymentID()), shop.hot.addr)
			if tc.typed {
				message = note
			} else if len(addr.PaymentID()) == 0 {
				t.Fatalf("the order's address %s carries no payment id", to)
			}

			payer := newKey(t)
			txid := strconv.Itoa(1_000_000 + i)
			wallet := func(event, confirmations string) {
				t.Helper()
				shop.notify(t, event, walletAmount(micro), txid, message, paymentID, payer.addr.Base58(), merchant.Base58(),
					"One-Sided Confirmed", "", "", "", confirmations, "Inbound")
			}
			wallet("confirmation", "0")
			if s := orderStatus(t, base, token, orderID); s != "New" {
				t.Fatalf("after the payment was seen, order is %s, want New (claimed by the payment)", s)
			}
			// The page says the payment arrived, and asks for no second one.
			page := payPage(t, emailLink)
			if got := page.Find(`[data-testid="status-label"]`).Text(); !strings.HasPrefix(got, "Payment received — waiting for confirmation (") {
				t.Errorf("after the payment was seen, the pay page's status is %q", got)
			}
			if n := page.Find(`[data-testid="payment-uri"], [data-testid="claimed-elsewhere"]`).Length(); n != 0 {
				t.Errorf("after the payment was seen, the pay page still offers payment or warns of another claimant")
			}
			wallet("mined", "3")
			if s := orderStatus(t, base, token, orderID); s != "Paid" {
				t.Fatalf("after the payment was mined, order is %s, want Paid", s)
			}
			if got := payPage(t, emailLink).Find(`[data-testid="status"]`).AttrOr("data-status", ""); got != "Paid" {
				t.Errorf("after the payment was mined, the pay page shows %q, want Paid", got)
			}
			waitForShopify(t, fake, orderID, srv.Log)
		})
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	if n := fake.Succeeded("MarkAsPaid"); n != 4 {
		t.Errorf("orderMarkAsPaid took effect %d times for 4 orders", n)
	}
}

// walletShop is `taripay serve` on default settings, talking to a fake
// Shopify, with the merchant's hot wallet authorized to notify it, and a
// USD rate.
type walletShop struct {
	srv      *servetest.Server
	dir      string
	token    string       // a super admin's access token
	hot      key          // the merchant's hot wallet: its spend key signs notifications
	merchant tari.Address // the merchant's receiving address
	script   string       // what `taripay wallet notify-script` prints
}

const (
	walletHookSecret = "e2e-webhook-secret"
	walletLinkSecret = "e2e-link-secret"
)

// newWalletShop starts the server, with env added to its settings, and
// sets a USD rate of usdRate µT per dollar.
func newWalletShop(t *testing.T, fake *shopifytest.Fake, usdRate int64, env ...string) *walletShop {
	t.Helper()
	s := &walletShop{dir: t.TempDir(), hot: newKey(t)}
	super, view := newKey(t), newKey(t)
	s.merchant = tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, view.key.Public(), s.hot.key.Public())
	s.srv = servetest.Serve(t, s.dir, append(env,
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_HMAC_SECRET="+walletHookSecret,
		"TPG_CLAIM_LINK_SECRET="+walletLinkSecret,
		"TPG_PAYMENT_WALLET_ADDRESS="+s.merchant.Base58(),
	)...)
	base := s.srv.Base
	s.token = post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/wallets", `{"address":"`+s.hot.addr.Base58()+`","ip_address":"127.0.0.1"}`, nil, 200, "tpg_access_token", s.token)
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":`+strconv.FormatInt(usdRate, 10)+`}`, nil, 200, "tpg_access_token", s.token)
	s.script = printedNotifyScript(t, s.dir)
	return s
}

// order sends Shopify's signed orders/create webhook for a Tari order (see
// orderPayload) and returns the order email's link to its pay page.
func (s *walletShop) order(t *testing.T, id, name, customer string) (emailLink string) {
	t.Helper()
	webhook := shopifytest.Webhook{Topic: "orders/create", Secret: walletHookSecret, Body: orderPayload(t, id, name, customer)}
	send(t, webhook.Request(s.srv.Base+"/shopify/webhook/orders/create"), nil, 200)
	return s.srv.Base + "/pay/order/" + id + "/" + pay.LinkMAC([]byte(walletLinkSecret), id)
}

// notify runs the printed notify script with the console wallet's 13
// arguments (docs/wallet.md), as the wallet runs it.
func (s *walletShop) notify(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", s.script, "taripay-notify"}, args...)...)
	cmd.Env = append(os.Environ(), "TPG_SERVER_URL="+s.srv.Base,
		"TPG_WALLET_SECRET_KEY="+s.hot.key.Hex(), "TPG_NOTIFY_LOG="+filepath.Join(s.dir, "notify.log"))
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "notify.log"))
		t.Fatalf("notify %s of %s: %v\n%s\n%s", args[0], args[2], err, out, log)
	}
}

// orderPayload is Shopify's orders/create payload (testdata) for another
// order, paid with taripay's manual payment method.
func orderPayload(t *testing.T, id, name, customer string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	o["id"], o["name"] = json.Number(id), name
	o["admin_graphql_api_id"] = "gid://shopify/Order/" + id
	o["payment_gateway_names"] = []string{"Tari"}
	o["customer"].(map[string]any)["id"] = json.Number(customer)
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// printedNotifyScript is the script `taripay wallet notify-script` prints for
// the built binary.
func printedNotifyScript(t *testing.T, dir string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := servetest.Command(dir, nil, "wallet", "notify-script", "--taripay", servetest.Binary())
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// walletAmount writes µT as the console wallet's MicroMinotari Display does.
func walletAmount(micro int64) string {
	if micro < 1_000_000 {
		return strconv.FormatInt(micro, 10) + " µT"
	}
	return fmt.Sprintf("%d.%06d T", micro/1_000_000, micro%1_000_000)
}

// waitForPayPage follows the email link until the order has arrived
// (waitForPage), and returns the page's tari:// payment link.
func waitForPayPage(t *testing.T, emailLink string, log *servetest.Log) *url.URL {
	t.Helper()
	body := waitForPage(t, emailLink, `data-testid="payment-uri"`, log.Tail)
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	href, _ := d.Find(`[data-testid="payment-uri"]`).Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "tari" {
		t.Fatalf("payment link %q: %v", href, err)
	}
	return u
}

// payPage is the pay page that the order email's link leads to.
func payPage(t *testing.T, emailLink string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(get(t, emailLink)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func orderStatus(t *testing.T, base, token, orderID string) string {
	t.Helper()
	var o struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token)), &o); err != nil {
		t.Fatal(err)
	}
	return o.Status
}

// waitForShopify waits until the fake Shopify has the order marked paid.
func waitForShopify(t *testing.T, fake *shopifytest.Fake, orderID string, log *servetest.Log) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if o, _ := fake.Order(orderID); o.FinancialStatus == "PAID" {
			return
		}
		select {
		case <-fake.Arrived():
		case <-deadline:
			t.Fatalf("Shopify never marked order %s paid\n%s", orderID, log.Tail())
		}
	}
}

// An unreachable server is retried, then the command exits non-zero with a
// clear error.
func TestWalletReceivedUnreachableServer(t *testing.T) {
	hot, sender := newKey(t), newKey(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here now
	cmd := exec.Command(servetest.Binary(), "wallet", "received", "--server", "http://"+addr, "--attempts", "3", "--retry-wait", "5ms",
		"--txid", "t1", "--amount", "5", "--sender", sender.addr.Base58())
	cmd.Env = append(os.Environ(), "TPG_WALLET_SECRET_KEY="+hot.key.Hex())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("err %v, want a non-zero exit\n%s", err, out)
	}
	if n := strings.Count(string(out), "retrying in"); n != 2 {
		t.Errorf("%d retries, want 2:\n%s", n, out)
	}
	if !strings.Contains(string(out), "gave up after 3 attempts") {
		t.Errorf("unclear error:\n%s", out)
	}
}
