package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// LaunchHMAC is the hmac Shopify adds to the query of a URL it opens the app
// at (the app URL, an install): hex HMAC-SHA256 under the app's client
// secret of every other parameter, sorted by name, as name=value joined
// with "&".
func LaunchHMAC(q url.Values, secret string) string {
	var parts []string
	for k, vs := range q {
		if k == "hmac" || k == "signature" {
			continue
		}
		for _, v := range vs {
			parts = append(parts, k+"="+v)
		}
	}
	slices.Sort(parts)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(parts, "&")))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyLaunch reports whether q carries Shopify's hmac under secret.
func VerifyLaunch(q url.Values, secret string) bool {
	got := q.Get("hmac")
	return secret != "" && got != "" && hmac.Equal([]byte(got), []byte(LaunchHMAC(q, secret)))
}
