package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"taripay/app/shopify/sessiontoken"
)

// SessionHeader carries the server-minted app session on htmx requests
// (docs/admin.md, "Authentication"). htmx sends it through hx-headers, so nothing
// is sent automatically cross-site and no cookie is needed.
const SessionHeader = "X-TPS-Session"

// AppSessions mints and checks short-lived app sessions: an HMAC-SHA256
// signed {shop, sub, exp}. The key is derived from the client secret, so
// every process of one deployment accepts the others' sessions. A session
// lives TTL from the Shopify session token it was minted from, however much
// it is used: the admin hands a page's session back unchanged.
type AppSessions struct {
	Key []byte
	TTL time.Duration
	// Shop, when set, is the only shop accepted (TPG_SHOPIFY_SHOP); the
	// admin also rechecks each session's shop against the pinned one.
	Shop string
	Now  func() time.Time
}

type appSession struct {
	Shop string `json:"shop"`
	Sub  string `json:"sub"`
	Exp  int64  `json:"exp"`
}

// AppSessionKey derives the session key from the client secret.
func AppSessionKey(clientSecret string) []byte {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte("taripay admin app-session v1"))
	return m.Sum(nil)
}

// Mint returns a session for the staff user, valid for TTL.
func (s AppSessions) Mint(st Staff) string {
	body, _ := json.Marshal(appSession{Shop: st.Shop, Sub: st.User, Exp: s.now().Add(s.TTL).Unix()})
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

// Verify checks the signature and expiry of a minted session.
func (s AppSessions) Verify(token string) (Staff, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 {
		return Staff{}, fmt.Errorf("%w: malformed app session", sessiontoken.ErrInvalidSession)
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return Staff{}, fmt.Errorf("%w: bad app session signature", sessiontoken.ErrInvalidSession)
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Staff{}, fmt.Errorf("%w: malformed app session", sessiontoken.ErrInvalidSession)
	}
	var as appSession
	if err := json.Unmarshal(body, &as); err != nil {
		return Staff{}, fmt.Errorf("%w: malformed app session: %w", sessiontoken.ErrInvalidSession, err)
	}
	if s.now().Unix() >= as.Exp {
		return Staff{}, fmt.Errorf("%w: app session expired", sessiontoken.ErrInvalidSession)
	}
	if !sessiontoken.ValidShop(as.Shop) || as.Sub == "" {
		return Staff{}, fmt.Errorf("%w: app session without shop or user", sessiontoken.ErrInvalidSession)
	}
	if s.Shop != "" && as.Shop != s.Shop {
		return Staff{}, fmt.Errorf("%w: shop %s is not this app's shop", sessiontoken.ErrInvalidSession, as.Shop)
	}
	return Staff{Shop: as.Shop, User: as.Sub}, nil
}

func (s AppSessions) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func (s AppSessions) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
