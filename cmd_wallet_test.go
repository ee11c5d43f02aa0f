package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"taripay/engine/tari"
)

// walletServer records the notifications it receives, checking each
// signature as the server does.
type walletServer struct {
	mu       sync.Mutex
	payments []tari.PaymentNotification
	txs      map[string][]tari.ConfirmationNotification
}

func newWalletServer(t *testing.T) (*walletServer, *httptest.Server) {
	ws := &walletServer{txs: map[string][]tari.ConfirmationNotification{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ws.mu.Lock()
		defer ws.mu.Unlock()
		switch r.URL.Path {
		case "/wallet/incoming_payment":
			n, err := tari.ParsePaymentNotification(body)
			if err != nil || !n.Verify() {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			ws.payments = append(ws.payments, n)
			io.WriteString(w, `{"success":true,"message":"stored"}`)
		case "/wallet/tx_confirmation", "/wallet/tx_cancelled":
			n, err := tari.ParseConfirmationNotification(body)
			if err != nil || !n.Verify() {
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
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{"wallet"}, args...))
	err := cmd.Execute()
	return out.String() + errOut.String(), err
}

func TestWalletReceivedFromHookArguments(t *testing.T) {
	secret, hot := testWalletKey(t)
	t.Setenv("TPG_WALLET_SECRET_KEY", secret)
	ws, srv := newWalletServer(t)
	_, sender := func() (string, tari.Address) {
		k, _ := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{4}, 64)))
		return "", tari.NewAddress(tari.MainNet, k.Public())
	}()
	pid := "data(" + hex.EncodeToString([]byte("order id: 1001")) + ")"
	hook := []string{"received", "2500000000", "tx42", "thanks!", pid, sender.Hex(), hot.Hex(), "Completed", "00", "00", "00", "", "Inbound"}
	if out, err := runWallet(t, append([]string{"received", "--server", srv.URL}, hook...)...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(ws.payments) != 1 {
		t.Fatalf("payments = %d", len(ws.payments))
	}
	p := ws.payments[0]
	if p.Payment.Amount != 2_500_000_000 || p.Payment.TxID != "tx42" || p.Payment.Sender != sender ||
		p.Payment.Memo == nil || *p.Payment.Memo != "thanks!" || p.Payment.OrderID == nil || *p.Payment.OrderID != "1001" {
		t.Errorf("payment = %+v", p.Payment)
	}
	if p.Auth.Address != hot {
		t.Errorf("signed by %s, want %s", p.Auth.Address, hot)
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
		{secret, []string{"received", "--server", srv.URL, "a", "b"}, "got 2 arguments"},
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

func TestOrderIDFromPaymentID(t *testing.T) {
	hexOf := func(s string) string { return hex.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"None", ""},
		{"1001", "1001"},
		{"order id: 1001", "1001"},
		{"Order: #1001", "#1001"},
		{"data(" + hexOf("order_id: 55") + ")", "55"},
		{"address_and_data(14abc," + hexOf("77") + ")", "77"},
		{"data(zz)", ""},
	} {
		if got := orderIDFromPaymentID(tc.in); got != tc.want {
			t.Errorf("orderIDFromPaymentID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// buildTaripay compiles the binary once per test that needs a subprocess.
func buildTaripay(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "taripay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Acceptance 3b: an unreachable server is retried, then the command exits
// non-zero with a clear error.
func TestWalletReceivedUnreachableServer(t *testing.T) {
	bin := buildTaripay(t)
	secret, _ := testWalletKey(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here now
	_, sender := testWalletKey(t)
	cmd := exec.Command(bin, "wallet", "received", "--server", "http://"+addr, "--attempts", "3", "--retry-wait", "5ms",
		"--txid", "t1", "--amount", "5", "--sender", sender.Base58())
	cmd.Env = append(os.Environ(), "TPG_WALLET_SECRET_KEY="+secret)
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

func TestNotifyScript(t *testing.T) {
	out, err := runWallet(t, "notify-script", "--taripay", "/opt/taripay")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#!/bin/sh", `TARIPAY="${TARIPAY:-/opt/taripay}"`, "notify received \"$@\"", "notify confirmed \"$@\"", "notify cancelled \"$@\""} {
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

// The notify script maps the console wallet's events to taripay commands.
func TestNotifyScriptEvents(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	fake := filepath.Join(dir, "taripay")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho \"$*\" >>"+calls+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	script, err := runWallet(t, "notify-script", "--taripay", fake)
	if err != nil {
		t.Fatal(err)
	}
	hook13 := []string{"1000", "tx9", "memo", "", "src", "dst", "Completed", "e", "n", "s", "1", "Inbound"}
	for _, args := range [][]string{
		append([]string{"received"}, hook13...),
		append([]string{"confirmation"}, hook13...),
		{"cancelled", "1000", "tx9", "memo", "dst", "Pending", "Outbound"},
		append([]string{"mined"}, hook13...),
		{"received", "too", "few"},
	} {
		cmd := exec.Command(sh, append([]string{"-c", script, "notify"}, args...)...)
		cmd.Env = append(os.Environ(), "TPG_NOTIFY_LOG="+filepath.Join(dir, "log"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	got, _ := os.ReadFile(calls)
	want := "wallet received received 1000 tx9 memo  src dst Completed e n s 1 Inbound\n" +
		"wallet received confirmation 1000 tx9 memo  src dst Completed e n s 1 Inbound\n" +
		"wallet confirmed confirmation 1000 tx9 memo  src dst Completed e n s 1 Inbound\n" +
		"wallet cancelled cancelled 1000 tx9 memo dst Pending Outbound\n"
	if string(got) != want {
		t.Errorf("calls:\n%s\nwant:\n%s", got, want)
	}
}
