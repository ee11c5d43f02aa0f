package tari

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/blake2b"
)

// Signature parse errors, worded as the reference's hex_to_schnorr.
var (
	ErrSignatureLength = errors.New("Invalid signature length")
	ErrSignatureNonce  = errors.New("Signature contains an invalid public nonce.")
	ErrSignatureScalar = errors.New("Signature contains an invalid signature key.")
)

// domain is a tari_crypto hash-domain tag: "<name>.v<version>.challenge".
type domain string

const (
	domainWallet domain = "WalletSignature.v1.challenge"
	domainMemo   domain = "MemoSignature.v1.challenge"
	domainJWT    domain = "com.tari.jwt-ristretto.v1.challenge"
	// domainCancel is taripay's own, for /wallet/tx_cancelled, which the
	// reference does not have: no signature made in domainWallet (a
	// confirmation seen in transit, say) verifies as a cancellation, nor
	// the other way round.
	domainCancel domain = "TaripayWalletCancellation.v1.challenge"
)

// Signature is a Schnorr signature: public nonce R and scalar s, both
// canonical once parsed. Comparable with ==.
type Signature struct {
	r [32]byte
	s [32]byte
}

// ParseSignature reads hex(R) ‖ hex(s): exactly 128 characters, each half
// decoded separately (upper case accepted) and checked for canonical form.
func ParseSignature(s string) (Signature, error) {
	if len(s) != 128 {
		return Signature{}, ErrSignatureLength
	}
	r, err := decodeHex(s[:64])
	if err == nil && len(r) != 32 {
		err = ErrKeyLength
	}
	if err != nil {
		return Signature{}, fmt.Errorf("%w %v", ErrSignatureNonce, err)
	}
	sc, err := decodeHex(s[64:])
	if err == nil && len(sc) != 32 {
		err = ErrKeyLength
	}
	if err != nil {
		return Signature{}, fmt.Errorf("%w %v", ErrSignatureScalar, err)
	}
	return signatureFromParts(r, sc)
}

// signatureFromBytes reads the 64-byte R ‖ s layout used in JWTs.
func signatureFromBytes(b []byte) (Signature, error) {
	if len(b) != 64 {
		return Signature{}, ErrSignatureLength
	}
	return signatureFromParts(b[:32], b[32:])
}

func signatureFromParts(r, s []byte) (Signature, error) {
	if ristretto255.NewElement().Decode(r) != nil {
		return Signature{}, fmt.Errorf("%w %v", ErrSignatureNonce, ErrPublicKey)
	}
	if ristretto255.NewScalar().Decode(s) != nil {
		return Signature{}, fmt.Errorf("%w %v", ErrSignatureScalar, ErrSecretKey)
	}
	var sig Signature
	copy(sig.r[:], r)
	copy(sig.s[:], s)
	return sig, nil
}

// Hex returns hex(R) ‖ hex(s), lowercase.
func (sig Signature) Hex() string { return hex.EncodeToString(sig.Bytes()) }

// Bytes returns R ‖ s.
func (sig Signature) Bytes() []byte {
	return append(append(make([]byte, 0, 64), sig.r[:]...), sig.s[:]...)
}

// challenge computes e = wide_reduce(Blake2b-512(u64le(len tag) ‖ tag ‖
// u64le(32) ‖ R ‖ u64le(32) ‖ P ‖ u64le(len m) ‖ m)).
func challenge(d domain, r, p, msg []byte) *ristretto255.Scalar {
	h, _ := blake2b.New512(nil) // cannot fail without a key
	var n [8]byte
	for _, part := range [][]byte{[]byte(d), r, p, msg} {
		binary.LittleEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return ristretto255.NewScalar().FromUniformBytes(h.Sum(nil))
}

// sign makes a Schnorr signature with a nonce drawn from rand (64 bytes,
// wide-reduced). Fixing rand makes signatures reproducible in tests.
func sign(rand io.Reader, k SecretKey, d domain, msg []byte) (Signature, error) {
	nonce, err := randomScalar(rand)
	if err != nil {
		return Signature{}, err
	}
	var sig Signature
	ristretto255.NewElement().ScalarBaseMult(nonce).Encode(sig.r[:0])
	pub := k.Public()
	e := challenge(d, sig.r[:], pub.b[:], msg)
	s := ristretto255.NewScalar().Multiply(e, k.scalar())
	s.Add(s, nonce)
	s.Encode(sig.s[:0])
	return sig, nil
}

// verify checks s·G == R + e·P, rejecting the identity key.
func verify(p PublicKey, d domain, msg []byte, sig Signature) bool {
	if p.IsIdentity() {
		return false
	}
	pub := ristretto255.NewElement()
	if pub.Decode(p.b[:]) != nil {
		return false
	}
	r := ristretto255.NewElement()
	if r.Decode(sig.r[:]) != nil {
		return false
	}
	s := ristretto255.NewScalar()
	if s.Decode(sig.s[:]) != nil {
		return false
	}
	e := challenge(d, sig.r[:], p.b[:], msg)
	// R == s·G − e·P, in one variable-time double multiplication; all
	// inputs are public.
	want := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(e.Negate(e), pub, s)
	return want.Equal(r) == 1
}
