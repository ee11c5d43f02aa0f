package cli

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"taripay/app/api"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// walletServer records the notifications it receives, checking each
// signature as the server does.
type walletServer struct {
	mu       sync.Mutex
	payments []tariwire.PaymentNotification
	txs      map[string][]tariwire.ConfirmationNotification // by path; a cancellation's fields kept the same way
	stale    int                                            // how many more notifications to refuse for their nonce
	calls    []string
}

func newWalletServer(t *testing.T) (*walletServer, *httptest.Server) {
	ws := &walletServer{txs: map[string][]tariwire.ConfirmationNotification{}}
	txNotice := func(path string, body []byte) (tariwire.ConfirmationNotification, bool) {
		if path == "/wallet/tx_cancelled" {
			n, err := tariwire.ParseCancellationNotification(body)
			return tariwire.ConfirmationNotification{TxID: n.TxID, Auth: n.Auth}, err == nil && n.Verify()
		}
		n, err := tariwire.ParseConfirmationNotification(body)
		return n, err == nil && n.Verify()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ws.mu.Lock()
		defer ws.mu.Unlock()
		ws.calls = append(ws.calls, r.URL.Path)
		if ws.stale > 0 {
			ws.stale--
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"`+api.ErrWalletNonce.Message+`"}`)
			return
		}
		switch r.URL.Path {
		case "/wallet/incoming_payment":
			n, err := tariwire.ParsePaymentNotification(body)
			if err != nil || !n.Verify() {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			ws.payments = append(ws.payments, n)
			io.WriteString(w, `{"success":true,"message":"stored"}`)
		case "/wallet/tx_confirmation", "/wallet/tx_cancelled":
			n, ok := txNotice(r.URL.Path, body)
			if !ok {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			ws.txs[r.URL.Path] = append(ws.txs[r.URL.Path], n)
			io.WriteString(w, `{"success":true,"message":"Payment `+n.TxID+` confirmed successfully."}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return ws, srv
}

func testWalletKey(t *testing.T) (string, tari.Address) {
	t.Helper()
	k, err := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{3}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return k.Hex(), tari.NewAddress(tari.MainNet, k.Public())
}

func runWallet(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := NewRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{"wallet"}, args...))
	err := cmd.Execute()
	return out.String() + errOut.String(), err
}

// hookArgs are the 13 arguments the console wallet passes for an inbound
// payment, formatted as it formats them (docs/wallet.md).
func hookArgs(event, amount, txid, message, paymentID string, from, to tari.Address, confirmations string) []string {
	return []string{event, amount, txid, message, paymentID, from.Base58(), to.Base58(), "Mined Unconfirmed",
		"2a7c0f8e4c8d3e3b9f5d1a6e0c4b2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b", "", "", confirmations, "Inbound"}
}

// Every payment id form the console wallet prints carries the payer's note
// to the server: as the order_id when it names an order, as the memo when
// the wallet passed no message.
func TestWalletReceivedFromHookArguments(t *testing.T) {
	secret, hot := testWalletKey(t)
	t.Setenv("TPG_WALLET_SECRET_KEY", secret)
	_, sender := func() (string, tari.Address) {
		k, _ := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{4}, 64)))
		return "", tari.NewAddress(tari.MainNet, k.Public())
	}()
	for _, tc := range []struct {
		name, amount, message, paymentID string
		want                             int64
		wantMemo, wantOrder              string
	}{
		{"the note as the message, which the server reads", "2500.000000 T", "order 1001", "None", 2_500_000_000, "order 1001", ""},
		{"the open payment id", "12.500000 T", "", "type(PaymentToOther), data(order 1001)", 12_500_000, "order 1001", "1001"},
		{"the sender form", "12.500000 T", "", "sender_address(" + sender.Base58() + "), sender_one_sided(true), fee(25 µT), type(PaymentToOther), data(Order #1001)", 12_500_000, "Order #1001", "#1001"},
		{"an order's own address", "1.000000 T", "", "type(PaymentToOther), data(order 5796499259604)", 1_000_000, "order 5796499259604", "5796499259604"},
		{"the older hex form", "500 µT", "", "data(" + hex.EncodeToString([]byte("order id: 1001")) + ")", 500, "order id: 1001", "1001"},
		{"a message and a payment id", "2500.000000 T", "thanks!", "type(PaymentToOther), data(order: 1001)", 2_500_000_000, "thanks!", "1001"},
		{"a note that names no order", "2500.000000 T", "", "type(PaymentToOther), data(for the coffee)", 2_500_000_000, "for the coffee", ""},
		{"no note", "2500.000000 T", "", "None", 2_500_000_000, "", ""},
		{"a plain integer of microTari", "2500000000", "order 1001", "None", 2_500_000_000, "order 1001", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, srv := newWalletServer(t)
			hook := hookArgs("received", tc.amount, "5821735916372650917", tc.message, tc.paymentID, sender, hot, "")
			if out, err := runWallet(t, append([]string{"received", "--server", srv.URL, "--"}, hook...)...); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if len(ws.payments) != 1 {
				t.Fatalf("payments = %d", len(ws.payments))
			}
			p := ws.payments[0].Payment
			if p.Amount != tc.want || p.TxID != "5821735916372650917" || p.Sender != sender ||
				deref(p.Memo) != tc.wantMemo || deref(p.OrderID) != tc.wantOrder {
				t.Errorf("payment = amount %d, txid %s, sender %s, memo %q, order_id %q", p.Amount, p.TxID, p.Sender, deref(p.Memo), deref(p.OrderID))
			}
			if ws.payments[0].Auth.Address != hot {
				t.Errorf("signed by %s, want %s", ws.payments[0].Auth.Address, hot)
			}
		})
	}
	// The wallets before payment ids pass 12 arguments.
	ws, srv := newWalletServer(t)
	legacy := slices.Delete(hookArgs("received", "3.000000 T", "77", "order 1001", "", sender, hot, ""), 4, 5)
	if out, err := runWallet(t, append([]string{"received", "--server", srv.URL, "--"}, legacy...)...); err != nil {
		t.Fatalf("12 arguments: %v\n%s", err, out)
	}
	if len(ws.payments) != 1 || ws.payments[0].Payment.Amount != 3_000_000 || deref(ws.payments[0].Payment.Memo) != "order 1001" {
		t.Errorf("12 arguments gave %+v", ws.payments)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// wallet hook posts received on every inbound payment event, and confirms
// only on mined or a deep enough confirmation.
func TestWalletHook(t *testing.T) {
	secret, hot := testWalletKey(t)
	t.Setenv("TPG_WALLET_SECRET_KEY", secret)
	_, sender := func() (string, tari.Address) {
		k, _ := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{4}, 64)))
		return "", tari.NewAddress(tari.MainNet, k.Public())
	}()
	const rec, conf, canc = "/wallet/incoming_payment", "/wallet/tx_confirmation", "/wallet/tx_cancelled"
	inbound := func(event, confirmations string) []string {
		return hookArgs(event, "1.000000 T", "42", "order 1001", "None", sender, hot, confirmations)
	}
	outbound := inbound("mined", "3")
	outbound[12] = "Outbound"
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want []string
	}{
		{"received", "", inbound("received", ""), []string{rec}},
		{"a one-sided payment's first confirmation", "", inbound("confirmation", "0"), []string{rec}},
		{"two blocks deep", "", inbound("confirmation", "2"), []string{rec}},
		{"as deep as the wallet's default", "", inbound("confirmation", "3"), []string{rec, conf}},
		{"a lower minimum", "1", inbound("confirmation", "1"), []string{rec, conf}},
		{"a higher minimum", "10", inbound("confirmation", "3"), []string{rec}},
		{"mined", "", inbound("mined", "3"), []string{rec, conf}},
		{"mined at the wallet's own lower requirement", "10", inbound("mined", "1"), []string{rec, conf}},
		{"cancelled after completion", "", inbound("cancelled", ""), []string{canc}},
		{"cancelled while pending", "", []string{"cancelled", "1.000000 T", "42", "", sender.Base58(), "Pending", "inbound"}, []string{canc}},
		{"the merchant's own spending", "", outbound, nil},
		{"sent", "", []string{"sent", "1.000000 T", "42", "", sender.Base58(), "Pending", "outbound"}, nil},
		{"an event of a later wallet", "", []string{"teleported", "x"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TPG_MIN_CONFIRMATIONS", tc.env)
			ws, srv := newWalletServer(t)
			if out, err := runWallet(t, append([]string{"hook", "--server", srv.URL, "--"}, tc.args...)...); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !slices.Equal(ws.calls, tc.want) {
				t.Errorf("posted %v, want %v", ws.calls, tc.want)
			}
		})
	}
	t.Setenv("TPG_MIN_CONFIRMATIONS", "soon")
	_, srv := newWalletServer(t)
	if _, err := runWallet(t, append([]string{"hook", "--server", srv.URL, "--"}, inbound("mined", "3")...)...); err == nil ||
		!strings.Contains(err.Error(), "TPG_MIN_CONFIRMATIONS") {
		t.Errorf("a bad TPG_MIN_CONFIRMATIONS gave %v", err)
	}
}

// A notification refused only for its nonce (another notifier process
// signed in the same millisecond) is signed again, not lost.
func TestWalletStaleNonceIsSignedAgain(t *testing.T) {
	secret, _ := testWalletKey(t)
	t.Setenv("TPG_WALLET_SECRET_KEY", secret)
	ws, srv := newWalletServer(t)
	ws.stale = 2
	if out, err := runWallet(t, "confirmed", "--txid", "42", "--server", srv.URL); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if c := ws.txs["/wallet/tx_confirmation"]; len(c) != 1 || len(ws.calls) != 3 {
		t.Errorf("%d calls, %d confirmations stored; want 3 and 1", len(ws.calls), len(c))
	}
}

func TestWalletConfirmedAndCancelled(t *testing.T) {
	secret, _ := testWalletKey(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws, srv := newWalletServer(t)
	for _, args := range [][]string{
		{"confirmed", "--txid", "tx1"},
		{"confirmed", "confirmation", "1", "tx2", "", "", "", "", "", "", "", "", "", ""},
		{"cancelled", "cancelled", "1", "tx3", "msg", "dest", "Pending", "Outbound"},
	} {
		if out, err := runWallet(t, append(args, "--server", srv.URL, "--secret-file", file)...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	c, x := ws.txs["/wallet/tx_confirmation"], ws.txs["/wallet/tx_cancelled"]
	if len(c) != 2 || c[0].TxID != "tx1" || c[1].TxID != "tx2" || len(x) != 1 || x[0].TxID != "tx3" {
		t.Errorf("confirmations %+v, cancellations %+v", c, x)
	}
	if c[1].Auth.Nonce <= c[0].Auth.Nonce {
		t.Errorf("nonces do not increase: %d then %d", c[0].Auth.Nonce, c[1].Auth.Nonce)
	}
}

func TestWalletBadInput(t *testing.T) {
	secret, _ := testWalletKey(t)
	_, srv := newWalletServer(t)
	for _, tc := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"confirmed", "--txid", "t", "--server", srv.URL}, "no secret key"},
		{"zz", []string{"confirmed", "--txid", "t", "--server", srv.URL}, "TPG_WALLET_SECRET_KEY"},
		{secret, []string{"confirmed", "--txid", "t", "--server", ""}, "no server"},
		{secret, []string{"confirmed", "--server", srv.URL}, "--txid"},
		{secret, []string{"received", "--server", srv.URL, "--txid", "t"}, "positive --amount"},
		{secret, []string{"received", "--server", srv.URL, "a", "b"}, "unknown wallet event"},
		{secret, []string{"received", "--server", srv.URL, "received", "b"}, "received event with 2 arguments"},
		{secret, []string{"received", "--server", srv.URL, "--", "sent", "1 T", "1", "", "x", "Pending", "outbound"}, "not a payment"},
		{secret, []string{"received", "--server", srv.URL, "--txid", "t", "--amount", "1", "--sender", "nope"}, "sender"},
	} {
		t.Setenv("TPG_WALLET_SECRET_KEY", tc.env)
		t.Setenv("TPG_SERVER_URL", "")
		out, err := runWallet(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q\n%s", tc.args, err, tc.want, out)
		}
	}
}

// The server rejecting a signature is reported, not retried.
func TestWalletUnauthorisedIsNotRetried(t *testing.T) {
	secret, _ := testWalletKey(t)
	t.Setenv("TPG_WALLET_SECRET_KEY", secret)
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	_, err := runWallet(t, "confirmed", "--txid", "t", "--server", srv.URL, "--retry-wait", "1ms")
	if err == nil || !strings.Contains(err.Error(), "authorised") || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestNotifyScript(t *testing.T) {
	out, err := runWallet(t, "notify-script", "--taripay", "/opt/taripay")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#!/bin/sh", `TARIPAY="${TARIPAY:-/opt/taripay}"`, `wallet hook -- "$@"`, `--secret-file "$TPG_WALLET_SECRET_FILE" -- "$@"`} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if msg, err := exec.Command(sh, "-n", "-c", out).CombinedOutput(); err != nil {
			t.Errorf("script does not parse: %v\n%s", err, msg)
		}
	}
}

// The notify script hands every event, arguments intact, to wallet hook,
// passes its exit code on, and logs a line that replays it.
func TestNotifyScriptEvents(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	fake := filepath.Join(dir, "taripay")
	// The fake fails on a payment id that says so, to show the exit code.
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done >>"+calls+"\necho >>"+calls+"\ncase \"$*\" in *fail*) echo refused; exit 3;; esac\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	script, err := runWallet(t, "notify-script", "--taripay", fake)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "log")
	run := func(args ...string) error {
		cmd := exec.Command(sh, append([]string{"-c", script, "notify"}, args...)...)
		cmd.Env = append(os.Environ(), "TPG_NOTIFY_LOG="+log, "TPG_WALLET_SECRET_FILE=")
		return cmd.Run()
	}
	if err := run("mined", "1.000000 T", "9", "-5 off, it's 'mine'", "None", "src", "dst", "Mined Confirmed", "e", "n", "s", "3", "Inbound"); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := run("received", "fail"); !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("a failed hook exits %v, want 3", err)
	}
	got, _ := os.ReadFile(calls)
	want := "[wallet][hook][--][mined][1.000000 T][9][-5 off, it's 'mine'][None][src][dst][Mined Confirmed][e][n][s][3][Inbound]\n" +
		"[wallet][hook][--][received][fail]\n"
	if string(got) != want {
		t.Errorf("calls:\n%s\nwant:\n%s", got, want)
	}
	logged, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(logged)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "exit=0") || !strings.Contains(lines[1], "exit=3") || lines[2] != "refused" {
		t.Fatalf("log:\n%s", logged)
	}
	// The logged command replays the event with the same arguments.
	_, replay, _ := strings.Cut(lines[0], "exit=0:")
	os.Remove(calls)
	if out, err := exec.Command(sh, "-c", replay).CombinedOutput(); err != nil {
		t.Fatalf("replay %s: %v\n%s", replay, err, out)
	}
	if again, _ := os.ReadFile(calls); !strings.HasPrefix(want, string(again)) || len(again) == 0 {
		t.Errorf("replay ran %s", again)
	}
}

// Notifier processes started at once for one wallet never sign with the
// same nonce, and each is newer than the last.
func TestNextNonceAcrossProcesses(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	_, hot := testWalletKey(t)
	const n = 8
	out := make(chan string, n)
	url := nonceServer(t, out)
	for range n {
		go func() {
			cmd := exec.Command(os.Args[0], "wallet", "confirmed", "--txid", "42", "--attempts", "1")
			cmd.Env = append(os.Environ(), "TARIPAY_TEST_MAIN=1", "TPG_WALLET_SECRET_KEY="+hotSecret(t), "TPG_SERVER_URL="+url)
			cmd.Run()
		}()
	}
	seen := map[string]bool{}
	for range n {
		nonce := <-out
		if seen[nonce] {
			t.Fatalf("two notifier processes signed nonce %s", nonce)
		}
		seen[nonce] = true
	}
	last, err := nextNonce(hot, 0)
	if err != nil {
		t.Fatal(err)
	}
	for nonce := range seen {
		if n, _ := strconv.ParseInt(nonce, 10, 64); n >= last {
			t.Errorf("nonce %d was signed before %d", n, last)
		}
	}
}

func hotSecret(t *testing.T) string {
	secret, _ := testWalletKey(t)
	return secret
}

// nonceServer answers a confirmation and sends on the nonce it carried.
func nonceServer(t *testing.T, nonces chan<- string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n, err := tariwire.ParseConfirmationNotification(body)
		if err != nil || !n.Verify() {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		nonces <- strconv.FormatInt(n.Auth.Nonce, 10)
		io.WriteString(w, `{"success":true,"message":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
