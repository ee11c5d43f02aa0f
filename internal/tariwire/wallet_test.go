package tariwire

import (
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"taripay/engine/tari"
)

func TestPaymentPayloadIsSerdeOutput(t *testing.T) {
	sender, err := tari.ParseAddress("14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt")
	if err != nil {
		t.Fatal(err)
	}
	memo, oid := "hi\n<you>", "1234"
	tests := []struct {
		memo, oid *string
		want      string
	}{
		{nil, nil, `{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001","memo":null,"order_id":null}`},
		{&memo, &oid, `{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001","memo":"hi\n<you>","order_id":"1234"}`},
	}
	for _, tc := range tests {
		if got := string(PaymentPayload(sender, 2500000000, "payment001", tc.memo, tc.oid)); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	if got := string(ConfirmationPayload("12375671662993302800")); got != `{"txid":"12375671662993302800"}` {
		t.Errorf("confirmation payload %s", got)
	}
}

func TestParsePaymentNotificationStrict(t *testing.T) {
	const body = `{"payment":{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001"},"auth":{"address":"14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG","nonce":1,"signature":"5ed91d58e589bea2f2291155b78005b48a789c3018fdf528f6f4052b2428e532953aa065e08ef91575a610b2ebcf88e63fbf2e21bfd0e8b90b778c16ffc2740e"}}`
	tests := []struct {
		name, body, wantErr string
	}{
		{"valid", body, ""},
		{"explicit nulls", strings.Replace(body, `"txid":"payment001"`, `"txid":"payment001","memo":null,"order_id":null,"extra":true`, 1), ""},
		{"float amount", strings.Replace(body, `2500000000`, `2500000000.0`, 1), "invalid type: floating point"},
		{"exponent amount", strings.Replace(body, `2500000000`, `25e8`, 1), "invalid type: floating point"},
		{"string amount", strings.Replace(body, `2500000000`, `"2500000000"`, 1), "invalid type: string"},
		{"amount overflow", strings.Replace(body, `2500000000`, `9223372036854775808`, 1), "invalid value"},
		{"float nonce", strings.Replace(body, `"nonce":1`, `"nonce":1.0`, 1), "invalid type: floating point"},
		{"missing auth", `{"payment":{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":1,"txid":"t"}}`, "missing field `auth`"},
		{"missing txid", strings.Replace(body, `,"txid":"payment001"`, ``, 1), "missing field `txid`"},
		{"duplicate amount", strings.Replace(body, `"amount":2500000000`, `"amount":1,"amount":2500000000`, 1), "duplicate field `amount`"},
		{"Amount key", strings.Replace(body, `"amount"`, `"Amount"`, 1), "missing field `amount`"},
		{"bad sender", strings.Replace(body, `14wqR3`, `14wqR4`, 1), "Could not recover TariAddress"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ParsePaymentNotification([]byte(tc.body))
			if tc.wantErr == "" {
				if err != nil || !n.Verify() {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// Positions follow serde_json: a nested object's error is placed in the
// whole body.
func TestPaymentNotificationErrorPosition(t *testing.T) {
	body := `{"payment":{"sender":"145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn","amount":1.5,"txid":"t"},"auth":{}}`
	const want = "invalid type: floating point `1.5`, expected i64 at line 1 column 83"
	if _, err := ParsePaymentNotification([]byte(body)); err == nil || err.Error() != want {
		t.Fatalf("err %v, want %q", err, want)
	}
}

func TestWalletRoundTrip(t *testing.T) {
	rng := testRand()
	k := mustKey(t, rng)
	hot := tari.NewAddress(tari.MainNet, k.Public())
	sender := tari.NewAddress(tari.MainNet, mustKey(t, rng).Public())
	memo := `{"claim":"<&> \u2028"}`
	pay := Payment{Sender: sender, Amount: 2_500_000_000, TxID: "payment001", Memo: &memo}
	sig, err := tari.SignWallet(rng, k, hot, 42, pay.Payload())
	if err != nil {
		t.Fatal(err)
	}
	n := PaymentNotification{Payment: pay, Auth: WalletAuth{Address: hot, Nonce: 42, Signature: sig}}
	body, _ := n.MarshalJSON()
	got, err := ParsePaymentNotification(body)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Verify() || got.Auth != n.Auth || *got.Payment.Memo != memo || got.Payment.OrderID != nil {
		t.Fatalf("payment round trip: %+v", got)
	}
	for i := range len(pay.Payload()) * 8 {
		if tari.VerifyWallet(hot, 42, flipBit(pay.Payload(), i), sig) {
			t.Fatalf("payload bit %d flipped still verifies", i)
		}
	}
	if tari.VerifyWallet(hot, 43, pay.Payload(), sig) {
		t.Fatal("another nonce verifies")
	}

	csig, err := tari.SignWallet(rng, k, hot, 43, ConfirmationPayload("payment001"))
	if err != nil {
		t.Fatal(err)
	}
	c := ConfirmationNotification{TxID: "payment001", Auth: WalletAuth{Address: hot, Nonce: 43, Signature: csig}}
	body, _ = c.MarshalJSON()
	gotc, err := ParseConfirmationNotification(body)
	if err != nil || gotc != c || !gotc.Verify() {
		t.Fatalf("confirmation round trip: %+v %v", gotc, err)
	}
	gotc.TxID = "payment002"
	if gotc.Verify() {
		t.Fatal("confirmation of another txid verifies")
	}

	xsig, err := tari.SignCancellation(rng, k, hot, 44, ConfirmationPayload("payment001"))
	if err != nil {
		t.Fatal(err)
	}
	x := CancellationNotification{TxID: "payment001", Auth: WalletAuth{Address: hot, Nonce: 44, Signature: xsig}}
	body, _ = x.MarshalJSON()
	if want := `{"cancellation":{"txid":"payment001"},"auth":`; !strings.HasPrefix(string(body), want) {
		t.Fatalf("cancellation body %s", body)
	}
	gotx, err := ParseCancellationNotification(body)
	if err != nil || gotx != x || !gotx.Verify() {
		t.Fatalf("cancellation round trip: %+v %v", gotx, err)
	}
	// Neither signature verifies as the other kind, over the same txid and nonce.
	if (ConfirmationNotification{TxID: x.TxID, Auth: x.Auth}).Verify() {
		t.Fatal("a cancellation's signature verifies as a confirmation")
	}
	if (CancellationNotification{TxID: c.TxID, Auth: c.Auth}).Verify() {
		t.Fatal("a confirmation's signature verifies as a cancellation")
	}
	csame, _ := tari.SignWallet(rng, k, hot, 44, ConfirmationPayload("payment001"))
	if (CancellationNotification{TxID: "payment001", Auth: WalletAuth{Address: hot, Nonce: 44, Signature: csame}}).Verify() {
		t.Fatal("a confirmation's signature with the cancellation's nonce verifies as a cancellation")
	}
}

// flipBit returns a copy of b with bit i flipped.
func flipBit(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i/8] ^= 1 << (i % 8)
	return c
}

// testRand is a deterministic stream for keys and nonces in tests.
func testRand() io.Reader { return rand.NewChaCha8([32]byte{'t', 'a', 'r', 'i'}) }

func mustKey(t testing.TB, r io.Reader) tari.SecretKey {
	t.Helper()
	k, err := tari.NewSecretKey(r)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
