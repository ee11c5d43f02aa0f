// Package tari implements the Tari wire formats taripay shares with the
// reference payment server and Tari wallets: Ristretto keys, TariAddress
// (binary, base58, emoji, hex and serde JSON), domain-separated Schnorr
// signatures, order-claim (memo) and hot-wallet signatures, and Ristretto256
// JWTs. Everything follows Tari's formats byte for byte (docs/crypto.md).
// The bodies that carry hot-wallet signatures are internal/tariwire's; the
// serde-compatible JSON both use is internal/serde.
//
// Signing functions take an io.Reader for the nonce: pass crypto/rand.Reader
// in production and a fixed reader in tests to reproduce signatures.
//
//	k, _ := tari.NewSecretKey(rand.Reader)
//	addr := tari.NewAddress(tari.MainNet, k.Public())
//	claim, _ := tari.SignMemo(rand.Reader, k, addr, "order10256")
//	body, _ := claim.MarshalJSON() // POST /order/claim
//
//	m, err := tari.ParseMemoSignature(body) // server side
//	ok := err == nil && m.Verify()
package tari
