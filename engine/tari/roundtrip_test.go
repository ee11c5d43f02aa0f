package tari

import (
	"strings"
	"testing"
	"time"
)

// flipBit returns a copy of b with bit i flipped.
func flipBit(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i/8] ^= 1 << (i % 8)
	return c
}

func TestSchnorrRoundTripAndBitFlips(t *testing.T) {
	rng := testRand()
	k := mustKey(t, rng)
	other := mustKey(t, rng).Public()
	msg := []byte("14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt:alice001")
	for _, d := range []domain{domainMemo, domainWallet, domainCancel, domainJWT} {
		t.Run(string(d), func(t *testing.T) {
			sig, err := sign(rng, k, d, msg)
			if err != nil {
				t.Fatal(err)
			}
			pub := k.Public()
			if !verify(pub, d, msg, sig) {
				t.Fatal("fresh signature does not verify")
			}
			for _, od := range []domain{domainMemo, domainWallet, domainCancel, domainJWT, "com.tari.schnorr_signature.v1.challenge"} {
				if od != d && verify(pub, od, msg, sig) {
					t.Fatalf("verifies in domain %s", od)
				}
			}
			if verify(other, d, msg, sig) {
				t.Fatal("verifies under another key")
			}
			if verify(PublicKey{}, d, msg, sig) {
				t.Fatal("verifies under the identity key")
			}
			raw := sig.Bytes()
			for i := range len(raw) * 8 {
				flipped, err := signatureFromBytes(flipBit(raw, i))
				if err == nil && verify(pub, d, msg, flipped) {
					t.Fatalf("signature bit %d flipped still verifies", i)
				}
			}
			for i := range len(msg) * 8 {
				if verify(pub, d, flipBit(msg, i), sig) {
					t.Fatalf("message bit %d flipped still verifies", i)
				}
			}
			for i := range 256 {
				p, err := publicKeyFromBytes(flipBit(pub.b[:], i))
				if err == nil && verify(p, d, msg, sig) {
					t.Fatalf("key bit %d flipped still verifies", i)
				}
			}
		})
	}
}

func TestMemoRoundTrip(t *testing.T) {
	rng := testRand()
	k := mustKey(t, rng)
	a := NewAddress(MainNet, k.Public())
	m, err := SignMemo(rng, k, a, "order#1 ünïcode")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := m.MarshalJSON()
	for _, form := range []string{a.Base58(), a.Emoji(), a.Hex()} {
		// The message is always the base58 form, so any address form verifies.
		alt := strings.Replace(string(body), a.Base58(), form, 1)
		got, err := ParseMemoSignature([]byte(alt))
		if err != nil {
			t.Fatal(err)
		}
		if got != m || !got.Verify() {
			t.Fatalf("round trip via %q: %+v", form, got)
		}
	}
	tampered := m
	tampered.OrderID = "order#2 ünïcode"
	if tampered.Verify() {
		t.Fatal("claim for another order verifies")
	}
	other := NewAddress(NextNet, k.Public())
	tampered = m
	tampered.Address = other
	if tampered.Verify() {
		t.Fatal("claim moved to another network verifies")
	}
}

func TestLoginTokenRoundTripAndBitFlips(t *testing.T) {
	rng := testRand()
	k := mustKey(t, rng)
	c := LoginClaims{Address: NewAddress(MainNet, k.Public()), Nonce: 1725298445, DesiredRoles: []string{"user", "write"}}
	tok, err := SignLoginToken(rng, k, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseLoginToken(tok)
	if err != nil || got.Address != c.Address || got.Nonce != c.Nonce || !equalStrings(got.DesiredRoles, c.DesiredRoles) {
		t.Fatalf("login round trip: %+v %v", got, err)
	}
	for i := range len(tok) * 8 {
		if _, err := ParseLoginToken(string(flipBit([]byte(tok), i))); err == nil {
			t.Fatalf("token bit %d flipped still verifies", i)
		}
	}
	if _, err := SignLoginToken(rng, k, LoginClaims{Address: c.Address, DesiredRoles: []string{"admin"}}); err == nil {
		t.Fatal("signed an unknown role")
	}
}

func TestAccessTokenRoundTripAndBitFlips(t *testing.T) {
	rng := testRand()
	server := mustKey(t, rng)
	user := NewAddress(MainNet, mustKey(t, rng).Public())
	now := time.Unix(1735689600, 0)
	c := NewAccessClaims(LoginClaims{Address: user, DesiredRoles: []string{"user"}}, now)
	tok, err := IssueAccessToken(rng, server, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerifyAccessToken(tok, server.Public(), now)
	if err != nil || got.Address != user || got.Expires != now.Unix()+86400 || !equalStrings(got.Roles, c.Roles) {
		t.Fatalf("access round trip: %+v %v", got, err)
	}
	for i := range len(tok) * 8 {
		if _, err := VerifyAccessToken(string(flipBit([]byte(tok), i)), server.Public(), now); err == nil {
			t.Fatalf("token bit %d flipped still verifies", i)
		}
	}
	pub := server.Public()
	for i := range 256 {
		p, err := publicKeyFromBytes(flipBit(pub.b[:], i))
		if err != nil {
			continue
		}
		if _, err := VerifyAccessToken(tok, p, now); err == nil {
			t.Fatalf("key bit %d flipped still verifies", i)
		}
	}
}

func TestAddressFormsRoundTrip(t *testing.T) {
	rng := testRand()
	for _, n := range []Network{MainNet, StageNet, NextNet, LocalNet, Igor, Esmeralda} {
		for f := range byte(4) {
			view, spend := mustKey(t, rng).Public(), mustKey(t, rng).Public()
			withID, err := NewDualAddress(n, f, view, spend).WithPaymentID([]byte("order 1001"))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []Address{
				{network: n, features: f, spend: spend},
				NewDualAddress(n, f, view, spend),
				withID,
			} {
				for _, form := range []string{a.Base58(), a.Emoji(), a.Hex(), "0x" + strings.ToUpper(a.Hex()), " " + a.Emoji() + "\n"} {
					got, err := ParseAddress(form)
					if err != nil || got != a {
						t.Fatalf("ParseAddress(%q) = %v, %v; want %v", form, got, err, a)
					}
				}
				if b, err := a.MarshalJSON(); a.PaymentID() == nil {
					var got Address
					if err := got.UnmarshalJSON(b); err != nil || got != a {
						t.Fatalf("serde round trip of %s: %v %v", b, got, err)
					}
				} else if err == nil {
					t.Fatalf("serde form of %v written without its payment id", a)
				}
				if fb, err := AddressFromBytes(a.Bytes()); err != nil || fb != a {
					t.Fatalf("binary round trip: %v", err)
				}
			}
		}
	}
}
