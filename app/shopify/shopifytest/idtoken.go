package shopifytest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The app a minted session token is for, and its shop.
const (
	ClientID     = "0123456789abcdef0123456789abcdef"
	ClientSecret = "test-client-secret"
	Shop         = "test-shop.myshopify.com"
)

// IDToken describes a session token to mint, as App Bridge would
// (docs/admin.md, "Authentication").
type IDToken struct {
	Secret, Aud, Iss, Dest, Sub string
	Iat, Nbf, Exp               time.Time
	Method                      jwt.SigningMethod
}

// ValidIDToken is staff user 42's token for Shop, issued at now, valid for
// a minute, signed with ClientSecret for the app ClientID.
func ValidIDToken(now time.Time) IDToken {
	return IDToken{
		Secret: ClientSecret, Aud: ClientID, Sub: "42",
		Iss: "https://" + Shop + "/admin", Dest: "https://" + Shop,
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
