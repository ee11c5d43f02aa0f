package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
	"taripay/internal/walletclient"
	"taripay/internal/wallethook"
)

// walletFlags are shared by the hot-wallet notifier commands.
type walletFlags struct {
	server, address, network    string
	txid, sender, memo, orderID string
	secret                      secretSource
	amount                      int64
	attempts                    int
	wait                        time.Duration
	minConfirmations            int
	lastNonce                   int64 // the newest nonce this process signed
}

func newWalletCmd() *cobra.Command {
	f := walletFlags{secret: secretSource{env: "TPG_WALLET_SECRET_KEY"}}
	cmd := &cobra.Command{
		Use:   "wallet",
		Short: "Hot-wallet notifier: tell a taripay server about payments the wallet sees",
		Long: "Sign and post the hot wallet's notifications, as the Tari console wallet's notify hook calls them.\n\n" +
			"`wallet hook` takes the hook's own arguments and decides what to post; received, confirmed and " +
			"cancelled post one notification each, from the hook's arguments or from flags. The wallet's secret " +
			"key comes from TPG_WALLET_SECRET_KEY or --secret-file, never from an argument. The nonce is the " +
			"current Unix time in milliseconds, signed again if the server saw a newer one. Network errors are " +
			"retried with backoff; then the command exits non-zero. See docs/wallet.md.",
	}
	p := cmd.PersistentFlags()
	p.StringVar(&f.server, "server", os.Getenv("TPG_SERVER_URL"), "taripay server base URL (TPG_SERVER_URL)")
	p.StringVar(&f.secret.file, "secret-file", "", "file holding the hot wallet's secret key in hex (else TPG_WALLET_SECRET_KEY)")
	p.StringVar(&f.address, "address", os.Getenv("TPG_WALLET_ADDRESS"), "the hot wallet's registered address, if not the single address of its key (TPG_WALLET_ADDRESS)")
	p.StringVar(&f.network, "network", "mainnet", "network of the hot wallet's address when --address is not given")
	p.IntVar(&f.attempts, "attempts", 6, "how many times to try when the server cannot be reached")
	p.DurationVar(&f.wait, "retry-wait", time.Second, "wait before the first retry; it doubles on each retry")

	hook := &cobra.Command{
		Use:   "hook -- <the console wallet's notify arguments…>",
		Short: "Act on one console-wallet event: post received, then confirmed once the payment is final",
		Long: "Run by the notify script with the console wallet's own arguments. An inbound payment is posted as " +
			"received on received, confirmation and mined events; it is confirmed on mined (the wallet's required " +
			"confirmations reached) or on a confirmation at least --min-confirmations deep. A cancelled payment is " +
			"posted as cancelled. Outbound transactions and other events are ignored. See docs/wallet.md.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.hook(cmd, args)
		},
	}
	minConf := defaultMinConfirmations
	if v := os.Getenv("TPG_MIN_CONFIRMATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			minConf = -1 // refused in hook, with the variable's name
		} else {
			minConf = n
		}
	}
	hook.Flags().IntVar(&f.minConfirmations, "min-confirmations", minConf,
		"confirm on a confirmation event this many blocks deep, before the wallet's mined event (TPG_MIN_CONFIRMATIONS)")

	received := &cobra.Command{
		Use:   "received [hook arguments…]",
		Short: "Post /wallet/incoming_payment: a payment arrived (not yet confirmed)",
		Example: "  taripay wallet received -- received '2500.000000 T' 1234 '' 'type(PaymentToOther), data(order 1001)' <sender> <dest> … (the hook's)\n" +
			"  taripay wallet received --amount 2500000000 --txid txid001 --sender <address> --memo 'order 1001'",
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.payment(args)
			if err != nil {
				return err
			}
			return f.postPayment(cmd, p)
		},
	}
	confirmed := &cobra.Command{
		Use:   "confirmed [hook arguments…]",
		Short: "Post /wallet/tx_confirmation: a received payment is confirmed and may pay orders",
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.txNotice(cmd, args, f.postConfirmation)
		},
	}
	cancelled := &cobra.Command{
		Use:   "cancelled [hook arguments…]",
		Short: "Post /wallet/tx_cancelled: a received payment was cancelled and will not confirm",
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.txNotice(cmd, args, f.postCancellation)
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

	cmd.AddCommand(hook, received, confirmed, cancelled, newNotifyScriptCmd())
	return cmd
}

// defaultMinConfirmations is the console wallet's own default number of
// required confirmations (docs/wallet.md), so that a confirmation event
// never confirms a payment earlier than the wallet's mined event would.
const defaultMinConfirmations = 3

// hook acts on one console-wallet event (wallethook.Parse).
func (f *walletFlags) hook(cmd *cobra.Command, args []string) error {
	if f.minConfirmations < 1 {
		return errors.New("TPG_MIN_CONFIRMATIONS (or --min-confirmations) must be a whole number of blocks, at least 1")
	}
	ev, err := wallethook.Parse(args)
	if errors.Is(err, wallethook.ErrUnknownEvent) {
		return nil // an event added to a later wallet: not a payment
	}
	if err != nil {
		return err
	}
	if !strings.EqualFold(ev.Direction, "inbound") {
		return nil // the merchant's own spending, or a direction the wallet could not tell
	}
	switch ev.Kind {
	case wallethook.Cancelled:
		return f.postCancellation(cmd, ev.TxID)
	case wallethook.Received, wallethook.Confirmation, wallethook.Mined:
	default:
		return nil
	}
	p, err := f.paymentOf(ev)
	if err != nil {
		return err
	}
	// Received first, on every event: a one-sided payment, the usual kind,
	// has no received event, and an earlier notice may have been lost. The
	// server answers a duplicate as a success and changes nothing.
	if err := f.postPayment(cmd, p); err != nil {
		return err
	}
	final := ev.Kind == wallethook.Mined ||
		ev.Kind == wallethook.Confirmation && ev.Confirmations != nil && *ev.Confirmations >= f.minConfirmations
	if !final {
		return nil
	}
	return f.postConfirmation(cmd, ev.TxID)
}

// payment reads a NewPayment from the hook's arguments or from flags.
func (f *walletFlags) payment(args []string) (tariwire.Payment, error) {
	if len(args) > 0 {
		ev, err := wallethook.Parse(args)
		if err != nil {
			return tariwire.Payment{}, fmt.Errorf("the wallet hook's arguments: %w", err)
		}
		switch ev.Kind {
		case wallethook.Received, wallethook.Confirmation, wallethook.Mined:
		default:
			return tariwire.Payment{}, fmt.Errorf("a %s event is not a payment", ev.Kind)
		}
		if !strings.EqualFold(ev.Direction, "inbound") {
			return tariwire.Payment{}, fmt.Errorf("transaction %s is %s, not a payment to this wallet", ev.TxID, ev.Direction)
		}
		return f.paymentOf(ev)
	}
	if f.txid == "" || f.sender == "" || f.amount <= 0 {
		return tariwire.Payment{}, errors.New("a payment needs --txid, --sender and a positive --amount (or the hook's arguments)")
	}
	from, err := f.senderAddress(f.sender)
	if err != nil {
		return tariwire.Payment{}, err
	}
	return newPayment(from, f.amount, f.txid, f.memo, f.orderID), nil
}

// paymentOf is the payment an inbound event reports. The payment id's text
// (what the payer's wallet copied from an order's own address, or typed)
// goes as the order_id when it names an order (engine.ParseOrderRef, the
// rule the server applies again), and as the memo when the wallet passed
// no message, so that the merchant sees what the payer wrote.
func (f *walletFlags) paymentOf(ev wallethook.Event) (tariwire.Payment, error) {
	if ev.Amount <= 0 {
		return tariwire.Payment{}, fmt.Errorf("transaction %s: amount %d µT is not a payment", ev.TxID, ev.Amount)
	}
	from, err := f.senderAddress(ev.Source)
	if err != nil && ev.PaymentID.Address != "" {
		from, err = f.senderAddress(ev.PaymentID.Address)
	}
	if err != nil {
		return tariwire.Payment{}, err
	}
	memo, orderID := ev.Message, f.orderID
	if data := ev.PaymentID.Data; utf8.Valid(data) {
		text := strings.TrimSpace(string(data))
		if ref, ok := engine.ParseOrderRef(text); ok && orderID == "" {
			orderID = ref
		}
		if memo == "" {
			memo = text
		}
	}
	return newPayment(from, ev.Amount, ev.TxID, memo, orderID), nil
}

func newPayment(from tari.Address, amount int64, txid, memo, orderID string) tariwire.Payment {
	p := tariwire.Payment{Sender: from, Amount: amount, TxID: txid}
	if memo != "" {
		p.Memo = &memo
	}
	if orderID != "" {
		p.OrderID = &orderID
	}
	return p
}

// postPayment posts /wallet/incoming_payment.
func (f *walletFlags) postPayment(cmd *cobra.Command, p tariwire.Payment) error {
	return f.notify(cmd, walletclient.Payment(p))
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

// txNotice posts a confirmation or a cancellation (post) for --txid or the
// hook's $3.
func (f *walletFlags) txNotice(cmd *cobra.Command, args []string, post func(*cobra.Command, string) error) error {
	txid := f.txid
	if txid == "" && len(args) >= 3 {
		txid = args[2] // $3 in every event shape
	}
	if txid == "" {
		return errors.New("give --txid, or the wallet hook's arguments")
	}
	return post(cmd, txid)
}

// postConfirmation posts /wallet/tx_confirmation.
func (f *walletFlags) postConfirmation(cmd *cobra.Command, txid string) error {
	return f.notify(cmd, walletclient.Confirmation(txid))
}

// postCancellation posts /wallet/tx_cancelled.
func (f *walletFlags) postCancellation(cmd *cobra.Command, txid string) error {
	return f.notify(cmd, walletclient.Cancellation(txid))
}

// notify signs a body with a fresh nonce and posts it, retrying network
// errors and gateway failures with doubling waits. Each attempt is signed
// again, because the server consumes every nonce it sees.
func (f *walletFlags) notify(cmd *cobra.Command, n walletclient.Notice) error {
	if f.server == "" {
		return errors.New("no server: set TPG_SERVER_URL or pass --server")
	}
	k, a, err := f.key()
	if err != nil {
		return err
	}
	w := walletclient.Wallet{Key: k, Address: a}
	url := strings.TrimSuffix(f.server, "/") + n.Path
	client := &http.Client{Timeout: 30 * time.Second}
	ctx := cmd.Context()
	wait := f.wait
	for attempt := 1; ; attempt++ {
		nonce, err := nextNonce(a, f.lastNonce)
		if err != nil {
			return err
		}
		f.lastNonce = nonce
		b, err := n.Body(w, nonce)
		if err != nil {
			return err
		}
		answer, err := walletclient.Post(ctx, client, url, b)
		if errors.Is(err, walletclient.ErrStaleNonce) && attempt < f.attempts {
			// Another notifier process signed in the same millisecond, or
			// later: sign again with a newer nonce, at once.
			fmt.Fprintf(cmd.ErrOrStderr(), "taripay: %s: nonce %d was not the newest; signing again\n", n.Path, nonce)
			continue
		}
		var retry *walletclient.RetryableError
		if errors.As(err, &retry) && attempt < f.attempts {
			fmt.Fprintf(cmd.ErrOrStderr(), "taripay: %s: %v; retrying in %s\n", n.Path, retry.Err, wait)
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
				return fmt.Errorf("%s: gave up after %d attempts: %w", url, attempt, retry.Err)
			}
			return fmt.Errorf("%s: %w", url, err)
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), answer)
		return err
	}
}

// nextNonce is a nonce for the wallet address: the current Unix time in
// milliseconds, or one more than the last nonce any notifier process on
// this machine signed for it, whichever is greater. The wallet runs its
// notify program once per event, often several at once; the last nonce is
// kept in a file in the user's cache directory, locked while it is read
// and written, so no two processes sign with the same one. Without a
// usable cache directory it is the time alone (and a refused nonce is
// signed again, see notify).
func nextNonce(a tari.Address, last int64) (int64, error) {
	nonce := max(time.Now().UnixMilli(), last+1)
	dir, err := os.UserCacheDir()
	if err != nil {
		return nonce, nil
	}
	dir = filepath.Join(dir, "taripay")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nonce, nil
	}
	sum := sha256.Sum256([]byte(a.Base58()))
	file, err := os.OpenFile(filepath.Join(dir, "nonce-"+hex.EncodeToString(sum[:8])), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nonce, nil
	}
	defer file.Close()
	if err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX); err != nil {
		return 0, fmt.Errorf("lock %s: %w", file.Name(), err)
	}
	raw, err := io.ReadAll(io.LimitReader(file, 32))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", file.Name(), err)
	}
	if stored, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64); err == nil {
		nonce = max(nonce, stored+1)
	}
	if err := file.Truncate(0); err != nil {
		return 0, fmt.Errorf("write %s: %w", file.Name(), err)
	}
	if _, err := file.WriteAt([]byte(strconv.FormatInt(nonce, 10)+"\n"), 0); err != nil {
		return 0, fmt.Errorf("write %s: %w", file.Name(), err)
	}
	return nonce, nil // closing the file releases the lock
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
# The wallet runs it on every transaction event with its own arguments;
# "taripay wallet hook" reads them, posts an inbound payment as received,
# and confirms it once the wallet reports it mined (or a confirmation is
# TPG_MIN_CONFIRMATIONS deep, default 3). It needs, in the wallet's
# environment or set below:
#   TPG_SERVER_URL         the taripay server, e.g. https://pay.example.com
#   TPG_WALLET_SECRET_KEY  the hot wallet's secret key (or TPG_WALLET_SECRET_FILE, a file holding it)
#   TPG_WALLET_ADDRESS     the wallet's registered address, if not the single address of its key
# Each event is logged with its outcome to $TPG_NOTIFY_LOG; run a failed
# line's command by hand to replay it.
set -u
TARIPAY="${TARIPAY:-{TARIPAY}}"
LOG="${TPG_NOTIFY_LOG:-$HOME/taripay-notify.log}"

if [ -n "${TPG_WALLET_SECRET_FILE:-}" ]; then
	out=$("$TARIPAY" wallet hook --secret-file "$TPG_WALLET_SECRET_FILE" -- "$@" 2>&1)
else
	out=$("$TARIPAY" wallet hook -- "$@" 2>&1)
fi
rc=$?
{
	printf '%s exit=%s:' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$rc"
	printf " '%s'" "$TARIPAY" wallet hook --
	for a in "$@"; do printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"; done
	printf '\n'
	[ -z "$out" ] || printf '%s\n' "$out"
} >>"$LOG"
exit $rc
`
