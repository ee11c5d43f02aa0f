package tari

import (
	"errors"
	"testing"
	"time"
)

// Vectors from the reference's own unit tests, beyond tari_vectors.json.

// tari-jwt src/test.rs: TOKEN, KEY and SIGNING_KEY.
func TestReferenceTariJWTToken(t *testing.T) {
	const (
		token = "eyJhbGciOiJSaXN0cmV0dG8yNTYiLCJ0eXAiOiJKV1QifQ." +
			"eyJleHAiOjE3MDk4MDU2MDAsImlhdCI6MTcwOTIwMDgwMCwidXNlcm5hbWUiOiJhbGljZSIsImFkbWluIjp0cnVlfQ." +
			"Ji2VxhHUBDcK-knCNGmGeBbo395X9d2R1Y1ikr0-C1sFQKeooNXae9DQLpC0cAd1XsrnRiw9gmM7UR6wH_kxCg"
		key        = "769524f0b08d986456730d1723cd28a1d0c5bc096cc05bc1347ea185dc08571e"
		signingKey = "e4fc65ddca03c5e33ed494d99d735562e27718afee2d66210b36b2fe110e9f0a"
	)
	sk, err := ParseSecretKey(signingKey)
	if err != nil || sk.Public().Hex() != key {
		t.Fatalf("signing key does not derive KEY: %v", err)
	}
	if token[:len(jwtHeader)] != jwtHeader {
		t.Fatal("header differs from tari-jwt's")
	}
	ut, err := parseToken(token)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := ut.checkSignature()
	if err != nil {
		t.Fatal(err)
	}
	pub := sk.Public()
	if !verify(pub, domainJWT, []byte(ut.signed), sig) {
		t.Fatal("tari-jwt's token does not verify")
	}
	if verify(pub, "com.tari.schnorr_signature.v1.challenge", []byte(ut.signed), sig) {
		t.Fatal("verifies in tari_crypto's default domain")
	}
	// Its claims are not an access token's: no address, no roles.
	var te *TokenError
	if _, err := VerifyAccessToken(token, pub, time.Unix(1709200800, 0)); !errors.As(err, &te) || te.Kind != TokenClaims {
		t.Fatalf("err %v, want TokenClaims", err)
	}
}

// tari_payment_engine helpers/memo_signature.rs: verify_from_json and the
// key in its comments.
func TestReferenceMemoSignature(t *testing.T) {
	const body = `{
          "address": "14s9vDTwrweZvWEgQ9gNhXXPX68DPXSSAHNFWYEPi5JsBQY",
          "order_id": "oid554432",
          "signature": "74236918f5815383ad7a889fa2c26037418b217f983575b5b5cfde21c7bcf3094ca6ff09c43fca8d4040a38e60b57fea622d5919979fae4ccfea93883df6bd00"
        }`
	m, err := ParseMemoSignature([]byte(body))
	if err != nil || !m.Verify() {
		t.Fatalf("reference memo does not verify: %v", err)
	}
	if got := string(memoMessage(m.Address, m.OrderID)); got != "14s9vDTwrweZvWEgQ9gNhXXPX68DPXSSAHNFWYEPi5JsBQY:oid554432" {
		t.Fatalf("message %q", got)
	}
	sk, err := ParseSecretKey("1dbbce83de2b0233c404b96b9234233bb3cec51503e2124d8c728a2d9b4fb00c")
	if err != nil || NewAddress(MainNet, sk.Public()) != m.Address {
		t.Fatalf("the comment's secret key is not the address's: %v", err)
	}
}

// The current-format wallet message from e2e
// wallet_auth.feature, emoji address first.
func TestReferenceWalletMessage(t *testing.T) {
	const want = `🐢🌊💰⭐🎷🎨💄🏰🔩📖⭐🏈😈🔬👀🐴🍦🎿🐞🥊🐣🎯👗🎧🍬🏆🐨👢🐙🔋🔦📟🍆🎒🚫:1:{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001","memo":null,"order_id":null}`
	hot, err := ParseAddress("14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG")
	if err != nil {
		t.Fatal(err)
	}
	// internal/tariwire's TestPaymentPayloadIsSerdeOutput builds this payload.
	payload := `{"sender":"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt","amount":2500000000,"txid":"payment001","memo":null,"order_id":null}`
	if got := string(walletMessage(hot, 1, []byte(payload))); got != want {
		t.Fatalf("message\n got %s\nwant %s", got, want)
	}
}

// tari-jwt src/helpers.rs verify: a raw signature valid in the JWT domain
// and invalid in tari_crypto's default one.
func TestReferenceJWTDomain(t *testing.T) {
	sig, err := ParseSignature("bcd62ac684e4a8eece44885579d1525480f74b6766ef32123aa632292f757274" +
		"b6c727b830fb5cb54d6362a9b6546145645150c6e96e71d280dd9bfd065cb50c")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePublicKey("9e692110ca71faeb99777ce3fdc035249d232139c9a1f6602671beea5ab62f02")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("attaque at dawn")
	if !verify(p, domainJWT, msg, sig) {
		t.Fatal("invalid in the JWT domain")
	}
	if verify(p, "com.tari.schnorr_signature.v1.challenge", msg, sig) {
		t.Fatal("valid in the default domain")
	}
}
