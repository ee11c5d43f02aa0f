package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type roleUpdater interface {
	UpdateRoles(ctx context.Context, address string, grant, revoke []engine.Role) error
}

type roleUpdateRequest struct {
	Address string   `json:"address"`
	Apply   []string `json:"apply"`
	Revoke  []string `json:"revoke"`
}

// UpdateRoles answers POST /api/roles. Every entry is checked before any is
// applied, and granting a held role or revoking a missing one is a no-op
// (the reference fails on both).
func UpdateRoles(e roleUpdater, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var reqs []roleUpdateRequest
		if err := checkContentType(c); err != nil {
			return err
		}
		if err := decodeJSONArray(c.Body(), &reqs); err != nil {
			return err
		}
		type update struct {
			address       string
			grant, revoke []engine.Role
		}
		updates := make([]update, len(reqs))
		for i, r := range reqs {
			a, err := tari.ParseAddress(r.Address)
			if err != nil {
				return errInvalidRequestPath(tari.ErrAddressString.Error())
			}
			grant, err := roles(r.Apply)
			if err != nil {
				return err
			}
			revoke, err := roles(r.Revoke)
			if err != nil {
				return err
			}
			updates[i] = update{a.Base58(), grant, revoke}
		}
		for _, u := range updates {
			if err := e.UpdateRoles(actor(c), u.address, u.grant, u.revoke); err != nil {
				return FromEngine(err, "")
			}
			log.Info("roles updated", "address", u.address, "grant", u.grant, "revoke", u.revoke, "by", Caller(c).Address.Base58())
		}
		return empty(c)
	}
}

func roles(names []string) ([]engine.Role, error) {
	out := make([]engine.Role, 0, len(names))
	for _, n := range names {
		if !tari.ValidRole(n) {
			return nil, errJSON("unknown variant `" + n + "`, expected one of `user`, `read_all`, `write`, `payment_wallet`, `super_admin`")
		}
		out = append(out, engine.Role(n))
	}
	return out, nil
}
