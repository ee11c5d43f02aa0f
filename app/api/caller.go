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
// not ask for at login. A token with no role beyond user,
// which every address holds, costs no read; any other costs one indexed
// read of the address's role rows.
func HeldRoles(ctx context.Context, e RoleReader, claims tari.AccessClaims) (tari.AccessClaims, error) {
	if !slices.ContainsFunc(claims.Roles, func(r string) bool { return r != tari.RoleUser }) {
		return claims, nil
	}
	held, err := e.Roles(ctx, claims.Address.Base58())
	if err != nil {
		return claims, FromEngine(err, "")
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

// IPResolver finds the caller's IP. Without a forwarding header enabled it
// is the TCP peer. Behind proxies (TPG_USE_X_FORWARDED_FOR or
// TPG_USE_FORWARDED) it is the entry our own proxies wrote: each appends the
// peer it saw, so the caller is the TrustedHops-th entry from the right, and
// everything left of it is whatever the client chose to send. Repeated
// header lines are one list. A header that is present but too short or
// malformed there gives no IP at all, never a fallback to another header a
// client could have written.
type IPResolver struct {
	UseXForwardedFor bool
	UseForwarded     bool
	TrustedHops      int // TPG_TRUSTED_PROXY_HOPS; below 1 counts as 1
}

// RemoteIP returns the caller's IP, or false when none can be determined.
func (r IPResolver) RemoteIP(c *fiber.Ctx) (netip.Addr, bool) {
	hops := max(r.TrustedHops, 1)
	if r.UseXForwardedFor {
		if lines := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor); len(lines) > 0 {
			return XForwardedFor(joinLines(lines), hops)
		}
	}
	if r.UseForwarded {
		if lines := c.Request().Header.PeekAll(fiber.HeaderForwarded); len(lines) > 0 {
			return ForwardedFor(joinLines(lines), hops)
		}
	}
	ip, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	// Go hands IPv4 peers over as 16-byte IPv4-mapped slices.
	return ip.Unmap(), ok
}

// joinLines joins repeated header lines into one list (RFC 9110 §5.3).
func joinLines(lines [][]byte) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = string(l)
	}
	return strings.Join(parts, ",")
}

// XForwardedFor returns the hops-th entry from the right of an
// X-Forwarded-For list: an IP, optionally with a port.
func XForwardedFor(list string, hops int) (netip.Addr, bool) {
	entry, ok := fromRight(list, hops, false)
	if !ok {
		return netip.Addr{}, false
	}
	return nodeIP(entry)
}

// ForwardedFor returns the for= node of the hops-th element from the right
// of a Forwarded header (RFC 7239): an IPv4 address or a bracketed IPv6
// one, optionally quoted and with a port. An obfuscated or "unknown" node
// gives no IP.
func ForwardedFor(header string, hops int) (netip.Addr, bool) {
	element, ok := fromRight(header, hops, true)
	if !ok {
		return netip.Addr{}, false
	}
	var node string
	found := false
	for _, pair := range splitOutsideQuotes(element, ';') {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "for") {
			continue
		}
		if found {
			return netip.Addr{}, false // two for= in one element
		}
		node, found = strings.TrimSpace(value), true
	}
	if !found {
		return netip.Addr{}, false
	}
	if len(node) >= 2 && node[0] == '"' && node[len(node)-1] == '"' {
		node = node[1 : len(node)-1]
	}
	return nodeIP(node)
}

// fromRight returns the hops-th comma-separated element from the right,
// trimmed. It reads only that element and those right of it, which our
// proxies wrote, so nothing a client puts further left (an unbalanced
// quote, say) can change it. quoted makes a comma inside a quoted string
// part of its element, as in Forwarded.
func fromRight(list string, hops int, quoted bool) (string, bool) {
	end := len(list)
	inQuote := false
	for i := len(list) - 1; i >= -1; i-- {
		if i >= 0 {
			switch {
			case quoted && list[i] == '"' && (i == 0 || list[i-1] != '\\'):
				inQuote = !inQuote
				continue
			case list[i] != ',' || inQuote:
				continue
			}
		}
		hops--
		if hops == 0 {
			if inQuote {
				return "", false
			}
			e := strings.TrimSpace(list[i+1 : end])
			return e, e != ""
		}
		end = i
	}
	return "", false
}

// splitOutsideQuotes splits s at every sep that is not inside a quoted string.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"' && (i == 0 || s[i-1] != '\\'):
			inQuote = !inQuote
		case s[i] == sep && !inQuote:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// nodeIP reads "ip", "ipv4:port", "[ipv6]" or "[ipv6]:port".
func nodeIP(node string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(node); err == nil && ip.Zone() == "" {
		return ip.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(node); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(node, "[") && strings.HasSuffix(node, "]") {
		if ip, err := netip.ParseAddr(node[1 : len(node)-1]); err == nil && ip.Is6() && ip.Zone() == "" {
			return ip.Unmap(), true
		}
	}
	return netip.Addr{}, false
}
