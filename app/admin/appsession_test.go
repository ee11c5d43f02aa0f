package admin

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify/sessiontoken"
	"taripay/app/shopify/shopifytest"
)

const (
	testClientID = shopifytest.ClientID
	testSecret   = shopifytest.ClientSecret
	testShop     = shopifytest.Shop
)

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

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
			if _, err := v.Verify(tc.token); !errors.Is(err, sessiontoken.ErrInvalidSession) {
				t.Fatalf("Verify = %v, want sessiontoken.ErrInvalidSession", err)
			}
		})
	}
}

func FuzzAppSessionsVerify(f *testing.F) {
	s := AppSessions{Key: AppSessionKey(testSecret), TTL: time.Minute, Now: func() time.Time { return testNow }}
	f.Add(s.Mint(Staff{Shop: testShop, User: "1"}))
	f.Fuzz(func(t *testing.T, tok string) {
		if st, err := s.Verify(tok); err == nil && !sessiontoken.ValidShop(st.Shop) {
			t.Fatalf("accepted a session for shop %q", st.Shop)
		}
	})
}
