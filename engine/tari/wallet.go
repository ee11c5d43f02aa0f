package tari

import (
	"io"
	"strconv"
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
// JSON of the payment or the confirmation (internal/tariwire builds it). A
// cancellation is signed with SignCancellation instead.
func SignWallet(rand io.Reader, k SecretKey, a Address, nonce int64, payload []byte) (Signature, error) {
	return sign(rand, k, domainWallet, walletMessage(a, nonce, payload))
}

// VerifyWallet checks a hot-wallet signature against a's spend key.
func VerifyWallet(a Address, nonce int64, payload []byte, sig Signature) bool {
	return verify(a.spend, domainWallet, walletMessage(a, nonce, payload), sig)
}

// SignCancellation signs a /wallet/tx_cancelled notification: the message
// of a confirmation, "<emoji address>:<nonce>:{"txid":"…"}" (payload is the
// confirmation's), in a hash domain of its own, so that it is never a
// confirmation's signature.
func SignCancellation(rand io.Reader, k SecretKey, a Address, nonce int64, payload []byte) (Signature, error) {
	return sign(rand, k, domainCancel, walletMessage(a, nonce, payload))
}

// VerifyCancellation checks a SignCancellation signature against a's spend
// key.
func VerifyCancellation(a Address, nonce int64, payload []byte, sig Signature) bool {
	return verify(a.spend, domainCancel, walletMessage(a, nonce, payload), sig)
}
