package tari

import (
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"taripay/internal/serde"
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
	b = serde.AppendString(b, m.Address.Base58())
	b = append(b, `,"order_id":`...)
	b = serde.AppendString(b, m.OrderID)
	b = append(b, `,"signature":"`...)
	b = append(b, m.Signature.Hex()...)
	return append(b, `"}`...), nil
}

// ParseMemoSignature reads the whole JSON object serde-strictly. The
// address may be in any text form; the signature must be 128 hex characters
// with canonical halves. It does not verify: call Verify.
func ParseMemoSignature(data []byte) (MemoSignature, error) {
	var m MemoSignature
	err := serde.DecodeObject(data, "struct MemoSignature", []serde.Field{
		{Name: "address", Required: true, Decode: serde.FromStr(&m.Address, ParseAddress)},
		{Name: "order_id", Required: true, Decode: func(v jsontext.Value) (err error) {
			m.OrderID, err = serde.String(v)
			return err
		}},
		{Name: "signature", Required: true, Decode: serde.FromStr(&m.Signature, ParseSignature)},
	})
	if err != nil {
		return MemoSignature{}, err
	}
	return m, nil
}
