package tariwire

import (
	"bytes"
	"testing"

	"taripay/engine/tari/taritest"
)

// Whatever parses re-encodes to something that parses the same.
func FuzzParseWalletBody(f *testing.F) {
	for _, tc := range taritest.Load(f).WalletBodies {
		f.Add([]byte(tc.Body))
	}
	for _, tc := range taritest.LoadCancellations(f).Bodies {
		f.Add([]byte(tc.Body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := ParsePaymentNotification(data); err == nil {
			body, _ := n.MarshalJSON()
			m, err := ParsePaymentNotification(body)
			if err != nil || m.Auth != n.Auth || !bytes.Equal(m.Payment.Payload(), n.Payment.Payload()) || m.Verify() != n.Verify() {
				t.Fatalf("payment %s does not round trip: %v", body, err)
			}
		}
		if n, err := ParseConfirmationNotification(data); err == nil {
			body, _ := n.MarshalJSON()
			if m, err := ParseConfirmationNotification(body); err != nil || m != n {
				t.Fatalf("confirmation %s does not round trip: %v", body, err)
			}
			if (CancellationNotification{TxID: n.TxID, Auth: n.Auth}).Verify() && n.Verify() {
				t.Fatalf("%s verifies as a confirmation and as a cancellation", body)
			}
		}
		if n, err := ParseCancellationNotification(data); err == nil {
			body, _ := n.MarshalJSON()
			if m, err := ParseCancellationNotification(body); err != nil || m != n {
				t.Fatalf("cancellation %s does not round trip: %v", body, err)
			}
		}
	})
}
