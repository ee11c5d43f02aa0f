package tari

import (
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/blake2b"
)

// Address sizes in bytes.
const (
	SingleAddressSize = 35 // network | features | spend key | checksum
	DualAddressSize   = 67 // network | features | view key | spend key | checksum
	// MaxPaymentIDSize bounds the payment id a dual address may carry
	// between its spend key and its checksum (RFC-0155; docs/crypto.md).
	MaxPaymentIDSize = 256
	maxAddressSize   = DualAddressSize + MaxPaymentIDSize
)

// Text bounds, checked before any decoding: addresses are untrusted input
// and base58 decoding is quadratic in the length.
const (
	// maxBase58AddressLen is the longest base58 form: one character each
	// for the network and features, then at most 439 for the other 321
	// bytes (ceil(321·8/log2 58)). Anything longer decodes to too many bytes.
	maxBase58AddressLen = 2 + 439
	// minBase58AddressLen is the shortest: a single address whose 33 bytes
	// after the network and features are all zero is 33 '1's. The
	// reference refuses base58 shorter than 45, and so could not read back
	// the base58 form of a key that starts with zero bytes.
	minBase58AddressLen = 2 + 33
	// maxAddressTextLen leaves room for the longest emoji form (323 emoji
	// of up to 4 bytes) with a '|' between every two, and some padding.
	maxAddressTextLen = 2048
)

// Address feature bits.
const (
	FeatureOneSided    byte = 0x01
	FeatureInteractive byte = 0x02
	// FeaturePaymentID marks a dual address that carries a payment id.
	FeaturePaymentID byte = 0x04
	DefaultFeatures       = FeatureOneSided | FeatureInteractive
	knownFeatures         = DefaultFeatures | FeaturePaymentID
)

// ErrAddressString is the reference's message for any address text that does
// not parse; the HTTP layer sends it verbatim.
var ErrAddressString = errors.New("Could not recover TariAddress from string")

// Binary address errors, in the order the checks run.
var (
	ErrAddressSize     = errors.New("Invalid size")
	ErrAddressChecksum = errors.New("Invalid checksum")
	ErrAddressNetwork  = errors.New("Invalid network or network not supported")
	ErrAddressFeatures = errors.New("Invalid features")
	ErrAddressKey      = errors.New("Cannot recover public key")
)

// Payment id errors, worded like Tari's TariAddressError.
var (
	ErrPaymentIDSize   = errors.New("Too large payment_id")
	ErrPaymentIDSingle = errors.New("Payment_id not supported on single addresses")
)

// Address is a current-format TariAddress, single or dual, the latter
// possibly with a payment id. Values are comparable with ==, which is the
// reference's structural equality: variant, network, features, keys and
// payment id must all match.
type Address struct {
	dual      bool
	network   Network
	features  byte
	view      PublicKey
	spend     PublicKey
	paymentID string // bytes, kept as a string so that Address stays comparable
}

// NewAddress returns a single address with default features (one-sided and
// interactive), as taritools creates them.
func NewAddress(network Network, spend PublicKey) Address {
	return Address{network: network, features: DefaultFeatures, spend: spend}
}

// NewDualAddress returns a dual address with the given features.
func NewDualAddress(network Network, features byte, view, spend PublicKey) Address {
	return Address{dual: true, network: network, features: features, view: view, spend: spend}
}

// ParseAddress reads an address in any text form, trying emoji (trimmed,
// '|' removed), then base58, then hex, as the reference's FromStr does.
// Every failure is ErrAddressString.
func ParseAddress(s string) (Address, error) {
	if len(s) > maxAddressTextLen {
		return Address{}, ErrAddressString
	}
	if a, err := parseEmojiAddress(s); err == nil {
		return a, nil
	}
	if a, err := parseBase58Address(s); err == nil {
		return a, nil
	}
	if b, err := decodeHex(s); err == nil {
		if a, err := AddressFromBytes(b); err == nil {
			return a, nil
		}
	}
	return Address{}, ErrAddressString
}

func parseEmojiAddress(s string) (Address, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "|", "")
	if !validSize(utf8.RuneCountInString(s)) {
		return Address{}, ErrAddressSize
	}
	b, err := emojiDecode(s)
	if err != nil {
		return Address{}, err
	}
	return AddressFromBytes(b)
}

// parseBase58Address undoes the segmented encoding: one character for the
// network, one for the features, then base58 of the rest.
func parseBase58Address(s string) (Address, error) {
	if len(s) < minBase58AddressLen || len(s) > maxBase58AddressLen {
		return Address{}, ErrAddressSize
	}
	net, err := base58Decode(s[:1])
	if err != nil {
		return Address{}, err
	}
	feat, err := base58Decode(s[1:2])
	if err != nil {
		return Address{}, err
	}
	rest, err := base58Decode(s[2:])
	if err != nil {
		return Address{}, err
	}
	b := make([]byte, 0, 2+len(rest))
	b = append(append(append(b, net...), feat...), rest...)
	return AddressFromBytes(b)
}

// AddressFromBytes parses the binary form, checking size, checksum, network,
// features, keys and then the payment-id flag, in the reference's order.
// A single address must not have the flag; a dual one carries payment id
// bytes only with it (the flag without bytes is allowed, as in Tari).
func AddressFromBytes(b []byte) (Address, error) {
	if !validSize(len(b)) {
		return Address{}, ErrAddressSize
	}
	if !dammSumValid(b) {
		return Address{}, ErrAddressChecksum
	}
	a := Address{dual: len(b) >= DualAddressSize, network: Network(b[0]), features: b[1]}
	if !a.network.Valid() {
		return Address{}, ErrAddressNetwork
	}
	if a.features&^knownFeatures != 0 {
		return Address{}, ErrAddressFeatures
	}
	rest := b[2 : len(b)-1] // the key(s), then any payment id
	var err error
	if a.dual {
		if a.view, err = publicKeyFromBytes(rest[:32]); err != nil {
			return Address{}, ErrAddressKey
		}
		rest = rest[32:]
	}
	if a.spend, err = publicKeyFromBytes(rest[:32]); err != nil {
		return Address{}, ErrAddressKey
	}
	a.paymentID = string(rest[32:])
	flagged := a.features&FeaturePaymentID != 0
	if !a.dual && flagged || a.paymentID != "" && !flagged {
		return Address{}, ErrAddressFeatures
	}
	return a, nil
}

// validSize reports whether n bytes (or emoji) can be an address: single,
// or dual with up to MaxPaymentIDSize bytes of payment id.
func validSize(n int) bool {
	return n == SingleAddressSize || n >= DualAddressSize && n <= maxAddressSize
}

// Bytes returns the binary form with its checksum.
func (a Address) Bytes() []byte {
	b := make([]byte, 0, DualAddressSize+len(a.paymentID))
	b = append(b, byte(a.network), a.features)
	if a.dual {
		b = append(b, a.view.b[:]...)
	}
	b = append(b, a.spend.b[:]...)
	b = append(b, a.paymentID...)
	return append(b, dammSum(b))
}

// Base58 returns the canonical text form the server emits everywhere: three
// independent base58 runs (network byte, features byte, the rest).
func (a Address) Base58() string {
	b := a.Bytes()
	return base58Encode(b[:1]) + base58Encode(b[1:2]) + base58Encode(b[2:])
}

// Emoji returns the emoji id, the reference's Display form and the address
// text inside wallet-signature messages.
func (a Address) Emoji() string { return emojiEncode(a.Bytes()) }

// Hex returns the lowercase hex of the binary form.
func (a Address) Hex() string { return hex.EncodeToString(a.Bytes()) }

// String returns the base58 form, which identifies an account.
func (a Address) String() string { return a.Base58() }

// SpendKey returns the public spend key, the key every signature uses.
func (a Address) SpendKey() PublicKey { return a.spend }

// ViewKey returns the public view key of a dual address, or false.
func (a Address) ViewKey() (PublicKey, bool) { return a.view, a.dual }

// Network returns the address's network.
func (a Address) Network() Network { return a.network }

// Features returns the features byte.
func (a Address) Features() byte { return a.features }

// PaymentID returns the payment id a dual address carries, or nil.
func (a Address) PaymentID() []byte {
	if a.paymentID == "" {
		return nil
	}
	return []byte(a.paymentID)
}

// WithPaymentID returns the dual address a carrying id as its payment id,
// with the payment-id feature bit set; the payer's wallet copies it onto
// the payment. An empty id removes the payment id and the bit, as Tari's
// with_memo_field_payment_id does.
func (a Address) WithPaymentID(id []byte) (Address, error) {
	if !a.dual {
		return Address{}, ErrPaymentIDSingle
	}
	if len(id) > MaxPaymentIDSize {
		return Address{}, ErrPaymentIDSize
	}
	a.paymentID = string(id)
	if len(id) == 0 {
		a.features &^= FeaturePaymentID
	} else {
		a.features |= FeaturePaymentID
	}
	return a, nil
}

// IsDual reports whether a carries a view key.
func (a Address) IsDual() bool { return a.dual }

// IsZero reports whether a is the zero Address (never a parsed one).
func (a Address) IsZero() bool { return a == Address{} }

// dummyPrefix marks placeholder keys; see DummyAddress.
var dummyPrefix = [8]byte{0x00, 0x00, 0x00, 0xba, 0x5e, 0x4d, 0x00, 0x00}

// DummyAddress derives the placeholder address the reference gives a
// customer id for credit notes (create_dummy_address_for_cust_id). The
// result lives in databases, so it must stay byte-exact.
func DummyAddress(customerID string) Address {
	h := blake2b.Sum512([]byte(customerID))
	var k [32]byte
	copy(k[:], h[:32])
	copy(k[:8], dummyPrefix[:])
	k[31] = 0
	e := ristretto255.NewElement()
	for e.Decode(k[:]) != nil {
		// Increment k[24..32] as a big-endian u64, wrapping.
		for i := 31; i >= 24; i-- {
			k[i]++
			if k[i] != 0 {
				break
			}
		}
	}
	return Address{network: MainNet, features: FeatureInteractive, spend: PublicKey{b: k}}
}
