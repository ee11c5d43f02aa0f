package tari

import (
	"crypto/rand"
	"testing"
	"time"
)

func BenchmarkSchnorrSign(b *testing.B) {
	k := mustKey(b, rand.Reader)
	msg := []byte("14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt:alice001")
	for b.Loop() {
		if _, err := sign(rand.Reader, k, domainMemo, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchnorrVerify(b *testing.B) {
	k := mustKey(b, rand.Reader)
	msg := []byte("14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt:alice001")
	sig, _ := sign(rand.Reader, k, domainMemo, msg)
	pub := k.Public()
	for b.Loop() {
		if !verify(pub, domainMemo, msg, sig) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkMemoSign(b *testing.B) {
	k := mustKey(b, rand.Reader)
	a := NewAddress(MainNet, k.Public())
	for b.Loop() {
		if _, err := SignMemo(rand.Reader, k, a, "order10256"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoVerify includes parsing the JSON body, as /order/claim does.
func BenchmarkMemoVerify(b *testing.B) {
	k := mustKey(b, rand.Reader)
	m, _ := SignMemo(rand.Reader, k, NewAddress(MainNet, k.Public()), "order10256")
	body, _ := m.MarshalJSON()
	for b.Loop() {
		p, err := ParseMemoSignature(body)
		if err != nil || !p.Verify() {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkWalletSign(b *testing.B) {
	k := mustKey(b, rand.Reader)
	hot := NewAddress(MainNet, k.Public())
	payload := []byte(`{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001","memo":null,"order_id":null}`)
	for b.Loop() {
		if _, err := SignWallet(rand.Reader, k, hot, 1, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJWTIssue(b *testing.B) {
	k := mustKey(b, rand.Reader)
	c := NewAccessClaims(LoginClaims{Address: NewAddress(MainNet, k.Public()), DesiredRoles: []string{"user"}}, time.Unix(1735689600, 0))
	for b.Loop() {
		if _, err := IssueAccessToken(rand.Reader, k, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJWTVerifyAccess(b *testing.B) {
	k := mustKey(b, rand.Reader)
	now := time.Unix(1735689600, 0)
	tok, _ := IssueAccessToken(rand.Reader, k, NewAccessClaims(LoginClaims{Address: NewAddress(MainNet, k.Public()), DesiredRoles: []string{"user"}}, now))
	pub := k.Public()
	for b.Loop() {
		if _, err := VerifyAccessToken(tok, pub, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJWTParseLogin(b *testing.B) {
	k := mustKey(b, rand.Reader)
	tok, _ := SignLoginToken(rand.Reader, k, LoginClaims{Address: NewAddress(MainNet, k.Public()), Nonce: 1, DesiredRoles: []string{"user"}})
	for b.Loop() {
		if _, err := ParseLoginToken(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAddress(b *testing.B) {
	a := NewAddress(MainNet, mustKey(b, rand.Reader).Public())
	for _, form := range []struct{ name, s string }{{"base58", a.Base58()}, {"emoji", a.Emoji()}, {"hex", a.Hex()}} {
		b.Run(form.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseAddress(form.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
