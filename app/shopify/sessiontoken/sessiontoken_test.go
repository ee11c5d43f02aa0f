package sessiontoken

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify/shopifytest"

	"github.com/golang-jwt/jwt/v5"
)

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestSessionTokensVerify(t *testing.T) {
	v := Verifier{ClientID: shopifytest.ClientID, Secrets: []string{shopifytest.ClientSecret, "old-secret"}, Now: func() time.Time { return testNow }}
	valid := shopifytest.ValidIDToken(testNow)
	tests := []struct {
		name   string
		edit   func(*shopifytest.IDToken)
		raw    func(string) string
		shop   string
		wantOK bool
	}{
		{name: "valid", wantOK: true},
		{name: "signed with the old secret during a rotation", edit: func(t *shopifytest.IDToken) { t.Secret = "old-secret" }, wantOK: true},
		{name: "expired", edit: func(t *shopifytest.IDToken) { t.Exp = testNow.Add(-11 * time.Second) }},
		{name: "expired within leeway", edit: func(t *shopifytest.IDToken) { t.Exp = testNow.Add(-9 * time.Second) }, wantOK: true},
		{name: "nbf in the future", edit: func(t *shopifytest.IDToken) { t.Nbf = testNow.Add(11 * time.Second) }},
		{name: "nbf within leeway", edit: func(t *shopifytest.IDToken) { t.Nbf = testNow.Add(9 * time.Second) }, wantOK: true},
		{name: "wrong audience", edit: func(t *shopifytest.IDToken) { t.Aud = "another-app" }},
		{name: "wrong secret", edit: func(t *shopifytest.IDToken) { t.Secret = "guessed" }},
		{name: "iss names another shop", edit: func(t *shopifytest.IDToken) { t.Iss = "https://evil-shop.myshopify.com/admin" }},
		{name: "dest is not a myshopify domain", edit: func(t *shopifytest.IDToken) {
			t.Dest, t.Iss = "https://test-shop.example.com", "https://test-shop.example.com/admin"
		}},
		{name: "dest over http", edit: func(t *shopifytest.IDToken) { t.Dest = "http://" + shopifytest.Shop }},
		{name: "wrong shop for a single-store set-up", shop: "other-shop.myshopify.com"},
		{name: "the configured shop", shop: shopifytest.Shop, wantOK: true},
		{name: "no staff user", edit: func(t *shopifytest.IDToken) { t.Sub = "" }},
		{name: "HS512 refused", edit: func(t *shopifytest.IDToken) { t.Method = jwt.SigningMethodHS512 }},
		{name: "tampered signature", raw: func(s string) string {
			last := s[len(s)-2]
			flip := byte('A')
			if last == 'A' {
				flip = 'B'
			}
			return s[:len(s)-2] + string(flip) + s[len(s)-1:]
		}},
		{name: "tampered payload", raw: func(s string) string {
			parts := strings.Split(s, ".")
			body, _ := base64.RawURLEncoding.DecodeString(parts[1])
			body = []byte(strings.Replace(string(body), `"sub":"42"`, `"sub":"1"`, 1))
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(body) + "." + parts[2]
		}},
		{name: "alg none", raw: func(s string) string {
			parts := strings.Split(s, ".")
			head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
			return head + "." + parts[1] + "."
		}},
		{name: "empty", raw: func(string) string { return "" }},
		{name: "garbage", raw: func(string) string { return "not.a.jwt" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := valid
			if tt.edit != nil {
				tt.edit(&tok)
			}
			raw := tok.Mint(t)
			if tt.raw != nil {
				raw = tt.raw(raw)
			}
			v := v
			v.Shop = tt.shop
			shop, user, err := v.Verify(raw)
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if shop != shopifytest.Shop || user != "42" {
					t.Fatalf("Verify = %s, %s", shop, user)
				}
				return
			}
			if !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("Verify = %s, %s, %v; want ErrInvalidSession", shop, user, err)
			}
		})
	}
}

func FuzzSessionTokensVerify(f *testing.F) {
	f.Add(shopifytest.ValidIDToken(testNow).Mint(f))
	f.Add("a.b.c")
	v := Verifier{ClientID: shopifytest.ClientID, Secrets: []string{shopifytest.ClientSecret}, Now: func() time.Time { return testNow }}
	f.Fuzz(func(t *testing.T, s string) {
		if shop, _, err := v.Verify(s); err == nil && !ValidShop(shop) {
			t.Fatalf("accepted a token for shop %q", shop)
		}
	})
}

// A checkout or customer-account extension's token: no iss, a bare or
// https dest, and sub only for a signed-in customer.
func TestSessionTokensVerifyBuyer(t *testing.T) {
	v := Verifier{ClientID: shopifytest.ClientID, Secrets: []string{shopifytest.ClientSecret}, Shop: shopifytest.Shop, Now: func() time.Time { return testNow }}
	buyer := func(edit func(*shopifytest.IDToken)) shopifytest.IDToken {
		tok := shopifytest.ValidIDToken(testNow)
		tok.Iss, tok.Dest, tok.Sub = "", shopifytest.Shop, "gid://shopify/Customer/7"
		if edit != nil {
			edit(&tok)
		}
		return tok
	}
	tests := []struct {
		name     string
		tok      shopifytest.IDToken
		customer string
		ok       bool
	}{
		{"bare dest, signed in", buyer(nil), "gid://shopify/Customer/7", true},
		{"https dest, guest", buyer(func(k *shopifytest.IDToken) { k.Dest, k.Sub = "https://"+shopifytest.Shop, "" }), "", true},
		{"nbf within leeway", buyer(func(k *shopifytest.IDToken) { k.Nbf = testNow.Add(5 * time.Second) }), "gid://shopify/Customer/7", true},
		{"wrong aud", buyer(func(k *shopifytest.IDToken) { k.Aud = "another-app" }), "", false},
		{"another shop", buyer(func(k *shopifytest.IDToken) { k.Dest = "other.myshopify.com" }), "", false},
		{"dest not a shop", buyer(func(k *shopifytest.IDToken) { k.Dest = "https://evil.example/" + shopifytest.Shop }), "", false},
		{"expired", buyer(func(k *shopifytest.IDToken) { k.Exp = testNow.Add(-time.Minute) }), "", false},
		{"not yet valid", buyer(func(k *shopifytest.IDToken) { k.Nbf = testNow.Add(time.Minute) }), "", false},
		{"wrong secret", buyer(func(k *shopifytest.IDToken) { k.Secret = "guess" }), "", false},
		{"HS512", buyer(func(k *shopifytest.IDToken) { k.Method = jwt.SigningMethodHS512 }), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop, customer, err := v.VerifyBuyer(tt.tok.Mint(t))
			if !tt.ok {
				if !errors.Is(err, ErrInvalidSession) {
					t.Fatalf("VerifyBuyer = %s, %s, %v; want ErrInvalidSession", shop, customer, err)
				}
				return
			}
			if err != nil || shop != shopifytest.Shop || customer != tt.customer {
				t.Fatalf("VerifyBuyer = %q, %q, %v; want %s, %q", shop, customer, err, shopifytest.Shop, tt.customer)
			}
		})
	}
}
