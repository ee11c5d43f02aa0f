package tariwire

import (
	"encoding/json"
	"testing"

	"taripay/engine/tari"
	"taripay/engine/tari/taritest"
)

func TestVectorWalletBodies(t *testing.T) {
	for _, tc := range taritest.Load(t).WalletBodies {
		t.Run(tc.Source, func(t *testing.T) {
			var probe map[string]json.RawMessage
			if err := json.Unmarshal(tc.Body, &probe); err != nil {
				t.Fatal(err)
			}
			var ok bool
			if _, isPayment := probe["payment"]; isPayment {
				n, err := ParsePaymentNotification(tc.Body)
				if err != nil {
					t.Fatal(err)
				}
				ok = n.Verify()
			} else {
				n, err := ParseConfirmationNotification(tc.Body)
				if err != nil {
					t.Fatal(err)
				}
				ok = n.Verify()
			}
			if ok != tc.Valid {
				t.Fatalf("verify = %v, want %v", ok, tc.Valid)
			}
		})
	}
}

// TestVectorWalletCancellations: taripay's cancellation vector verifies as
// a cancellation and reproduces byte for byte; a signature moved between a
// confirmation and a cancellation verifies as neither.
func TestVectorWalletCancellations(t *testing.T) {
	v := taritest.LoadCancellations(t)
	for _, tc := range v.Bodies {
		t.Run(tc.Scenario, func(t *testing.T) {
			var ok bool
			switch tc.Kind {
			case "cancellation":
				n, err := ParseCancellationNotification(tc.Body)
				if err != nil {
					t.Fatal(err)
				}
				ok = n.Verify()
				if _, err := ParseConfirmationNotification(tc.Body); err == nil {
					t.Error("a cancellation body parses as a confirmation")
				}
			case "confirmation":
				n, err := ParseConfirmationNotification(tc.Body)
				if err != nil {
					t.Fatal(err)
				}
				ok = n.Verify()
			default:
				t.Fatalf("kind %q", tc.Kind)
			}
			if ok != tc.Valid {
				t.Fatalf("verify = %v, want %v", ok, tc.Valid)
			}
		})
	}
	t.Run("reproduce", func(t *testing.T) {
		want := v.Bodies[0]
		n, err := ParseCancellationNotification(want.Body)
		if err != nil {
			t.Fatal(err)
		}
		k, err := tari.ParseSecretKey(v.SecretKey)
		if err != nil || n.Auth.Address.SpendKey() != k.Public() {
			t.Fatalf("the vector's key does not sign for %s (%v)", n.Auth.Address.Base58(), err)
		}
		sig, err := tari.SignCancellation(taritest.FixedNonce(t, v.NonceScalar), k, n.Auth.Address, n.Auth.Nonce, ConfirmationPayload(n.TxID))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := CancellationNotification{TxID: n.TxID, Auth: WalletAuth{Address: n.Auth.Address, Nonce: n.Auth.Nonce, Signature: sig}}.MarshalJSON()
		if !taritest.JSONEqual(t, got, want.Body) {
			t.Fatalf("body\n got %s\nwant %s", got, want.Body)
		}
	})
}
