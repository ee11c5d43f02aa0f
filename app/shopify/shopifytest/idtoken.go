package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// IDToken describes a session token to mint, as App Bridge would
// (docs/admin.md, "Authentication").
type IDToken struct {
	Secret, Aud, Iss, Dest, Sub string
	Iat, Nbf, Exp               time.Time
	Method                      jwt.SigningMethod
}

// ValidIDToken is a staff user's (sub 42) token for shop, issued at now,
// valid for a minute, signed with secret for the app clientID.
func ValidIDToken(now time.Time, clientID, secret, shop string) IDToken {
	return IDToken{
		Secret: secret, Aud: clientID, Sub: "42",
		Iss: "https://" + shop + "/admin", Dest: "https://" + shop,
		Iat: now, Nbf: now, Exp: now.Add(time.Minute), Method: jwt.SigningMethodHS256,
	}
}

// Mint signs the token like Shopify does.
func (tok IDToken) Mint(t testing.TB) string {
	t.Helper()
	jti := make([]byte, 16)
	rand.Read(jti)
	claims := jwt.MapClaims{
		"iss": tok.Iss, "dest": tok.Dest, "aud": tok.Aud, "sub": tok.Sub,
		"exp": tok.Exp.Unix(), "nbf": tok.Nbf.Unix(), "iat": tok.Iat.Unix(),
		"jti": hex.EncodeToString(jti), "sid": "sid-" + tok.Sub,
	}
	s, err := jwt.NewWithClaims(tok.Method, claims).SignedString([]byte(tok.Secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
