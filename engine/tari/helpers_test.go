package tari

import (
	"io"
	"math/rand/v2"
	"testing"
)

// generatorNonce is the Schnorr nonce r that produced the generated vectors
// in tari_vectors.json (recovered as r = s − e·k from a generated token).
const generatorNonce = "0b01010101010101010101010101010101010101010101010101010101010101"

// testRand is a deterministic stream for keys and nonces in tests.
func testRand() io.Reader { return rand.NewChaCha8([32]byte{'t', 'a', 'r', 'i'}) }

func mustKey(t testing.TB, r io.Reader) SecretKey {
	t.Helper()
	k, err := NewSecretKey(r)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
