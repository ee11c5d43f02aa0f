package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"taripay/engine/tari"
)

// walletFlags are shared by the hot-wallet notifier commands.
type walletFlags struct {
	server, address, network    string
	txid, sender, memo, orderID string
	secret                      secretSource
	amount                      int64
	attempts                    int
	wait                        time.Duration
}

func newWalletCmd() *cobra.Command {
	f := walletFlags{secret: secretSource{env: "TPG_WALLET_SECRET_KEY"}}
	cmd := &cobra.Command{
		Use:   "wallet",
		Short: "Hot-wallet notifier: tell a taripay server about payments the wallet sees",
		Long: "Sign and post the hot wallet's notifications, as the Tari console wallet's notify hook calls them.\n\n" +
			"Each command takes either the hook's own positional arguments (\"$@\") or flags. The wallet's secret " +
			"key comes from TPG_WALLET_SECRET_KEY or --secret-file, never from an argument. The nonce is the " +
			"current Unix time in milliseconds. Network errors are retried with backoff; then the command exits " +
			"non-zero. See docs/wallet.md.",
	}
	p := cmd.PersistentFlags()
	p.StringVar(&f.server, "server", os.Getenv("TPG_SERVER_URL"), "taripay server base URL (TPG_SERVER_URL)")
	p.StringVar(&f.secret.file, "secret-file", "", "file holding the hot wallet's secret key in hex (else TPG_WALLET_SECRET_KEY)")
	p.StringVar(&f.address, "address", os.Getenv("TPG_WALLET_ADDRESS"), "the hot wallet's registered address, if not the single address of its key (TPG_WALLET_ADDRESS)")
	p.StringVar(&f.network, "network", "mainnet", "network of the hot wallet's address when --address is not given")
	p.IntVar(&f.attempts, "attempts", 6, "how many times to try when the server cannot be reached")
	p.DurationVar(&f.wait, "retry-wait", time.Second, "wait before the first retry; it doubles on each retry")

	received := &cobra.Command{
		Use:   "received [hook arguments…]",
		Short: "Post /wallet/incoming_payment: a payment arrived (not yet confirmed)",
		Example: "  taripay wallet received received 2500000000 txid001 'order 1001' '' <sender> <dest> … (from the hook)\n" +
			"  taripay wallet received --amount 2500000000 --txid txid001 --sender <address> --memo 'order 1001'",
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.payment(args)
			if err != nil {
				return err
			}
			return f.notify(cmd, "/wallet/incoming_payment", func(k tari.SecretKey, a tari.Address, nonce int64) ([]byte, error) {
				sig, err := tari.SignWallet(rand.Reader, k, a, nonce, p.Payload())
				if err != nil {
					return nil, err
				}
				return tari.PaymentNotification{Payment: p, Auth: tari.WalletAuth{Address: a, Nonce: nonce, Signature: sig}}.MarshalJSON()
			})
		},
	}
	confirmed := &cobra.Command{
		Use:   "confirmed [hook arguments…]",
		Short: "Post /wallet/tx_confirmation: a received payment is confirmed and may pay orders",
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.txNotice(cmd, args, "/wallet/tx_confirmation")
		},
	}
	cancelled := &cobra.Command{
		Use:   "cancelled [hook arguments…]",
		Short: "Post /wallet/tx_cancelled: a received payment was cancelled and will not confirm",
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.txNotice(cmd, args, "/wallet/tx_cancelled")
		},
	}
	for _, c := range []*cobra.Command{received, confirmed, cancelled} {
		c.Flags().StringVar(&f.txid, "txid", "", "transaction id (else hook argument 3)")
	}
	r := received.Flags()
	r.Int64Var(&f.amount, "amount", 0, "amount in microTari (else hook argument 2)")
	r.StringVar(&f.sender, "sender", "", "the payer's address (else hook argument 6)")
	r.StringVar(&f.memo, "memo", "", "the payment's message (else hook argument 4)")
	r.StringVar(&f.orderID, "order-id", "", "order id, when the memo does not name one (else read from the hook's payment id, argument 5)")

	cmd.AddCommand(received, confirmed, cancelled, newNotifyScriptCmd())
	return cmd
}

// hookArgs is how many arguments the console wallet passes for received,
// confirmation and mined events (wallet-notify.md).
const hookArgs = 13

// payment reads a NewPayment from the hook's arguments or from flags.
func (f *walletFlags) payment(args []string) (tari.Payment, error) {
	var p tari.Payment
	amount, txid, sender, memo, orderID := f.amount, f.txid, f.sender, f.memo, f.orderID
	switch len(args) {
	case 0:
	case hookArgs:
		n, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return p, fmt.Errorf("hook argument 2 (amount) %q: not an integer number of microTari", args[1])
		}
		amount, txid, memo, sender = n, args[2], args[3], args[5]
		if orderID == "" {
			orderID = orderIDFromPaymentID(args[4])
		}
	default:
		return p, fmt.Errorf("got %d arguments: give the wallet hook's %d, or use flags", len(args), hookArgs)
	}
	if txid == "" || sender == "" || amount <= 0 {
		return p, errors.New("a payment needs --txid, --sender and a positive --amount (or the hook's arguments)")
	}
	from, err := f.senderAddress(sender)
	if err != nil {
		return p, err
	}
	p = tari.Payment{Sender: from, Amount: amount, TxID: txid}
	if memo != "" {
		p.Memo = &memo
	}
	if orderID != "" {
		p.OrderID = &orderID
	}
	return p, nil
}

// senderAddress reads the payer's address; the hook may pass a bare public
// key, which is taken as a single address on the hot wallet's network.
func (f *walletFlags) senderAddress(s string) (tari.Address, error) {
	a, err := tari.ParseAddress(s)
	if err == nil {
		return a, nil
	}
	pk, pkErr := tari.ParsePublicKey(s)
	if pkErr != nil {
		return tari.Address{}, fmt.Errorf("sender %q: %w", s, err)
	}
	net, err := tari.ParseNetwork(f.network)
	if err != nil {
		return tari.Address{}, err
	}
	return tari.NewAddress(net, pk), nil
}

// txNotice posts a {"txid": …} notification (confirmation or cancellation).
func (f *walletFlags) txNotice(cmd *cobra.Command, args []string, path string) error {
	txid := f.txid
	if txid == "" && len(args) >= 3 {
		txid = args[2] // $3 in every event shape
	}
	if txid == "" {
		return errors.New("give --txid, or the wallet hook's arguments")
	}
	return f.notify(cmd, path, func(k tari.SecretKey, a tari.Address, nonce int64) ([]byte, error) {
		sig, err := tari.SignWallet(rand.Reader, k, a, nonce, tari.ConfirmationPayload(txid))
		if err != nil {
			return nil, err
		}
		return tari.ConfirmationNotification{TxID: txid, Auth: tari.WalletAuth{Address: a, Nonce: nonce, Signature: sig}}.MarshalJSON()
	})
}

// orderIDFromPaymentID reads an order id from the console wallet's payment
// id: "data(<hex>)" or "address_and_data(<address>,<hex>)" hold text, which
// may say "order id: 1001", "order: 1001" or just "1001".
func orderIDFromPaymentID(pid string) string {
	pid = strings.TrimSpace(pid)
	for _, prefix := range []string{"data(", "address_and_data("} {
		if inner, ok := strings.CutPrefix(pid, prefix); ok && strings.HasSuffix(inner, ")") {
			inner = strings.TrimSuffix(inner, ")")
			if i := strings.LastIndexByte(inner, ','); i >= 0 {
				inner = inner[i+1:]
			}
			b, err := hex.DecodeString(strings.TrimSpace(inner))
			if err != nil {
				return ""
			}
			pid = strings.TrimSpace(string(b))
		}
	}
	lower := strings.ToLower(pid)
	for _, prefix := range []string{"order id:", "order_id:", "order:"} {
		if strings.HasPrefix(lower, prefix) {
			pid = strings.TrimSpace(pid[len(prefix):])
			break
		}
	}
	switch strings.ToLower(pid) {
	case "", "none", "<none>", "n/a":
		return ""
	}
	return pid
}

// notify signs a body with a fresh nonce and posts it, retrying network
// errors and gateway failures with doubling waits. Each attempt is signed
// again, because the server consumes every nonce it sees.
func (f *walletFlags) notify(cmd *cobra.Command, path string, body func(tari.SecretKey, tari.Address, int64) ([]byte, error)) error {
	if f.server == "" {
		return errors.New("no server: set TPG_SERVER_URL or pass --server")
	}
	k, a, err := f.key()
	if err != nil {
		return err
	}
	url := strings.TrimSuffix(f.server, "/") + path
	client := &http.Client{Timeout: 30 * time.Second}
	ctx := cmd.Context()
	wait := f.wait
	var lastNonce int64
	for attempt := 1; ; attempt++ {
		nonce := max(time.Now().UnixMilli(), lastNonce+1)
		lastNonce = nonce
		b, err := body(k, a, nonce)
		if err != nil {
			return fmt.Errorf("sign notification: %w", err)
		}
		answer, err := postNotification(ctx, client, url, b)
		var retry *retryableError
		if errors.As(err, &retry) && attempt < f.attempts {
			fmt.Fprintf(cmd.ErrOrStderr(), "taripay: %s: %v; retrying in %s\n", path, retry.err, wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
			wait *= 2
			continue
		}
		if err != nil {
			if errors.As(err, &retry) {
				return fmt.Errorf("%s: gave up after %d attempts: %w", url, attempt, retry.err)
			}
			return fmt.Errorf("%s: %w", url, err)
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), answer)
		return err
	}
}

// retryableError marks failures worth another attempt.
type retryableError struct{ err error }

func (e *retryableError) Error() string { return e.err.Error() }

// postNotification posts one signed body and reads the server's
// {"success":…,"message":…} answer.
func postNotification(ctx context.Context, client *http.Client, url string, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", &retryableError{err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &retryableError{fmt.Errorf("read answer: %w", err)}
	}
	switch {
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		return "", &retryableError{fmt.Errorf("server answered %s", resp.Status)}
	case resp.StatusCode == http.StatusUnauthorized:
		return "", errors.New("server answered 401: check that this wallet is authorised, its IP address registered, and the secret key is the wallet's")
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return "", fmt.Errorf("server answered %s: %s", resp.Status, bytes.TrimSpace(raw))
	}
	var answer struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return "", fmt.Errorf("unexpected answer %q: %w", bytes.TrimSpace(raw), err)
	}
	if !answer.Success {
		return "", fmt.Errorf("server refused: %s", answer.Message)
	}
	return answer.Message, nil
}

// key loads the hot wallet's secret key and its registered address.
func (f *walletFlags) key() (tari.SecretKey, tari.Address, error) {
	k, from, err := f.secret.load()
	if err != nil {
		return tari.SecretKey{}, tari.Address{}, err
	}
	if f.address == "" {
		net, err := tari.ParseNetwork(f.network)
		if err != nil {
			return tari.SecretKey{}, tari.Address{}, err
		}
		return k, tari.NewAddress(net, k.Public()), nil
	}
	a, err := tari.ParseAddress(f.address)
	if err != nil {
		return tari.SecretKey{}, tari.Address{}, fmt.Errorf("wallet address %q: %w", f.address, err)
	}
	if a.SpendKey() != k.Public() {
		return tari.SecretKey{}, tari.Address{}, fmt.Errorf("the secret key from %s is not the spend key of %s", from, a.Base58())
	}
	return k, a, nil
}

func newNotifyScriptCmd() *cobra.Command {
	var taripay string
	cmd := &cobra.Command{
		Use:   "notify-script",
		Short: "Print a notify script for the Tari console wallet's hook",
		Long:  "Print a POSIX shell script to install as the console wallet's notify program. See docs/wallet.md.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), strings.ReplaceAll(notifyScript, "{TARIPAY}", taripay))
			return err
		},
	}
	self, err := os.Executable()
	if err != nil {
		self = "taripay"
	}
	cmd.Flags().StringVar(&taripay, "taripay", self, "path of the taripay binary the script runs")
	return cmd
}

const notifyScript = `#!/bin/sh
# Tari console wallet notify script for taripay (made by "taripay wallet notify-script").
#
# The wallet runs it on every transaction event with the event in $1 and the
# transaction id in $3. It needs, in the wallet's environment or set below:
#   TPG_SERVER_URL         the taripay server, e.g. https://pay.example.com
#   TPG_WALLET_SECRET_KEY  the hot wallet's secret key (or TPG_WALLET_SECRET_FILE, a file holding it)
#   TPG_WALLET_ADDRESS     the wallet's registered address, if not the single address of its key
# Each notification is logged with its outcome to $TPG_NOTIFY_LOG; re-run a
# failed line's command by hand to replay it.
set -u
TARIPAY="${TARIPAY:-{TARIPAY}}"
LOG="${TPG_NOTIFY_LOG:-$HOME/taripay-notify.log}"

notify() { # notify <received|confirmed|cancelled> <hook arguments…>
	cmd="$1"
	shift
	if [ -n "${TPG_WALLET_SECRET_FILE:-}" ]; then
		"$TARIPAY" wallet "$cmd" --secret-file "$TPG_WALLET_SECRET_FILE" "$@"
	else
		"$TARIPAY" wallet "$cmd" "$@"
	fi
	rc=$?
	printf '%s %s wallet %s txid=%s exit=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$TARIPAY" "$cmd" "${3:-}" "$rc" >>"$LOG"
	return $rc
}

case "${1:-}" in
received)
	[ "$#" -eq 13 ] || exit 0
	notify received "$@"
	;;
confirmation)
	[ "$#" -eq 13 ] || exit 0
	# The first notice may have been lost: send it again (the server ignores duplicates).
	notify received "$@"
	sleep 2
	notify confirmed "$@"
	;;
cancelled)
	notify cancelled "$@"
	;;
*)
	exit 0
	;;
esac
`
