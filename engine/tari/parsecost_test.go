package tari

import (
	"crypto/rand"
	"strings"
	"testing"

	"taripay/internal/parsecost"
)

// The parsers of untrusted text at 1×, 10× and 100× a typical input: each
// costs at most linear time in its input, and refuses oversize input
// before decoding it (docs/benchmarks.md, parser cost).
func BenchmarkParseCost(b *testing.B) {
	k := mustKey(b, rand.Reader)
	a := NewAddress(MainNet, k.Public())
	sig, err := SignMemo(rand.Reader, k, a, "1001")
	if err != nil {
		b.Fatal(err)
	}
	memo, _ := sig.MarshalJSON()
	tok, err := SignLoginToken(rand.Reader, k, LoginClaims{Address: a, Nonce: 1, DesiredRoles: []string{"user"}})
	if err != nil {
		b.Fatal(err)
	}
	hex := k.Public().Hex()
	sigHex := strings.Repeat("ab", 64)
	ignore := func(any, error) {}
	for _, p := range []struct {
		name  string
		input func(n int) string
		parse func(string)
	}{
		// Base58 digits: the quadratic decoder's input, refused past 441.
		{"address_base58", func(n int) string { return parsecost.Grow(a.Base58(), "1", n) }, func(s string) { ignore(ParseAddress(s)) }},
		{"address_emoji", func(n int) string { return parsecost.Grow(a.Emoji(), "🌀", n) }, func(s string) { ignore(ParseAddress(s)) }},
		{"public_key_hex", func(n int) string { return parsecost.Grow(hex, "0", n) }, func(s string) { ignore(ParsePublicKey(s)) }},
		{"signature_hex", func(n int) string { return parsecost.Grow(sigHex, "0", n) }, func(s string) { ignore(ParseSignature(s)) }},
		// A claim whose address grows, as in a forged order note.
		{"memo_claim", func(n int) string {
			return strings.Replace(string(memo), a.Base58(), parsecost.Grow(a.Base58(), "1", n), 1)
		}, func(s string) { ignore(ParseMemoSignature([]byte(s))) }},
		{"login_token", func(n int) string { return parsecost.Grow(tok, "A", n) }, func(s string) { ignore(ParseLoginToken(s)) }},
	} {
		b.Run(p.name, func(b *testing.B) { parsecost.Run(b, p.input, p.parse) })
	}
}
