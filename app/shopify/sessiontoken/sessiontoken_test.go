package admin

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testClientID = "0123456789abcdef0123456789abcdef"
	testSecret   = "test-client-secret"
	testShop     = "test-shop.myshopify.com"
)

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// idToken describes a session token to mint, as App Bridge would.
type idToken struct {
	secret, aud, iss, dest, sub string
	iat, nbf, exp               time.Time
	method                      jwt.SigningMethod
}

func validIDToken(now time.Time) idToken {
	return idToken{
		secret: testSecret, aud: testClientID, sub: "42",
		iss: "https://" + testShop + "/admin", dest: "https://" + testShop,
		iat: now, nbf: now, exp: now.Add(time.Minute), method: jwt.SigningMethodHS256,
	}
}

// mintIDToken signs a session token like Shopify's (docs/admin.md, "Authentication").
func mintIDToken(t testing.TB, tok idToken) string {
	t.Helper()
	jti := make([]byte, 16)
	rand.Read(jti)
	claims := jwt.MapClaims{
		"iss": tok.iss, "dest": tok.dest, "aud": tok.aud, "sub": tok.sub,
		"exp": tok.exp.Unix(), "nbf": tok.nbf.Unix(), "iat": tok.iat.Unix(),
		"jti": hex.EncodeToString(jti), "sid": "sid-" + tok.sub,
	}
	s, err := jwt.NewWithClaims(tok.method, claims).SignedString([]byte(tok.secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSessionTokensVerify(t *testing.T) {
	v := SessionTokens{ClientID: testClientID, Secrets: []string{testSecret, "old-secret"}, Now: func() time.Time { return testNow }}
	valid := validIDToken(testNow)
	tests := []struct {
		name   string
		edit   func(*idToken)
		raw    func(string) string
		shop   string
		wantOK bool
	}{
		{name: "valid", wantOK: true},
		{name: "signed with the old secret during a rotation", edit: func(t *idToken) { t.secret = "old-secret" }, wantOK: true},
		{name: "expired", edit: func(t *idToken) { t.exp = testNow.Add(-11 * time.Second) }},
		{name: "expired within leeway", edit: func(t *idToken) { t.exp = testNow.Add(-9 * time.Second) }, wantOK: true},
		{name: "nbf in the future", edit: func(t *idToken) { t.nbf = testNow.Add(11 * time.Second) }},
		{name: "nbf within leeway", edit: func(t *idToken) { t.nbf = testNow.Add(9 * time.Second) }, wantOK: true},
		{name: "wrong audience", edit: func(t *idToken) { t.aud = "another-app" }},
		{name: "wrong secret", edit: func(t *idToken) { t.secret = "guessed" }},
		{name: "iss names another shop", edit: func(t *idToken) { t.iss = "https://evil-shop.myshopify.com/admin" }},
		{name: "dest is not a myshopify domain", edit: func(t *idToken) {
			t.dest, t.iss = "https://test-shop.example.com", "https://test-shop.example.com/admin"
		}},
		{name: "dest over http", edit: func(t *idToken) { t.dest = "http://" + testShop }},
		{name: "wrong shop for a single-store set-up", shop: "other-shop.myshopify.com"},
		{name: "the configured shop", shop: testShop, wantOK: true},
		{name: "no staff user", edit: func(t *idToken) { t.sub = "" }},
		{name: "HS512 refused", edit: func(t *idToken) { t.method = jwt.SigningMethodHS512 }},
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
			raw := mintIDToken(t, tok)
			if tt.raw != nil {
				raw = tt.raw(raw)
			}
			v := v
			v.Shop = tt.shop
			st, err := v.Verify(raw)
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if st != (Staff{Shop: testShop, User: "42"}) {
					t.Fatalf("staff = %+v", st)
				}
				return
			}
			if !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidSession", st, err)
			}
		})
	}
}

func TestAppSessions(t *testing.T) {
	now := testNow
	s := AppSessions{Key: AppSessionKey(testSecret), TTL: 30 * time.Minute, Now: func() time.Time { return now }}
	staff := Staff{Shop: testShop, User: "42"}
	tok := s.Mint(staff)
	if got, err := s.Verify(tok); err != nil || got != staff {
		t.Fatalf("Verify(minted) = %+v, %v", got, err)
	}
	other := s
	other.Key = AppSessionKey("another secret")
	single := s
	single.Shop = "other-shop.myshopify.com"
	payload, sig, _ := strings.Cut(tok, ".")
	forged, _ := base64.RawURLEncoding.DecodeString(payload)
	forgedPayload := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(forged), `"42"`, `"1"`, 1)))
	for name, tc := range map[string]struct {
		sessions AppSessions
		token    string
		at       time.Time
	}{
		"expired":        {s, tok, now.Add(30 * time.Minute)},
		"another shop":   {single, tok, now},
		"other key":      {other, tok, now},
		"forged payload": {s, forgedPayload + "." + sig, now},
		"no signature":   {s, payload, now},
		"garbage":        {s, "%%%.%%%", now},
	} {
		t.Run(name, func(t *testing.T) {
			v := tc.sessions
			v.Now = func() time.Time { return tc.at }
			if _, err := v.Verify(tc.token); !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("Verify = %v, want ErrInvalidSession", err)
			}
		})
	}
}

func FuzzSessionTokensVerify(f *testing.F) {
	f.Add(mintIDToken(f, validIDToken(testNow)))
	f.Add("a.b.c")
	v := SessionTokens{ClientID: testClientID, Secrets: []string{testSecret}, Now: func() time.Time { return testNow }}
	f.Fuzz(func(t *testing.T, s string) {
		if st, err := v.Verify(s); err == nil && !ValidShop(st.Shop) {
			t.Fatalf("accepted a token for shop %q", st.Shop)
		}
	})
}

func FuzzAppSessionsVerify(f *testing.F) {
	s := AppSessions{Key: AppSessionKey(testSecret), TTL: time.Minute, Now: func() time.Time { return testNow }}
	f.Add(s.Mint(Staff{Shop: testShop, User: "1"}))
	f.Fuzz(func(t *testing.T, tok string) {
		if st, err := s.Verify(tok); err == nil && !ValidShop(st.Shop) {
			t.Fatalf("accepted a session for shop %q", st.Shop)
		}
	})
}

// A checkout or customer-account extension's token: no iss, a bare or
// https dest, and sub only for a signed-in customer.
func TestSessionTokensVerifyBuyer(t *testing.T) {
	v := SessionTokens{ClientID: testClientID, Secrets: []string{testSecret}, Shop: testShop, Now: func() time.Time { return testNow }}
	buyer := func(edit func(*idToken)) idToken {
		tok := validIDToken(testNow)
		tok.iss, tok.dest, tok.sub = "", testShop, "gid://shopify/Customer/7"
		if edit != nil {
			edit(&tok)
		}
		return tok
	}
	tests := []struct {
		name     string
		tok      idToken
		customer string
		ok       bool
	}{
		{"bare dest, signed in", buyer(nil), "gid://shopify/Customer/7", true},
		{"https dest, guest", buyer(func(k *idToken) { k.dest, k.sub = "https://"+testShop, "" }), "", true},
		{"nbf within leeway", buyer(func(k *idToken) { k.nbf = testNow.Add(5 * time.Second) }), "gid://shopify/Customer/7", true},
		{"wrong aud", buyer(func(k *idToken) { k.aud = "another-app" }), "", false},
		{"another shop", buyer(func(k *idToken) { k.dest = "other.myshopify.com" }), "", false},
		{"dest not a shop", buyer(func(k *idToken) { k.dest = "https://evil.example/" + testShop }), "", false},
		{"expired", buyer(func(k *idToken) { k.exp = testNow.Add(-time.Minute) }), "", false},
		{"not yet valid", buyer(func(k *idToken) { k.nbf = testNow.Add(time.Minute) }), "", false},
		{"wrong secret", buyer(func(k *idToken) { k.secret = "guess" }), "", false},
		{"HS512", buyer(func(k *idToken) { k.method = jwt.SigningMethodHS512 }), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop, customer, err := v.VerifyBuyer(mintIDToken(t, tt.tok))
			if !tt.ok {
				if !errors.Is(err, ErrInvalidSession) {
					t.Fatalf("VerifyBuyer = %s, %s, %v; want ErrInvalidSession", shop, customer, err)
				}
				return
			}
			if err != nil || shop != testShop || customer != tt.customer {
				t.Fatalf("VerifyBuyer = %q, %q, %v; want %s, %q", shop, customer, err, testShop, tt.customer)
			}
		})
	}
}
