package api

import (
	"context"
	"log/slog"
	"net/netip"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type walletManager interface {
	Wallets(ctx context.Context) ([]engine.Wallet, error)
	AuthorizeWallet(ctx context.Context, w engine.Wallet) error
	RevokeWallet(ctx context.Context, address string) error
}

// ListWallets answers GET /api/wallets.
func ListWallets(e walletManager) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ws, err := e.Wallets(c.UserContext())
		if err != nil {
			return FromEngine(err, "")
		}
		out := make([]WalletInfo, len(ws))
		for i, w := range ws {
			out[i] = WalletInfo{Address: w.Address, IPAddress: w.IPAddress, LastNonce: w.LastNonce}
		}
		return render(c, out)
	}
}

type newWalletInfo struct {
	Address      string `json:"address"`
	IPAddress    string `json:"ip_address"`
	InitialNonce *int64 `json:"initial_nonce"`
}

// AddWallet answers POST /api/wallets: it authorises a hot wallet to send
// notifications from one IP.
func AddWallet(e walletManager, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req newWalletInfo
		if err := decodeBody(c, &req, "address", "ip_address"); err != nil {
			return err
		}
		a, err := tari.ParseAddress(req.Address)
		if err != nil {
			return errJSON(tari.ErrAddressString.Error())
		}
		ip, err := netip.ParseAddr(req.IPAddress)
		if err != nil || ip.Zone() != "" {
			return errJSON("field `ip_address` is not an IP address")
		}
		w := engine.Wallet{Address: a.Base58(), IPAddress: ip.String()}
		if req.InitialNonce != nil {
			w.LastNonce = *req.InitialNonce
		}
		if err := e.AuthorizeWallet(actor(c), w); err != nil {
			return FromEngine(err, "")
		}
		log.Info("wallet authorised", "address", w.Address, "ip", w.IPAddress, "by", Caller(c).Address.Base58())
		return empty(c)
	}
}

// RemoveWallet answers DELETE /api/wallets/{address}.
func RemoveWallet(e walletManager, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := addressParam(c, "address")
		if err != nil {
			return err
		}
		if err := e.RevokeWallet(actor(c), a.Base58()); err != nil {
			return FromEngine(err, "")
		}
		log.Info("wallet revoked", "address", a.Base58(), "by", Caller(c).Address.Base58())
		return empty(c)
	}
}

// actor is the request context tagged with the calling address, for the
// engine's audit trail.
func actor(c *fiber.Ctx) context.Context {
	return engine.WithActor(c.UserContext(), "api:"+Caller(c).Address.Base58())
}
