package tari

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// Key errors.
var (
	ErrKeyLength       = errors.New("Invalid hex representation for the target type")
	ErrSecretKey       = errors.New("secret key is not a canonical scalar")
	ErrPublicKey       = errors.New("public key is not a canonical Ristretto point")
	errShortRandomness = errors.New("tari: not enough randomness")
)

// SecretKey is a canonical Ristretto scalar (32 bytes, little-endian).
// The zero value is the zero scalar, which signs nothing useful.
type SecretKey struct{ b [32]byte }

// PublicKey is a canonical Ristretto point encoding. The zero value is the
// identity point, which verification always rejects.
type PublicKey struct{ b [32]byte }

// NewSecretKey draws 64 bytes from r and reduces them mod ℓ, as tari_crypto's
// Scalar::random does. Pass crypto/rand.Reader outside tests.
func NewSecretKey(r io.Reader) (SecretKey, error) {
	s, err := randomScalar(r)
	if err != nil {
		return SecretKey{}, err
	}
	var k SecretKey
	s.Encode(k.b[:0])
	return k, nil
}

// ParseSecretKey reads a 64-character hex scalar with tari from_hex rules and
// rejects values ≥ ℓ rather than reducing them.
func ParseSecretKey(s string) (SecretKey, error) {
	b, err := decodeHex(s)
	if err != nil {
		return SecretKey{}, err
	}
	return secretKeyFromBytes(b)
}

func secretKeyFromBytes(b []byte) (SecretKey, error) {
	if len(b) != 32 {
		return SecretKey{}, ErrKeyLength
	}
	if err := ristretto255.NewScalar().Decode(b); err != nil {
		return SecretKey{}, ErrSecretKey
	}
	var k SecretKey
	copy(k.b[:], b)
	return k, nil
}

// Public returns k·G.
func (k SecretKey) Public() PublicKey {
	var p PublicKey
	ristretto255.NewElement().ScalarBaseMult(k.scalar()).Encode(p.b[:0])
	return p
}

// Hex returns the lowercase hex of the scalar. It is a secret: never log it.
func (k SecretKey) Hex() string { return hex.EncodeToString(k.b[:]) }

// String keeps secrets out of logs and fmt output.
func (k SecretKey) String() string { return "SecretKey(redacted)" }

func (k SecretKey) scalar() *ristretto255.Scalar {
	s := ristretto255.NewScalar()
	if err := s.Decode(k.b[:]); err != nil {
		panic("tari: SecretKey holds a non-canonical scalar")
	}
	return s
}

// ParsePublicKey reads a 64-character hex point with tari from_hex rules and
// requires a canonical Ristretto encoding.
func ParsePublicKey(s string) (PublicKey, error) {
	b, err := decodeHex(s)
	if err != nil {
		return PublicKey{}, err
	}
	return publicKeyFromBytes(b)
}

func publicKeyFromBytes(b []byte) (PublicKey, error) {
	if len(b) != 32 {
		return PublicKey{}, ErrKeyLength
	}
	if err := ristretto255.NewElement().Decode(b); err != nil {
		return PublicKey{}, ErrPublicKey
	}
	var p PublicKey
	copy(p.b[:], b)
	return p, nil
}

// Hex returns the lowercase hex of the point encoding.
func (p PublicKey) Hex() string { return hex.EncodeToString(p.b[:]) }

// String returns the hex form, so keys read well in logs.
func (p PublicKey) String() string { return p.Hex() }

// Bytes returns the 32-byte encoding.
func (p PublicKey) Bytes() []byte { return append([]byte(nil), p.b[:]...) }

// IsIdentity reports whether p is the identity point, never a valid signer.
func (p PublicKey) IsIdentity() bool { return p.b == [32]byte{} }

// randomScalar wide-reduces 64 bytes from r.
func randomScalar(r io.Reader) (*ristretto255.Scalar, error) {
	var buf [64]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", errShortRandomness, err)
	}
	return ristretto255.NewScalar().FromUniformBytes(buf[:]), nil
}
