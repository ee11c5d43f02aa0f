package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type loginer interface {
	Login(ctx context.Context, address string, nonce int64, roles []engine.Role) error
	Roles(ctx context.Context, address string) ([]engine.Role, error)
}

// Login answers POST /auth: it turns a self-signed login token into an
// access token signed with the server key (docs/api.md, "Logging in").
func Login(e loginer, key tari.SecretKey, now func() time.Time, rand io.Reader, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Get("tpg_auth_token")
		if token == "" || !visibleASCII(token) {
			return ErrAuthHeader
		}
		claims, err := tari.ParseLoginToken(token)
		var terr *tari.TokenError
		if errors.As(err, &terr) {
			status := fiber.StatusUnauthorized
			if terr.Malformed() {
				status = fiber.StatusBadRequest
			}
			return errLoginToken(status, terr.LoginMessage())
		}
		if err != nil {
			return FromEngine(err, "")
		}
		if claims.Nonce > math.MaxInt64 {
			return errAuthValidation("Nonce is not strictly increasing.")
		}
		address := claims.Address.Base58()
		var wanted []engine.Role
		for _, r := range claims.DesiredRoles {
			if r != tari.RoleUser {
				wanted = append(wanted, engine.Role(r))
			}
		}
		ctx := c.UserContext()
		if err := e.Login(ctx, address, int64(claims.Nonce), wanted); err != nil {
			if errors.Is(err, engine.ErrRoleNotAllowed) {
				return rolesNotAllowed(ctx, e, address, wanted)
			}
			return FromEngine(err, "")
		}
		access, err := tari.IssueAccessToken(rand, key, tari.NewAccessClaims(claims, now()))
		if err != nil {
			return FromEngine(fmt.Errorf("issue access token: %w", err), "")
		}
		log.Info("login", "address", address, "roles", claims.DesiredRoles)
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.SendString(access)
	}
}

// rolesNotAllowed counts the requested roles the address does not hold, as
// the reference's message does (duplicates count).
func rolesNotAllowed(ctx context.Context, e loginer, address string, wanted []engine.Role) error {
	held, err := e.Roles(ctx, address)
	if err != nil {
		return FromEngine(err, "")
	}
	missing := 0
	for _, r := range wanted {
		if !containsRole(held, r) {
			missing++
		}
	}
	return errInsufficientPermissions(fmt.Sprintf("User requested at least %d roles that are not allowed", missing))
}

func containsRole(roles []engine.Role, r engine.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
