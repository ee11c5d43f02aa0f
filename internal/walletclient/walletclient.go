// Package walletclient is the hot wallet's side of the wallet routes
// (docs/api.md): it signs payment, confirmation and cancellation notices
// with the wallet's key and posts them to a taripay server. The notifier
// (`taripay wallet`), the benchmark and the chaos tests all send theirs
// with it.
package walletclient

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"taripay/app/api"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// Wallet is a hot wallet: its secret key and its registered address.
type Wallet struct {
	Key     tari.SecretKey
	Address tari.Address
}

// Notice is one notification: the route it is posted to, and how its body
// is signed.
type Notice struct {
	Path string
	sign func(w Wallet, nonce int64) ([]byte, error)
}

// Body is the notice signed by w with nonce: the JSON to post to Path.
func (n Notice) Body(w Wallet, nonce int64) ([]byte, error) {
	b, err := n.sign(w, nonce)
	if err != nil {
		return nil, fmt.Errorf("sign notification: %w", err)
	}
	return b, nil
}

// Payment is the notice that p arrived (not yet confirmed).
func Payment(p tariwire.Payment) Notice {
	return Notice{Path: "/wallet/incoming_payment", sign: func(w Wallet, nonce int64) ([]byte, error) {
		sig, err := tari.SignWallet(rand.Reader, w.Key, w.Address, nonce, p.Payload())
		if err != nil {
			return nil, err
		}
		return tariwire.PaymentNotification{Payment: p, Auth: w.auth(nonce, sig)}.MarshalJSON()
	}}
}

// Confirmation is the notice that the payment txid is confirmed, signed as
// the reference's.
func Confirmation(txid string) Notice {
	return Notice{Path: "/wallet/tx_confirmation", sign: func(w Wallet, nonce int64) ([]byte, error) {
		sig, err := tari.SignWallet(rand.Reader, w.Key, w.Address, nonce, tariwire.ConfirmationPayload(txid))
		if err != nil {
			return nil, err
		}
		return tariwire.ConfirmationNotification{TxID: txid, Auth: w.auth(nonce, sig)}.MarshalJSON()
	}}
}

// Cancellation is the notice that the payment txid was cancelled, signed
// in the cancellation's own domain (docs/crypto.md), so that it can never
// pass for a confirmation.
func Cancellation(txid string) Notice {
	return Notice{Path: "/wallet/tx_cancelled", sign: func(w Wallet, nonce int64) ([]byte, error) {
		sig, err := tari.SignCancellation(rand.Reader, w.Key, w.Address, nonce, tariwire.ConfirmationPayload(txid))
		if err != nil {
			return nil, err
		}
		return tariwire.CancellationNotification{TxID: txid, Auth: w.auth(nonce, sig)}.MarshalJSON()
	}}
}

func (w Wallet) auth(nonce int64, sig tari.Signature) tariwire.WalletAuth {
	return tariwire.WalletAuth{Address: w.Address, Nonce: nonce, Signature: sig}
}

// ErrStaleNonce is the server's refusal of a nonce that is not its newest.
var ErrStaleNonce = errors.New("server answered 401: the nonce is not newer than the last one it saw")

// RetryableError marks failures worth another attempt: the server was not
// reached, or a gateway in front of it failed.
type RetryableError struct{ Err error }

func (e *RetryableError) Error() string { return e.Err.Error() }

// Post posts one signed body to url and reads the server's
// {"success":…,"message":…} answer: the message of a success, or an error.
func Post(ctx context.Context, client *http.Client, url string, body []byte) (string, error) {
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
		return "", &RetryableError{err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &RetryableError{fmt.Errorf("read answer: %w", err)}
	}
	switch {
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		return "", &RetryableError{fmt.Errorf("server answered %s", resp.Status)}
	case resp.StatusCode == http.StatusUnauthorized && bytes.Contains(raw, []byte(api.ErrWalletNonce.Message)):
		return "", ErrStaleNonce
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
