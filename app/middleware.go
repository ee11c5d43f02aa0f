package app

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/api"
	"taripay/engine/tari"
)

// accessLog writes one line per request in the reference's access-log
// format (docs/api.md, "Access log"), except for /health. It records headers and the
// request URI with its credentials cut short (redactURI), never a token or
// a body.
func accessLog(log *slog.Logger, now func() time.Time) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := now()
		began := time.Now()
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
		}
		if c.Path() == "/health" {
			return nil
		}
		log.Info(fmt.Sprintf(`%s %s x-forwarded-for: %s forwarded: %s "%s %s HTTP/1.1" %d ua:"%s" %.6f ms`,
			start.UTC().Format(time.RFC3339Nano),
			c.Context().RemoteIP(),
			headerOrDash(c, fiber.HeaderXForwardedFor),
			headerOrDash(c, fiber.HeaderForwarded),
			c.Method(), redactURI(c.OriginalURL()),
			c.Response().StatusCode(),
			headerOrDash(c, fiber.HeaderUserAgent),
			float64(time.Since(began).Nanoseconds())/1e6,
		), "logger", "access_log")
		return nil
	}
}

func headerOrDash(c *fiber.Ctx, name string) string {
	v := c.Get(name)
	if v == "" || !printableASCII(v) {
		return "-"
	}
	return v
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

const accessTokenName = "tpg_access_token"

// authenticate requires a valid access token from the tpg_access_token
// header, an Authorization: Bearer header, or the tpg_access_token cookie,
// in that order. A token that is present but bad is refused without trying
// the next place. The caller keeps only the token's roles that its address
// still holds (api.HeldRoles).
func authenticate(key tari.PublicKey, roles api.RoleReader, now func() time.Time) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := accessToken(c)
		if token == "" {
			return api.ErrNoToken
		}
		claims, err := tari.VerifyAccessToken(token, key, now())
		if err != nil {
			var terr *tari.TokenError
			if errors.As(err, &terr) {
				return api.TokenError(terr.Malformed(), terr.Error())
			}
			return api.TokenError(false, err.Error())
		}
		if claims, err = api.HeldRoles(c.UserContext(), roles, claims); err != nil {
			return err
		}
		api.SetCaller(c, claims)
		return c.Next()
	}
}

func accessToken(c *fiber.Ctx) string {
	if v := c.Get(accessTokenName); v != "" && printableASCII(v) {
		return v
	}
	if v, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok && v != "" {
		return strings.TrimSpace(v)
	}
	return c.Cookies(accessTokenName)
}

// require lets a request through when its token grants role; super_admin
// grants every role (docs/api.md, "Roles").
func require(role string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !api.Caller(c).HasRoles(role) {
			return api.ErrPermissions
		}
		return c.Next()
	}
}

// refuseBadText answers 400 to a request whose path, query or form holds
// NUL or invalid UTF-8 (api.CheckRequestText), before any route looks
// anything up with it.
func refuseBadText(c *fiber.Ctx) error {
	if err := api.CheckRequestText(c); err != nil {
		return err
	}
	return c.Next()
}

// refuseHead answers HEAD with 404, as the reference does: fiber would
// otherwise serve every GET route for HEAD too.
func refuseHead(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodHead {
		return api.ErrRouteMissing
	}
	return c.Next()
}
