package api

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/engine/tari"
)

type callerKey struct{}

// SetCaller records the verified access-token claims of the request.
func SetCaller(c *fiber.Ctx, claims tari.AccessClaims) { c.Locals(callerKey{}, claims) }

// Caller returns the claims SetCaller recorded; routes behind the access
// token middleware always have them.
func Caller(c *fiber.Ctx) tari.AccessClaims {
	claims, _ := c.Locals(callerKey{}).(tari.AccessClaims)
	return claims
}

// isAdmin reports whether the caller may read any account.
func isAdmin(c *fiber.Ctx) bool {
	return Caller(c).HasRoles(tari.RoleReadAll)
}

// IPResolver finds the caller's IP as the reference does (api.md §3.6): the
// whole first X-Forwarded-For value as one IP literal, then the Forwarded
// header's for=<bare ip>, then the TCP peer.
type IPResolver struct {
	UseXForwardedFor bool
	UseForwarded     bool
}

// RemoteIP returns the caller's IP, or false when none can be determined.
func (r IPResolver) RemoteIP(c *fiber.Ctx) (netip.Addr, bool) {
	if r.UseXForwardedFor {
		if ip, err := netip.ParseAddr(c.Get(fiber.HeaderXForwardedFor)); err == nil {
			return ip, true
		}
	}
	if r.UseForwarded {
		v := c.Get(fiber.HeaderForwarded)
		if i := strings.Index(v, "for="); i >= 0 {
			v = v[i+len("for="):]
			if j := strings.IndexByte(v, ';'); j >= 0 {
				v = v[:j]
			}
			if ip, err := netip.ParseAddr(v); err == nil {
				return ip, true
			}
		}
	}
	ip, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	// Go hands IPv4 peers over as 16-byte IPv4-mapped slices.
	return ip.Unmap(), ok
}
