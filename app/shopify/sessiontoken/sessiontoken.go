// Package sessiontoken verifies Shopify's session tokens (ID tokens): the
// HS256 JWTs App Bridge gives the embedded admin, and those a checkout or
// customer-account UI extension sends (docs/admin.md, "Authentication").
package sessiontoken

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// leeway is the clock tolerance Shopify's own libraries allow on exp and nbf.
const leeway = 10 * time.Second

// shopPattern is the only shop domain form we accept (docs/admin.md, "Headers").
var shopPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidShop reports whether shop is a plain "<x>.myshopify.com" domain, safe
// to put into a URL or a CSP header.
func ValidShop(shop string) bool { return len(shop) <= 255 && shopPattern.MatchString(shop) }

// ErrInvalidSession is wrapped by every session token failure.
var ErrInvalidSession = errors.New("invalid session token")

// sessionClaims are the App Bridge session token's claims (docs/admin.md, "Authentication").
type sessionClaims struct {
	Dest string `json:"dest"`
	jwt.RegisteredClaims
}

// Verifier verifies session tokens: HS256 JWTs signed with the app's client
// secret.
type Verifier struct {
	ClientID string
	// Secrets holds the current client secret first; during a rotation the
	// old one follows it.
	Secrets []string
	// Shop, when set, is the only shop accepted (single-store set-ups).
	Shop string
	Now  func() time.Time
}

// Verify checks an App Bridge token: signature, algorithm, aud, exp and nbf
// (with leeway), that iss and dest name the same shop, and that the shop is
// well formed. It returns the shop and the staff user (sub).
func (v Verifier) Verify(token string) (shop, user string, err error) {
	claims, err := v.parse(token)
	if err != nil {
		return "", "", err
	}
	return v.staff(claims)
}

// VerifyBuyer checks the session token of a checkout or customer-account
// UI extension, which a shopper's page sends: signature, algorithm, aud,
// exp and nbf as Verify does, and that dest is this app's shop. Such a
// token has no iss, and sub, the customer's GID, only when the shopper is
// signed in; customer is "" otherwise. It proves the shop and nothing
// about any order.
func (v Verifier) VerifyBuyer(token string) (shop, customer string, err error) {
	claims, err := v.parse(token)
	if err != nil {
		return "", "", err
	}
	shop = claims.Dest
	if u, err := url.Parse(claims.Dest); err == nil && u.Scheme == "https" && strings.Trim(u.Path, "/") == "" {
		shop = u.Host
	}
	if !ValidShop(shop) {
		return "", "", fmt.Errorf("%w: dest is not a shop", ErrInvalidSession)
	}
	if v.Shop != "" && shop != v.Shop {
		return "", "", fmt.Errorf("%w: shop %s is not this app's shop", ErrInvalidSession, shop)
	}
	return shop, claims.Subject, nil
}

// parse checks a token's signature, algorithm, aud, exp and nbf, trying
// each client secret in turn.
func (v Verifier) parse(token string) (sessionClaims, error) {
	if token == "" {
		return sessionClaims{}, fmt.Errorf("%w: missing", ErrInvalidSession)
	}
	var lastErr error
	for _, secret := range v.Secrets {
		if secret == "" {
			continue
		}
		var claims sessionClaims
		_, err := jwt.ParseWithClaims(token, &claims,
			func(*jwt.Token) (any, error) { return []byte(secret), nil },
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithLeeway(leeway),
			jwt.WithExpirationRequired(),
			jwt.WithAudience(v.ClientID),
			jwt.WithTimeFunc(v.now),
		)
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			lastErr = err
			continue
		}
		if err != nil {
			return sessionClaims{}, fmt.Errorf("%w: %w", ErrInvalidSession, err)
		}
		return claims, nil
	}
	if lastErr == nil {
		lastErr = errors.New("no client secret configured")
	}
	return sessionClaims{}, fmt.Errorf("%w: %w", ErrInvalidSession, lastErr)
}

func (v Verifier) staff(c sessionClaims) (shop, user string, err error) {
	dest, err := url.Parse(c.Dest)
	if err != nil || dest.Scheme != "https" || !ValidShop(dest.Host) || strings.Trim(dest.Path, "/") != "" {
		return "", "", fmt.Errorf("%w: dest is not a shop", ErrInvalidSession)
	}
	iss, err := url.Parse(c.Issuer)
	if err != nil || iss.Scheme != "https" || iss.Host != dest.Host {
		return "", "", fmt.Errorf("%w: iss and dest name different shops", ErrInvalidSession)
	}
	if v.Shop != "" && dest.Host != v.Shop {
		return "", "", fmt.Errorf("%w: shop %s is not this app's shop", ErrInvalidSession, dest.Host)
	}
	if c.Subject == "" {
		return "", "", fmt.Errorf("%w: no staff user", ErrInvalidSession)
	}
	return dest.Host, c.Subject, nil
}

func (v Verifier) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}
