package tari

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Vectors from tari-project/tari, base_layer/common_types/src/tari_address/mod.rs
// (tests retrieve_memo_field and test_serialize_deserialize_dual_address).
func TestPaymentIDAddressVectors(t *testing.T) {
	tests := []struct {
		in        string
		network   Network
		features  byte
		paymentID string
	}{
		{"f75xWw72BhjRuSatHg4MtqgqzejhZJEmHH7DyYceQDVfKdepfY22CfPJUFQyhkao28gp7cbVqVdR9zczg9eKpoYjGUBH6G32SB", Esmeralda, 6, "vgfve"},
		{"f65xWw72BhjRuSatHg4MtqgqzejhZJEmHH7DyYceQDVfKdfPq5FDo1y7d7pnkm7nxfLy5JpcJMAoX2eiSvHmV7TeTo9k5tsAuR", Esmeralda, 5, "vgfve"},
		{"f23KSMumnDPez4mX9Lxxr1tFDvnkt6aJbsxYLps6sp53PSEHeFXggaGdL3vA4sCHjjbX9Q9KxqyYKUqmeyiWqgUuwFz", Esmeralda, 1, ""},
		{"126J92Yow5y9UoRFd1DNujPmVFq9C1ZeiYWT95UKxz5Y1rzbfjtHg4SCZS1dk83ivzt3m2XRQHTaYUk9SwmyeCvy5BJ", MainNet, 1, ""},
	}
	for _, tc := range tests {
		a, err := ParseAddress(tc.in)
		if err != nil {
			t.Fatalf("ParseAddress(%q): %v", tc.in, err)
		}
		if !a.IsDual() || a.Network() != tc.network || a.Features() != tc.features || string(a.PaymentID()) != tc.paymentID {
			t.Errorf("%q: dual %v network %v features %d payment id %q", tc.in, a.IsDual(), a.Network(), a.Features(), a.PaymentID())
		}
		if a.Base58() != tc.in {
			t.Errorf("%q re-encodes as %q", tc.in, a.Base58())
		}
		for _, form := range []string{a.Emoji(), a.Hex()} {
			if b, err := ParseAddress(form); err != nil || b != a {
				t.Errorf("%q: form %q parses to %v, %v", tc.in, form, b, err)
			}
		}
	}

	a, _ := ParseAddress(tests[3].in)
	view, _ := a.ViewKey()
	if view.Hex() != "3c0223f2be5917384926cbe1a3cd32a907963a933c035801e3f99d1902f3e924" ||
		a.SpendKey().Hex() != "d09dfde45e45456b7a8935fecfc0ebea431548d105d2f098a488820526395a61" {
		t.Errorf("keys of %s: view %s spend %s", tests[3].in, view.Hex(), a.SpendKey().Hex())
	}

	// Tari adds "Hello" to the third address with with_memo_field_payment_id.
	a, _ = ParseAddress(tests[2].in)
	hello, err := a.WithPaymentID([]byte("Hello"))
	if err != nil || string(hello.PaymentID()) != "Hello" || hello.Features() != 1|FeaturePaymentID {
		t.Fatalf("WithPaymentID(Hello) = %v (features %d), %v", hello.PaymentID(), hello.Features(), err)
	}
	if b, err := ParseAddress(hello.Base58()); err != nil || b != hello {
		t.Errorf("%s does not parse back: %v", hello.Base58(), err)
	}
}

func TestWithPaymentID(t *testing.T) {
	rng := testRand()
	dual := NewDualAddress(MainNet, DefaultFeatures, mustKey(t, rng).Public(), mustKey(t, rng).Public())
	single := NewAddress(MainNet, mustKey(t, rng).Public())

	if _, err := single.WithPaymentID([]byte("order 1001")); err != ErrPaymentIDSingle {
		t.Errorf("single address: %v", err)
	}
	if _, err := dual.WithPaymentID(make([]byte, MaxPaymentIDSize+1)); err != ErrPaymentIDSize {
		t.Errorf("%d bytes: %v", MaxPaymentIDSize+1, err)
	}

	for _, id := range [][]byte{[]byte("order 1001"), {0}, bytes.Repeat([]byte{0xff}, MaxPaymentIDSize)} {
		a, err := dual.WithPaymentID(id)
		if err != nil {
			t.Fatalf("WithPaymentID(%x): %v", id, err)
		}
		if !bytes.Equal(a.PaymentID(), id) || a.Features() != DefaultFeatures|FeaturePaymentID {
			t.Errorf("WithPaymentID(%x): payment id %x, features %d", id, a.PaymentID(), a.Features())
		}
		if n := len(a.Bytes()); n != DualAddressSize+len(id) || utf8.RuneCountInString(a.Emoji()) != n {
			t.Errorf("WithPaymentID(%x): %d bytes, %d emoji", id, n, utf8.RuneCountInString(a.Emoji()))
		}
		if len(a.Base58()) > maxBase58AddressLen {
			t.Errorf("base58 of %d bytes is %d long", len(a.Bytes()), len(a.Base58()))
		}
		for _, form := range []string{a.Base58(), a.Emoji(), a.Hex()} {
			if b, err := ParseAddress(form); err != nil || b != a {
				t.Errorf("WithPaymentID(%x): %q parses to %v, %v", id, form, b, err)
			}
		}
		if b, err := AddressFromBytes(a.Bytes()); err != nil || b != a {
			t.Errorf("WithPaymentID(%x): binary round trip: %v", id, err)
		}
		// An empty payment id removes the id and its feature bit.
		if cleared, err := a.WithPaymentID(nil); err != nil || cleared != dual {
			t.Errorf("clearing %x gives %v, %v", id, cleared, err)
		}
	}

	// The id is copied in and out, so callers cannot change an address.
	id := []byte("order 1001")
	a, _ := dual.WithPaymentID(id)
	id[0] = 'X'
	a.PaymentID()[0] = 'Y'
	if string(a.PaymentID()) != "order 1001" {
		t.Errorf("payment id changed to %q", a.PaymentID())
	}
	if dual.PaymentID() != nil {
		t.Error("an address without payment id returns one")
	}
}

// The payment-id flag and bytes must agree (Tari's strict from_bytes).
func TestAddressFromBytesPaymentID(t *testing.T) {
	rng := testRand()
	dual := NewDualAddress(MainNet, DefaultFeatures, mustKey(t, rng).Public(), mustKey(t, rng).Public())
	withID, _ := dual.WithPaymentID([]byte("order 1001"))
	single := NewAddress(MainNet, mustKey(t, rng).Public())
	withFeatures := func(a Address, f byte) []byte {
		b := a.Bytes()
		b[1] = f
		b[len(b)-1] = dammSum(b[:len(b)-1])
		return b
	}
	tooLong, _ := dual.WithPaymentID(make([]byte, MaxPaymentIDSize))
	tooLongBytes := tooLong.Bytes()
	tooLongBytes = append(tooLongBytes[:len(tooLongBytes)-1], 0)
	tooLongBytes = append(tooLongBytes, dammSum(tooLongBytes))

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"payment id without the flag", withFeatures(withID, DefaultFeatures), ErrAddressFeatures},
		{"single with the flag", withFeatures(single, DefaultFeatures|FeaturePaymentID), ErrAddressFeatures},
		{"dual with feature 8", withFeatures(withID, 8|FeaturePaymentID), ErrAddressFeatures},
		{"257 bytes of payment id", tooLongBytes, ErrAddressSize},
		{"between single and dual", withID.Bytes()[:50], ErrAddressSize},
		{"flag without payment id", withFeatures(dual, DefaultFeatures|FeaturePaymentID), nil},
	}
	for _, tc := range tests {
		a, err := AddressFromBytes(tc.in)
		if err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err == nil && !bytes.Equal(a.Bytes(), tc.in) {
			t.Errorf("%s: re-encodes as %x", tc.name, a.Bytes())
		}
	}
}

func TestParseAddressBounds(t *testing.T) {
	// The longest rest (321 bytes, all 0xff) is 439 base58 characters.
	if n := len(base58Encode(bytes.Repeat([]byte{0xff}, maxAddressSize-2))); n+2 != maxBase58AddressLen {
		t.Fatalf("longest base58 address is %d characters, maxBase58AddressLen %d", n+2, maxBase58AddressLen)
	}
	// Refused before any work: no decoding, so no allocation.
	huge, long := strings.Repeat("z", 1<<20), strings.Repeat("z", maxBase58AddressLen+1)
	var err error
	for name, f := range map[string]func(){
		"ParseAddress, 1 MiB":       func() { _, err = ParseAddress(huge) },
		"base58, one char too long": func() { _, err = parseBase58Address(long) },
	} {
		if allocs := testing.AllocsPerRun(3, f); allocs != 0 || err == nil {
			t.Errorf("%s: %v allocations, error %v", name, allocs, err)
		}
	}
	// The longest emoji form with separators still parses.
	a, _ := NewDualAddress(MainNet, DefaultFeatures, mustKey(t, testRand()).Public(), mustKey(t, testRand()).Public()).
		WithPaymentID(bytes.Repeat([]byte{0xff}, MaxPaymentIDSize))
	separated := strings.Join(strings.Split(a.Emoji(), ""), "|")
	if b, err := ParseAddress(" " + separated + "\n"); err != nil || b != a {
		t.Errorf("separated emoji (%d bytes): %v", len(separated), err)
	}
}

// The serde form has no field for a payment id, so such addresses are
// refused rather than written as another account.
func TestPaymentIDAddressHasNoSerdeForm(t *testing.T) {
	k := mustKey(t, testRand())
	a, _ := NewDualAddress(MainNet, DefaultFeatures, k.Public(), k.Public()).WithPaymentID([]byte("x"))
	if _, err := a.MarshalJSON(); err == nil {
		t.Error("MarshalJSON accepted a payment id")
	}
	if _, err := SignLoginToken(testRand(), k, LoginClaims{Address: a, Nonce: 1}); err == nil {
		t.Error("SignLoginToken accepted a payment id")
	}
	c := NewAccessClaims(LoginClaims{Address: a}, time.Unix(1735689600, 0))
	if _, err := IssueAccessToken(testRand(), k, c); err == nil {
		t.Error("IssueAccessToken accepted a payment id")
	}
}
