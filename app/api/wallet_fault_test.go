package api

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type fakeWallets struct{ err error }

func (f fakeWallets) Wallet(_ context.Context, address string) (engine.Wallet, error) {
	return engine.Wallet{Address: address}, f.err
}

// fakeNotified answers every payment and confirmation with err.
type fakeNotified struct{ err error }

func (f fakeNotified) ReceivePayment(context.Context, engine.WalletCall, engine.NewPayment) (engine.Payment, error) {
	return engine.Payment{}, f.err
}

func (f fakeNotified) ConfirmPayment(context.Context, engine.WalletCall, string) (engine.Payment, []engine.Order, error) {
	return engine.Payment{}, nil, f.err
}

// TestWalletNotificationStorageFault checks that a wallet notification
// meeting a storage fault is a 503, which the notifier retries, and not a
// 200 with success:false or a 401, which it takes as final.
func TestWalletNotificationStorageFault(t *testing.T) {
	down := fmt.Errorf("%w: database or disk is full", engine.ErrUnavailable)
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	addr := tari.NewAddress(tari.MainNet, k.Public())
	payment := func() []byte {
		p := tari.Payment{Sender: addr, Amount: 1, TxID: "tx-1"}
		sig, err := tari.SignWallet(rand.Reader, k, addr, 1, p.Payload())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tari.PaymentNotification{Payment: p, Auth: tari.WalletAuth{Address: addr, Nonce: 1, Signature: sig}}.MarshalJSON()
		return b
	}
	confirmation := func() []byte {
		sig, err := tari.SignWallet(rand.Reader, k, addr, 1, tari.ConfirmationPayload("tx-1"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tari.ConfirmationNotification{TxID: "tx-1", Auth: tari.WalletAuth{Address: addr, Nonce: 1, Signature: sig}}.MarshalJSON()
		return b
	}
	tests := []struct {
		name      string
		path      string
		body      []byte
		walletErr error
		engineErr error
		status    int
		reply     string // a prefix
	}{
		{"payment, store down", "/wallet/incoming_payment", payment(), nil, down, 503, "The database is unavailable"},
		{"confirmation, store down", "/wallet/tx_confirmation", confirmation(), nil, down, 503, "The database is unavailable"},
		{"payment, wallet lookup down", "/wallet/incoming_payment", payment(), down, nil, 503, "The database is unavailable"},
		{"confirmation, wallet lookup down", "/wallet/tx_confirmation", confirmation(), down, nil, 503, "The database is unavailable"},
		{"payment, a bug", "/wallet/incoming_payment", payment(), nil, errors.New("nil map"), 200, `{"success":false`},
		{"confirmation, a bug", "/wallet/tx_confirmation", confirmation(), nil, errors.New("nil map"), 200, `{"success":false`},
		{"unknown wallet", "/wallet/incoming_payment", payment(), engine.Errorf(engine.ENOTFOUND, engine.ErrWalletNotFound, "no wallet"), nil, 401, "Authentication Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// As app's error handler: an *Error's status and message.
			app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
				var ae *Error
				if !errors.As(err, &ae) {
					return c.SendStatus(http.StatusInternalServerError)
				}
				return c.Status(ae.Status).SendString(ae.Message)
			}})
			g := WalletGuard{Wallets: fakeWallets{tt.walletErr}, DisableWhitelist: true, Log: slog.New(slog.DiscardHandler)}
			app.Post("/wallet/incoming_payment", IncomingPayment(fakeNotified{tt.engineErr}, g))
			app.Post("/wallet/tx_confirmation", ConfirmTransaction(fakeNotified{tt.engineErr}, g))
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(string(tt.body)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.reply) {
				t.Errorf("got %d %s, want %d %s…", resp.StatusCode, body, tt.status, tt.reply)
			}
		})
	}
}
