package tari

import (
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// walletMessage is "<emoji address>:<nonce>:<payload>". The emoji form, not
// the base58 sent in the JSON, is what hot wallets sign.
func walletMessage(a Address, nonce int64, payload []byte) []byte {
	m := append([]byte(a.Emoji()), ':')
	m = strconv.AppendInt(m, nonce, 10)
	m = append(m, ':')
	return append(m, payload...)
}

// SignWallet signs a hot-wallet notification. payload must be the canonical
// JSON from PaymentPayload or ConfirmationPayload. A cancellation is signed
// with SignCancellation instead.
func SignWallet(rand io.Reader, k SecretKey, a Address, nonce int64, payload []byte) (Signature, error) {
	return sign(rand, k, domainWallet, walletMessage(a, nonce, payload))
}

// VerifyWallet checks a hot-wallet signature against a's spend key.
func VerifyWallet(a Address, nonce int64, payload []byte, sig Signature) bool {
	return verify(a.spend, domainWallet, walletMessage(a, nonce, payload), sig)
}

// SignCancellation signs a /wallet/tx_cancelled notification: the message
// of a confirmation of txid, "<emoji address>:<nonce>:{"txid":"…"}", in a
// hash domain of its own, so that it is never a confirmation's signature.
func SignCancellation(rand io.Reader, k SecretKey, a Address, nonce int64, txid string) (Signature, error) {
	return sign(rand, k, domainCancel, walletMessage(a, nonce, ConfirmationPayload(txid)))
}

// PaymentPayload is serde_json's compact output for the reference's
// NewPayment: all five fields in order, absent options as null, the sender
// re-encoded as base58.
func PaymentPayload(sender Address, amount int64, txid string, memo, orderID *string) []byte {
	b := append([]byte(nil), `{"sender":`...)
	b = appendJSONString(b, sender.Base58())
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, amount, 10)
	b = append(b, `,"txid":`...)
	b = appendJSONString(b, txid)
	b = append(b, `,"memo":`...)
	b = appendJSONOptString(b, memo)
	b = append(b, `,"order_id":`...)
	b = appendJSONOptString(b, orderID)
	return append(b, '}')
}

// ConfirmationPayload is serde_json's output for TransactionConfirmation.
func ConfirmationPayload(txid string) []byte {
	return append(appendJSONString([]byte(`{"txid":`), txid), '}')
}

// WalletAuth is the "auth" object of a hot-wallet notification.
type WalletAuth struct {
	Address   Address
	Nonce     int64
	Signature Signature
}

// MarshalJSON writes {"address":"<base58>","nonce":N,"signature":"<hex>"}.
func (w WalletAuth) MarshalJSON() ([]byte, error) { return w.appendJSON(nil), nil }

func (w WalletAuth) appendJSON(b []byte) []byte {
	b = append(b, `{"address":`...)
	b = appendJSONString(b, w.Address.Base58())
	b = append(b, `,"nonce":`...)
	b = strconv.AppendInt(b, w.Nonce, 10)
	b = append(b, `,"signature":"`...)
	b = append(b, w.Signature.Hex()...)
	return append(b, `"}`...)
}

// Payment is the reference's NewPayment as a hot wallet reports it.
type Payment struct {
	Sender  Address
	Amount  int64 // microTari
	TxID    string
	Memo    *string
	OrderID *string
}

// Payload returns the canonical JSON the wallet signature covers.
func (p Payment) Payload() []byte {
	return PaymentPayload(p.Sender, p.Amount, p.TxID, p.Memo, p.OrderID)
}

// PaymentNotification is the body of POST /wallet/incoming_payment.
type PaymentNotification struct {
	Payment Payment
	Auth    WalletAuth
}

// Verify checks the hot wallet's signature over the re-serialized payment.
func (n PaymentNotification) Verify() bool {
	return VerifyWallet(n.Auth.Address, n.Auth.Nonce, n.Payment.Payload(), n.Auth.Signature)
}

// MarshalJSON writes {"payment":{…},"auth":{…}}.
func (n PaymentNotification) MarshalJSON() ([]byte, error) {
	b := append([]byte(`{"payment":`), n.Payment.Payload()...)
	b = append(b, `,"auth":`...)
	return append(n.Auth.appendJSON(b), '}'), nil
}

// ConfirmationNotification is the body of POST /wallet/tx_confirmation.
type ConfirmationNotification struct {
	TxID string
	Auth WalletAuth
}

// Verify checks the hot wallet's signature over {"txid":"…"}.
func (n ConfirmationNotification) Verify() bool {
	return VerifyWallet(n.Auth.Address, n.Auth.Nonce, ConfirmationPayload(n.TxID), n.Auth.Signature)
}

// MarshalJSON writes {"confirmation":{"txid":"…"},"auth":{…}}.
func (n ConfirmationNotification) MarshalJSON() ([]byte, error) {
	b := append([]byte(`{"confirmation":`), ConfirmationPayload(n.TxID)...)
	b = append(b, `,"auth":`...)
	return append(n.Auth.appendJSON(b), '}'), nil
}

// CancellationNotification is the body of POST /wallet/tx_cancelled (new in
// taripay): {"cancellation":{"txid":"…"},"auth":{…}}, signed with
// SignCancellation.
type CancellationNotification struct {
	TxID string
	Auth WalletAuth
}

// Verify checks the hot wallet's cancellation signature.
func (n CancellationNotification) Verify() bool {
	return verify(n.Auth.Address.spend, domainCancel, walletMessage(n.Auth.Address, n.Auth.Nonce, ConfirmationPayload(n.TxID)), n.Auth.Signature)
}

// MarshalJSON writes {"cancellation":{"txid":"…"},"auth":{…}}.
func (n CancellationNotification) MarshalJSON() ([]byte, error) {
	b := append([]byte(`{"cancellation":`), ConfirmationPayload(n.TxID)...)
	b = append(b, `,"auth":`...)
	return append(n.Auth.appendJSON(b), '}'), nil
}

// ParsePaymentNotification reads an incoming_payment body serde-strictly.
// It does not verify: call Verify.
func ParsePaymentNotification(data []byte) (PaymentNotification, error) {
	var n PaymentNotification
	err := decodeObject(data, "struct PaymentNotification", []objectField{
		{name: "payment", required: true, decode: func(v jsontext.Value) error {
			return decodeObjectValue(v, "struct NewPayment", paymentFields(&n.Payment))
		}},
		{name: "auth", required: true, decode: walletAuthField(&n.Auth)},
	})
	if err != nil {
		return PaymentNotification{}, err
	}
	return n, nil
}

// ParseConfirmationNotification reads a tx_confirmation body serde-strictly.
// It does not verify: call Verify.
func ParseConfirmationNotification(data []byte) (ConfirmationNotification, error) {
	var n ConfirmationNotification
	err := decodeObject(data, "struct TransactionConfirmationNotification", []objectField{
		{name: "confirmation", required: true, decode: txidObject(&n.TxID, "struct TransactionConfirmation")},
		{name: "auth", required: true, decode: walletAuthField(&n.Auth)},
	})
	if err != nil {
		return ConfirmationNotification{}, err
	}
	return n, nil
}

// ParseCancellationNotification reads a tx_cancelled body as strictly as a
// confirmation. It does not verify: call Verify.
func ParseCancellationNotification(data []byte) (CancellationNotification, error) {
	var n CancellationNotification
	err := decodeObject(data, "struct TransactionCancellationNotification", []objectField{
		{name: "cancellation", required: true, decode: txidObject(&n.TxID, "struct TransactionCancellation")},
		{name: "auth", required: true, decode: walletAuthField(&n.Auth)},
	})
	if err != nil {
		return CancellationNotification{}, err
	}
	return n, nil
}

// txidObject decodes {"txid":"…"}, named what for serde's messages.
func txidObject(txid *string, what string) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		return decodeObjectValue(v, what, []objectField{
			{name: "txid", required: true, decode: func(v jsontext.Value) (err error) {
				*txid, err = stringValue(v)
				return err
			}},
		})
	}
}

func paymentFields(p *Payment) []objectField {
	return []objectField{
		{name: "sender", required: true, decode: addressField(&p.Sender)},
		{name: "amount", required: true, decode: func(v jsontext.Value) (err error) {
			p.Amount, err = intValue(v, 64, "i64")
			return err
		}},
		{name: "txid", required: true, decode: func(v jsontext.Value) (err error) {
			p.TxID, err = stringValue(v)
			return err
		}},
		{name: "memo", decode: func(v jsontext.Value) (err error) {
			p.Memo, err = optStringValue(v)
			return err
		}},
		{name: "order_id", decode: func(v jsontext.Value) (err error) {
			p.OrderID, err = optStringValue(v)
			return err
		}},
	}
}

func walletAuthField(w *WalletAuth) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		return decodeObjectValue(v, "struct WalletSignature", []objectField{
			{name: "address", required: true, decode: addressField(&w.Address)},
			{name: "nonce", required: true, decode: func(v jsontext.Value) (err error) {
				w.Nonce, err = intValue(v, 64, "i64")
				return err
			}},
			{name: "signature", required: true, decode: signatureField(&w.Signature)},
		})
	}
}
