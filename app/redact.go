package app

import (
	"net/url"
	"strings"
)

// secretQueryKeys name query parameters that carry credentials: Shopify's
// launch parameters (id_token, hmac, session) and anything called token.
var secretQueryKeys = map[string]bool{"id_token": true, "hmac": true, "session": true, "signature": true, "token": true}

// redactURI keeps a request URI loggable: the claim token of /pay/{token}
// and the MAC of /pay/order/{id}/{mac} are credentials (whoever holds one
// may claim the order), and so are some query parameters. Each is cut to a
// short prefix that still lets an operator match log lines.
func redactURI(uri string) string {
	path, query, hasQuery := strings.Cut(uri, "?")
	if rest, ok := strings.CutPrefix(path, "/pay/"); ok {
		parts := strings.Split(rest, "/")
		secret := 0 // /pay/{token}/…
		if parts[0] == "order" && len(parts) >= 3 {
			secret = 2 // /pay/order/{id}/{mac}
		}
		parts[secret] = shorten(parts[secret])
		path = "/pay/" + strings.Join(parts, "/")
	}
	if !hasQuery {
		return path
	}
	pairs := strings.Split(query, "&")
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if key, err := url.QueryUnescape(k); ok && err == nil && secretQueryKeys[strings.ToLower(key)] {
			pairs[i] = k + "=" + shorten(v)
		}
	}
	return path + "?" + strings.Join(pairs, "&")
}

func shorten(secret string) string {
	if len(secret) <= 6 {
		return secret
	}
	return secret[:6] + "…"
}
