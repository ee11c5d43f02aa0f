package tariwire

import (
	"crypto/rand"
	"testing"

	"taripay/engine/tari"
)

// BenchmarkWalletVerify includes parsing the body, as /wallet/incoming_payment does.
func BenchmarkWalletVerify(b *testing.B) {
	k := mustKey(b, rand.Reader)
	hot := tari.NewAddress(tari.MainNet, k.Public())
	pay := Payment{Sender: tari.NewAddress(tari.MainNet, mustKey(b, rand.Reader).Public()), Amount: 2500000000, TxID: "payment001"}
	sig, _ := tari.SignWallet(rand.Reader, k, hot, 1, pay.Payload())
	body, _ := PaymentNotification{Payment: pay, Auth: WalletAuth{Address: hot, Nonce: 1, Signature: sig}}.MarshalJSON()
	for b.Loop() {
		n, err := ParsePaymentNotification(body)
		if err != nil || !n.Verify() {
			b.Fatal("invalid")
		}
	}
}
