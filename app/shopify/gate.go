package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/netip"
	"slices"

	"github.com/gofiber/fiber/v2"
)

// Sign returns the X-Shopify-Hmac-Sha256 value of body under secret.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a webhook's HMAC over its raw body in constant time.
// An empty secret never verifies.
func VerifyWebhook(body []byte, header, secret string) bool {
	if secret == "" || header == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(header)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Gate guards every /shopify route: the HMAC over the raw body first, then
// the IP whitelist (docs/api.md, "Shopify webhooks"). remoteIP resolves the caller's
// address with the server's forwarding rules; nil means the TCP peer.
func Gate(cfg Config, remoteIP func(*fiber.Ctx) (netip.Addr, bool), log *slog.Logger) fiber.Handler {
	if remoteIP == nil {
		remoteIP = peerIP
	}
	return func(c *fiber.Ctx) error {
		// BodyRaw, not Body: Body would decompress and change the signed bytes.
		if cfg.HMACChecks {
			sig := c.Get("X-Shopify-Hmac-Sha256")
			if !VerifyWebhook(c.BodyRaw(), sig, cfg.HMACSecret) {
				log.Warn("shopify webhook refused: bad or missing HMAC", "path", c.Path(), "shop", c.Get("X-Shopify-Shop-Domain"))
				msg := "Invalid HMAC signature."
				if sig == "" {
					msg = "No HMAC signature found."
				}
				return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": msg})
			}
		}
		if cfg.IPWhitelist != nil {
			ip, ok := remoteIP(c)
			if !ok || !slices.Contains(cfg.IPWhitelist, ip.Unmap()) {
				log.Warn("shopify webhook refused: IP not whitelisted", "path", c.Path(), "ip", ip.String())
				return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "Authentication Error. Request was made from a forbidden peer"})
			}
		}
		return c.Next()
	}
}

func peerIP(c *fiber.Ctx) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(c.Context().RemoteIP().String())
	return ip, err == nil
}
