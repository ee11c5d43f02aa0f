package api

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type callerKey struct{}

// RoleReader reads the roles an address holds now.
type RoleReader interface {
	Roles(ctx context.Context, address string) ([]engine.Role, error)
}

// HeldRoles cuts an access token's roles down to those its address holds
// now, so that a revocation takes effect on the next request rather than
// when the 24-hour token expires. The token still grants no role it did
// not ask for at login (api.md §2.2). A token with no role beyond user,
// which every address holds, costs no read; any other costs one indexed
// read of the address's role rows.
func HeldRoles(ctx context.Context, e RoleReader, claims tari.AccessClaims) (tari.AccessClaims, error) {
	if !slices.ContainsFunc(claims.Roles, func(r string) bool { return r != tari.RoleUser }) {
		return claims, nil
	}
	held, err := e.Roles(ctx, claims.Address.Base58())
	if err != nil {
		return claims, fromEngine(err, "")
	}
	claims.Roles = slices.DeleteFunc(slices.Clone(claims.Roles), func(r string) bool {
		return !slices.Contains(held, engine.Role(r))
	})
	return claims, nil
}

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
