// Package tariwire holds the bodies of the hot wallet's notifications
// (POST /wallet/incoming_payment, /wallet/tx_confirmation and
// /wallet/tx_cancelled): the canonical JSON a wallet signs, and the bodies
// the server parses serde-strictly and the CLI, the benchmark and the chaos
// tests write (docs/wallet.md). The signatures themselves are engine/tari's.
package tariwire

import (
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"taripay/engine/tari"
	"taripay/internal/serde"
)

// PaymentPayload is serde_json's compact output for the reference's
// NewPayment: all five fields in order, absent options as null, the sender
// re-encoded as base58.
func PaymentPayload(sender tari.Address, amount int64, txid string, memo, orderID *string) []byte {
	b := append([]byte(nil), `{"sender":`...)
	b = serde.AppendString(b, sender.Base58())
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, amount, 10)
	b = append(b, `,"txid":`...)
	b = serde.AppendString(b, txid)
	b = append(b, `,"memo":`...)
	b = serde.AppendOptString(b, memo)
	b = append(b, `,"order_id":`...)
	b = serde.AppendOptString(b, orderID)
	return append(b, '}')
}

// ConfirmationPayload is serde_json's output for TransactionConfirmation.
func ConfirmationPayload(txid string) []byte {
	return append(serde.AppendString([]byte(`{"txid":`), txid), '}')
}

// WalletAuth is the "auth" object of a hot-wallet notification.
type WalletAuth struct {
	Address   tari.Address
	Nonce     int64
	Signature tari.Signature
}

// MarshalJSON writes {"address":"<base58>","nonce":N,"signature":"<hex>"}.
func (w WalletAuth) MarshalJSON() ([]byte, error) { return w.appendJSON(nil), nil }

func (w WalletAuth) appendJSON(b []byte) []byte {
	b = append(b, `{"address":`...)
	b = serde.AppendString(b, w.Address.Base58())
	b = append(b, `,"nonce":`...)
	b = strconv.AppendInt(b, w.Nonce, 10)
	b = append(b, `,"signature":"`...)
	b = append(b, w.Signature.Hex()...)
	return append(b, `"}`...)
}

// Payment is the reference's NewPayment as a hot wallet reports it.
type Payment struct {
	Sender  tari.Address
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
	return tari.VerifyWallet(n.Auth.Address, n.Auth.Nonce, n.Payment.Payload(), n.Auth.Signature)
}

// MarshalJSON writes {"payment":{…},"auth":{…}}.
func (n PaymentNotification) MarshalJSON() ([]byte, error) {
	return notificationJSON("payment", n.Payment.Payload(), n.Auth), nil
}

// notificationJSON writes {"<key>":<payload>,"auth":{…}}, the shape of every
// notification body.
func notificationJSON(key string, payload []byte, auth WalletAuth) []byte {
	b := serde.AppendString([]byte{'{'}, key)
	b = append(b, ':')
	b = append(b, payload...)
	b = append(b, `,"auth":`...)
	return append(auth.appendJSON(b), '}')
}

// ConfirmationNotification is the body of POST /wallet/tx_confirmation.
type ConfirmationNotification struct {
	TxID string
	Auth WalletAuth
}

// Verify checks the hot wallet's signature over {"txid":"…"}.
func (n ConfirmationNotification) Verify() bool {
	return tari.VerifyWallet(n.Auth.Address, n.Auth.Nonce, ConfirmationPayload(n.TxID), n.Auth.Signature)
}

// MarshalJSON writes {"confirmation":{"txid":"…"},"auth":{…}}.
func (n ConfirmationNotification) MarshalJSON() ([]byte, error) {
	return notificationJSON("confirmation", ConfirmationPayload(n.TxID), n.Auth), nil
}

// CancellationNotification is the body of POST /wallet/tx_cancelled (new in
// taripay): {"cancellation":{"txid":"…"},"auth":{…}}, signed with
// tari.SignCancellation over ConfirmationPayload(txid).
type CancellationNotification struct {
	TxID string
	Auth WalletAuth
}

// Verify checks the hot wallet's cancellation signature.
func (n CancellationNotification) Verify() bool {
	return tari.VerifyCancellation(n.Auth.Address, n.Auth.Nonce, ConfirmationPayload(n.TxID), n.Auth.Signature)
}

// MarshalJSON writes {"cancellation":{"txid":"…"},"auth":{…}}.
func (n CancellationNotification) MarshalJSON() ([]byte, error) {
	return notificationJSON("cancellation", ConfirmationPayload(n.TxID), n.Auth), nil
}

// ParsePaymentNotification reads an incoming_payment body serde-strictly.
// It does not verify: call Verify.
func ParsePaymentNotification(data []byte) (PaymentNotification, error) {
	var n PaymentNotification
	payment := func(v jsontext.Value) error {
		return serde.DecodeObjectValue(v, "struct NewPayment", paymentFields(&n.Payment))
	}
	if err := decodeNotification(data, "struct PaymentNotification", "payment", payment, &n.Auth); err != nil {
		return PaymentNotification{}, err
	}
	return n, nil
}

// ParseConfirmationNotification reads a tx_confirmation body serde-strictly.
// It does not verify: call Verify.
func ParseConfirmationNotification(data []byte) (ConfirmationNotification, error) {
	var n ConfirmationNotification
	txid := txidObject(&n.TxID, "struct TransactionConfirmation")
	if err := decodeNotification(data, "struct TransactionConfirmationNotification", "confirmation", txid, &n.Auth); err != nil {
		return ConfirmationNotification{}, err
	}
	return n, nil
}

// ParseCancellationNotification reads a tx_cancelled body as strictly as a
// confirmation. It does not verify: call Verify.
func ParseCancellationNotification(data []byte) (CancellationNotification, error) {
	var n CancellationNotification
	txid := txidObject(&n.TxID, "struct TransactionCancellation")
	if err := decodeNotification(data, "struct TransactionCancellationNotification", "cancellation", txid, &n.Auth); err != nil {
		return CancellationNotification{}, err
	}
	return n, nil
}

// decodeNotification reads {"<key>":…,"auth":{…}} serde-strictly, the shape
// of every notification body; what names it in serde's messages and body
// decodes the value under key.
func decodeNotification(data []byte, what, key string, body func(jsontext.Value) error, auth *WalletAuth) error {
	return serde.DecodeObject(data, what, []serde.Field{
		{Name: key, Required: true, Decode: body},
		{Name: "auth", Required: true, Decode: walletAuthField(auth)},
	})
}

// txidObject decodes {"txid":"…"}, named what for serde's messages.
func txidObject(txid *string, what string) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		return serde.DecodeObjectValue(v, what, []serde.Field{
			{Name: "txid", Required: true, Decode: func(v jsontext.Value) (err error) {
				*txid, err = serde.String(v)
				return err
			}},
		})
	}
}

func paymentFields(p *Payment) []serde.Field {
	return []serde.Field{
		{Name: "sender", Required: true, Decode: serde.FromStr(&p.Sender, tari.ParseAddress)},
		{Name: "amount", Required: true, Decode: func(v jsontext.Value) (err error) {
			p.Amount, err = serde.Int(v, 64, "i64")
			return err
		}},
		{Name: "txid", Required: true, Decode: func(v jsontext.Value) (err error) {
			p.TxID, err = serde.String(v)
			return err
		}},
		{Name: "memo", Decode: func(v jsontext.Value) (err error) {
			p.Memo, err = serde.OptString(v)
			return err
		}},
		{Name: "order_id", Decode: func(v jsontext.Value) (err error) {
			p.OrderID, err = serde.OptString(v)
			return err
		}},
	}
}

func walletAuthField(w *WalletAuth) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		return serde.DecodeObjectValue(v, "struct WalletSignature", []serde.Field{
			{Name: "address", Required: true, Decode: serde.FromStr(&w.Address, tari.ParseAddress)},
			{Name: "nonce", Required: true, Decode: func(v jsontext.Value) (err error) {
				w.Nonce, err = serde.Int(v, 64, "i64")
				return err
			}},
			{Name: "signature", Required: true, Decode: serde.FromStr(&w.Signature, tari.ParseSignature)},
		})
	}
}
