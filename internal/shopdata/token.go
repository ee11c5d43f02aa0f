package shopdata

import (
	"errors"
	"time"
)

// Token is a shop's offline Admin API access token, obtained by token
// exchange and rotated by refresh (docs/admin.md, "Install and tokens").
type Token struct {
	Shop             string // <x>.myshopify.com
	AccessToken      string
	Scope            string
	ExpiresAt        *time.Time // nil for a token that does not expire
	RefreshToken     string
	RefreshExpiresAt *time.Time
	UpdatedAt        time.Time
}

// ErrTokenNotFound is returned for a shop with no stored token.
var ErrTokenNotFound = errors.New("no access token stored for the shop")
