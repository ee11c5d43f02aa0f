package walletclient

import (
	"crypto/rand"
	"testing"

	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// TestNoticesVerify: each notice's body is what the server parses and
// verifies, signed by the wallet with the nonce, for its route.
func TestNoticesVerify(t *testing.T) {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w := Wallet{Key: k, Address: tari.NewAddress(tari.MainNet, k.Public())}
	memo := "order 1001"
	tests := []struct {
		notice Notice
		path   string
		verify func([]byte) (tariwire.WalletAuth, bool, error)
	}{
		{Payment(tariwire.Payment{Sender: w.Address, Amount: 5, TxID: "tx1", Memo: &memo}), "/wallet/incoming_payment", func(b []byte) (tariwire.WalletAuth, bool, error) {
			n, err := tariwire.ParsePaymentNotification(b)
			return n.Auth, err == nil && n.Verify() && *n.Payment.Memo == memo, err
		}},
		{Confirmation("tx1"), "/wallet/tx_confirmation", func(b []byte) (tariwire.WalletAuth, bool, error) {
			n, err := tariwire.ParseConfirmationNotification(b)
			return n.Auth, err == nil && n.Verify() && n.TxID == "tx1", err
		}},
		{Cancellation("tx1"), "/wallet/tx_cancelled", func(b []byte) (tariwire.WalletAuth, bool, error) {
			n, err := tariwire.ParseCancellationNotification(b)
			return n.Auth, err == nil && n.Verify() && n.TxID == "tx1", err
		}},
	}
	for _, tt := range tests {
		if tt.notice.Path != tt.path {
			t.Errorf("path %s, want %s", tt.notice.Path, tt.path)
		}
		body, err := tt.notice.Body(w, 42)
		if err != nil {
			t.Fatal(err)
		}
		auth, ok, err := tt.verify(body)
		if !ok || auth.Nonce != 42 || auth.Address != w.Address {
			t.Errorf("%s: %s does not verify as the wallet's with nonce 42: %v", tt.path, body, err)
		}
	}
}
