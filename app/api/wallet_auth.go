package api

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/engine"
	"taripay/internal/tariwire"
)

type walletFinder interface {
	Wallet(ctx context.Context, address string) (engine.Wallet, error)
}

// WalletGuard checks a hot wallet's notification before anything changes:
// the signature over the canonical payload, then the wallet's registered
// IP, then the nonce (docs/api.md, "Hot-wallet notifications"). The engine consumes the nonce in the
// same transaction as the notification's effect.
type WalletGuard struct {
	Wallets          walletFinder
	IP               IPResolver
	DisableWhitelist bool // TPG_DISABLE_WALLET_WHITELIST
	Log              *slog.Logger
}

// check returns the WalletCall to hand the engine, or ErrWalletAuth or
// ErrWalletNonce, or a
// 503 when the wallet cannot be looked up.
func (g WalletGuard) check(c *fiber.Ctx, auth tariwire.WalletAuth, signed bool) (engine.WalletCall, error) {
	address := auth.Address.Base58()
	log := g.Log.With("address", address, "nonce", auth.Nonce)
	ip, ok := g.IP.RemoteIP(c)
	if !ok && !g.DisableWhitelist {
		log.Warn("wallet notification refused: no remote IP")
		return engine.WalletCall{}, ErrWalletAuth
	}
	if !signed {
		log.Warn("wallet notification refused: bad signature", "ip", ip.String())
		return engine.WalletCall{}, ErrWalletAuth
	}
	w, err := g.Wallets.Wallet(c.UserContext(), address)
	if errors.Is(err, engine.ErrUnavailable) {
		// Not a refusal: the wallet's notifier retries a 503, not a 401.
		return engine.WalletCall{}, Unavailable(err)
	}
	if err != nil {
		log.Warn("wallet notification refused: wallet not authorised", "ip", ip.String(), "err", err)
		return engine.WalletCall{}, ErrWalletAuth
	}
	if !g.DisableWhitelist {
		registered, err := netip.ParseAddr(w.IPAddress)
		if err != nil || registered != ip {
			log.Warn("wallet notification refused: wrong IP", "ip", ip.String(), "registered", w.IPAddress)
			return engine.WalletCall{}, ErrWalletAuth
		}
	}
	if auth.Nonce <= w.LastNonce {
		log.Warn("wallet notification refused: nonce not increasing", "last_nonce", w.LastNonce)
		return engine.WalletCall{}, ErrWalletNonce
	}
	return engine.WalletCall{Address: address, Nonce: auth.Nonce}, nil
}

type walletAuthShape struct {
	Address   jsontext.Value `json:"address"`
	Nonce     jsontext.Value `json:"nonce"`
	Signature jsontext.Value `json:"signature"`
}

type txidShape struct {
	TxID jsontext.Value `json:"txid"`
}

type confirmationShape struct {
	Confirmation txidShape       `json:"confirmation"`
	Auth         walletAuthShape `json:"auth"`
}

type cancellationShape struct {
	Cancellation txidShape       `json:"cancellation"`
	Auth         walletAuthShape `json:"auth"`
}

// parseConfirmation reads a tx_confirmation body.
func parseConfirmation(c *fiber.Ctx) (tariwire.ConfirmationNotification, error) {
	if err := decodeBody(c, &confirmationShape{}); err != nil {
		return tariwire.ConfirmationNotification{}, err
	}
	n, err := tariwire.ParseConfirmationNotification(c.Body())
	if err != nil {
		return n, errJSON(err.Error())
	}
	return n, checkText(maxIDLen, "txid", n.TxID)
}

// parseCancellation reads a tx_cancelled body.
func parseCancellation(c *fiber.Ctx) (tariwire.CancellationNotification, error) {
	if err := decodeBody(c, &cancellationShape{}); err != nil {
		return tariwire.CancellationNotification{}, err
	}
	n, err := tariwire.ParseCancellationNotification(c.Body())
	if err != nil {
		return n, errJSON(err.Error())
	}
	return n, checkText(maxIDLen, "txid", n.TxID)
}

// staleNonce answers a notification the engine refused for its nonce
// (ErrWalletNonce), so that the notifier signs it again; nil for any other
// error.
func staleNonce(log *slog.Logger, err error) error {
	if !errors.Is(err, engine.ErrInvalidNonce) {
		return nil
	}
	log.Warn("wallet notification refused: nonce not increasing")
	return ErrWalletNonce
}

// refusedNotification answers a payment or a confirmation the engine
// refused as the reference's notifier expects: a stale nonce is a 401 and
// a storage fault a 503 (httperr), which the notifier retries; anything
// else is 200 with success:false and msg, which ends the notification.
func refusedNotification(c *fiber.Ctx, log *slog.Logger, err error, msg string) error {
	if stale := staleNonce(log, err); stale != nil {
		return stale
	}
	if httperr.Retry(err) {
		return Unavailable(err)
	}
	log.Warn("wallet notification not applied", "status", httperr.Status(err), "err", err)
	return render(c, JSONResponse{Success: false, Message: msg})
}
