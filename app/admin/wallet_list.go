package admin

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

type walletService interface {
	Wallets(ctx context.Context) ([]engine.Wallet, error)
	AuthorizeWallet(ctx context.Context, w engine.Wallet) error
	RevokeWallet(ctx context.Context, address string) error
}

// walletList lists the authorised hot wallets with their last nonce and last seen.
func (h *Handler) walletList(c *fiber.Ctx) error {
	s, err := h.walletsSection(c, nil, authorizeForm(nil, nil))
	if err != nil {
		return err
	}
	return render(c, view.WalletsView(view.WalletsPage{Layout: h.layout(c, "Hot wallets", "wallets"), Section: s}))
}

func (h *Handler) walletsSection(c *fiber.Ctx, flash *view.Flash, authorize view.Form) (view.WalletsSection, error) {
	ws, err := h.deps.Engine.Wallets(c.UserContext())
	if err != nil {
		return view.WalletsSection{}, err
	}
	s := view.WalletsSection{Flash: flash, Authorize: authorize}
	switch a, err := h.deps.Engine.PaymentAddress(c.UserContext()); {
	case errors.Is(err, engine.ErrNoPaymentAddress):
		s.PayTo.Problem = err.Error()
	case err != nil:
		return view.WalletsSection{}, err
	default:
		s.PayTo = view.PayTo{Address: a.Base58(), Source: paymentAddressSource(h.deps.Engine)}
	}
	for i, w := range ws {
		s.Wallets = append(s.Wallets, view.WalletRow{
			Address:   w.Address,
			IP:        w.IPAddress,
			LastNonce: strconv.FormatInt(w.LastNonce, 10),
			LastSeen:  whenPtr(w.LastSeen),
			Revoke:    revokeForm(i, w.Address),
		})
	}
	return s, nil
}

func (h *Handler) walletsDone(c *fiber.Ctx, message string) error {
	s, err := h.walletsSection(c, &view.Flash{Text: message, Tone: "success"}, authorizeForm(nil, nil))
	if err != nil {
		return err
	}
	full := view.WalletsView(view.WalletsPage{Layout: h.layout(c, "Hot wallets", "wallets"), Section: s})
	return formDone(c, "#wallets", full, view.WalletsSectionView(s))
}

func revokeForm(i int, address string) view.Form {
	return view.Form{
		ID:     "revoke-" + strconv.Itoa(i),
		Action: "/admin/wallets/" + url.PathEscape(address) + "/revoke",
		Submit: "Revoke…",
		Danger: true,
	}
}
