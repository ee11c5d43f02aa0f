package tari

import (
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// MemoSignature proves that the holder of an address claims an order. It is
// the body of POST /order/claim and may be the whole note of a Shopify order
// or the whole memo of a payment.
type MemoSignature struct {
	Address   Address
	OrderID   string
	Signature Signature
}

// memoMessage is "<base58 address>:<order_id>", whatever form the address
// arrived in.
func memoMessage(a Address, orderID string) []byte {
	return []byte(a.Base58() + ":" + orderID)
}

// SignMemo signs a claim of orderID for a with k, which must be the secret
// of a's spend key. rand supplies the nonce.
func SignMemo(rand io.Reader, k SecretKey, a Address, orderID string) (MemoSignature, error) {
	sig, err := sign(rand, k, domainMemo, memoMessage(a, orderID))
	if err != nil {
		return MemoSignature{}, err
	}
	return MemoSignature{Address: a, OrderID: orderID, Signature: sig}, nil
}

// Verify checks the signature against the address's spend key.
func (m MemoSignature) Verify() bool {
	return verify(m.Address.spend, domainMemo, memoMessage(m.Address, m.OrderID), m.Signature)
}

// MarshalJSON writes {"address":"<base58>","order_id":"…","signature":"<hex>"}.
func (m MemoSignature) MarshalJSON() ([]byte, error) {
	b := append([]byte(nil), `{"address":`...)
	b = appendJSONString(b, m.Address.Base58())
	b = append(b, `,"order_id":`...)
	b = appendJSONString(b, m.OrderID)
	b = append(b, `,"signature":"`...)
	b = append(b, m.Signature.Hex()...)
	return append(b, `"}`...), nil
}

// ParseMemoSignature reads the whole JSON object serde-strictly. The
// address may be in any text form; the signature must be 128 hex characters
// with canonical halves. It does not verify: call Verify.
func ParseMemoSignature(data []byte) (MemoSignature, error) {
	var m MemoSignature
	err := decodeObject(data, "struct MemoSignature", []objectField{
		{name: "address", required: true, decode: addressField(&m.Address)},
		{name: "order_id", required: true, decode: func(v jsontext.Value) (err error) {
			m.OrderID, err = stringValue(v)
			return err
		}},
		{name: "signature", required: true, decode: signatureField(&m.Signature)},
	})
	if err != nil {
		return MemoSignature{}, err
	}
	return m, nil
}

// addressField decodes a SerializedTariAddress: an address string in any form.
func addressField(dst *Address) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		s, err := stringValue(v)
		if err != nil {
			return err
		}
		if *dst, err = ParseAddress(s); err != nil {
			return customError{err}
		}
		return nil
	}
}

func signatureField(dst *Signature) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		s, err := stringValue(v)
		if err != nil {
			return err
		}
		if *dst, err = ParseSignature(s); err != nil {
			return customError{err}
		}
		return nil
	}
}
