package tari

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"taripay/internal/serde"
)

// MarshalJSON writes the serde form of the TariAddress type, used in JWT
// claims and ClaimedOrder.send_to:
// {"Single":{"network":"mainnet","features":3,"public_spend_key":"<hex>"}} or
// {"Dual":{"network":…,"features":…,"public_view_key":…,"public_spend_key":…}}.
// REST JSON elsewhere carries a.Base58() as a plain string instead.
// An address carrying a payment id is refused: see checkSerde.
func (a Address) MarshalJSON() ([]byte, error) {
	if err := a.checkSerde(); err != nil {
		return nil, err
	}
	return a.appendJSON(nil), nil
}

var errPaymentIDSerde = errors.New("an address with a payment id has no serde form")

// checkSerde refuses addresses the serde form cannot carry whole. That form
// is the reference's tari_common_types v1.3.1, which predates payment ids,
// and it names accounts in JWT claims; writing such an address without its
// payment id would silently name another account.
func (a Address) checkSerde() error {
	if a.paymentID != "" {
		return errPaymentIDSerde
	}
	return nil
}

func (a Address) appendJSON(dst []byte) []byte {
	if a.dual {
		dst = append(dst, `{"Dual":{"network":`...)
	} else {
		dst = append(dst, `{"Single":{"network":`...)
	}
	dst = serde.AppendString(dst, a.network.String())
	dst = append(dst, `,"features":`...)
	dst = strconv.AppendUint(dst, uint64(a.features), 10)
	if a.dual {
		dst = append(dst, `,"public_view_key":"`...)
		dst = append(dst, a.view.Hex()...)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"public_spend_key":"`...)
	dst = append(dst, a.spend.Hex()...)
	return append(dst, `"}}`...)
}

// UnmarshalJSON reads the serde enum form strictly: one "Single" or "Dual"
// key; network by name (any case, "esme" allowed); features any u8, as serde
// does not check the bits; keys through from_hex and a canonical-point check.
func (a *Address) UnmarshalJSON(data []byte) error {
	v, err := serde.ReadValue(data)
	if err != nil {
		return err
	}
	parsed, err := addressFromJSON(v)
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

var errAddressEnum = errors.New("invalid value: map, expected map with a single key")

// addressFromJSON decodes an externally tagged enum value. The reference
// only reads this form inside JWT claims, where jwt-compact's
// #[serde(flatten)] routes it through serde's buffered Content, so the
// errors are the ones serde gives there.
func addressFromJSON(v jsontext.Value) (Address, error) {
	if v.Kind() == '"' {
		s, _ := serde.String(v)
		if s == "Single" || s == "Dual" {
			return Address{}, errors.New("invalid type: unit variant, expected struct variant")
		}
		return Address{}, errors.New("unknown variant `" + s + "`, expected `Single` or `Dual`")
	}
	if v.Kind() != '{' {
		return Address{}, errors.New("invalid type: " + serde.Unexpected(v) + ", expected string or map")
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v), jsontext.AllowDuplicateNames(true))
	dec.ReadToken() // '{', already checked
	if dec.PeekKind() == '}' {
		return Address{}, errAddressEnum
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return Address{}, serde.ReadError(dec, err)
	}
	variant := tok.String()
	body, err := dec.ReadValue()
	if err != nil {
		return Address{}, serde.ReadError(dec, err)
	}
	body = body.Clone() // ReadValue's result dies at the next read
	if dec.PeekKind() != '}' {
		return Address{}, errAddressEnum
	}
	var a Address
	switch variant {
	case "Single":
	case "Dual":
		a.dual = true
	default:
		return Address{}, errors.New("unknown variant `" + variant + "`, expected `Single` or `Dual`")
	}
	fields := []serde.Field{
		{Name: "network", Required: true, Decode: serde.FromStr(&a.network, ParseNetwork)},
		{Name: "features", Required: true, Decode: func(v jsontext.Value) error {
			n, err := serde.Uint(v, 8, "u8")
			a.features = byte(n)
			return err
		}},
	}
	if a.dual {
		fields = append(fields, serde.Field{Name: "public_view_key", Required: true, Decode: serde.FromStr(&a.view, ParsePublicKey)})
	}
	fields = append(fields, serde.Field{Name: "public_spend_key", Required: true, Decode: serde.FromStr(&a.spend, ParsePublicKey)})
	expecting := "struct variant TariAddress::Single"
	if a.dual {
		expecting = "struct variant TariAddress::Dual"
	}
	if err := serde.DecodeObjectValue(body, expecting, fields); err != nil {
		return Address{}, err
	}
	return a, nil
}
