// Package install is the Shopify-managed install: token exchange of the
// session token for an offline Admin API token, its refresh, the token's
// record (shopdata.Token), and the single-store static token (docs/admin.md,
// "Install and tokens").
package install

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"taripay/app/shopify/sessiontoken"
	"taripay/internal/shopdata"
)

// Connection describes a shop's Admin API token, for the admin's setup
// checklist.
type Connection struct {
	Mode      string // "token exchange", "static token" or "" when none
	Scope     string
	ExpiresAt *time.Time
}

// TokenStore keeps one offline access token per shop. Each save replaces the
// shop's token and refresh token together, atomically.
type TokenStore interface {
	ShopToken(ctx context.Context, shop string) (shopdata.Token, error) // shopdata.ErrTokenNotFound when none
	SaveShopToken(ctx context.Context, t shopdata.Token) error
}

// refreshMargin renews a token this long before it expires.
const refreshMargin = 5 * time.Minute

// TokenExchange is the Shopify-managed install: on an authenticated admin
// load it exchanges the session token for an expiring offline token, stores
// it per shop, and refreshes it before it expires.
type TokenExchange struct {
	ClientID     string
	ClientSecret string
	// BaseURL gives a shop's OAuth origin: https://{shop} in production, a
	// fake server in tests (TPG_SHOPIFY_API_BASE_URL).
	BaseURL func(shop string) string
	HTTP    *http.Client
	Store   TokenStore
	Now     func() time.Time
	Log     *slog.Logger

	locks sync.Map // shop → *sync.Mutex: one exchange or refresh per shop at a time
}

// tokenResponse is the access_token endpoint's answer (B.4).
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	Scope                 string `json:"scope"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Error                 string `json:"error"`
}

// Ensure makes sure the shop has a usable offline token: it keeps a fresh
// one, refreshes one about to expire, and otherwise exchanges idToken.
func (x *TokenExchange) Ensure(ctx context.Context, shop, idToken string) error {
	unlock := x.lock(shop)
	defer unlock()
	t, err := x.Store.ShopToken(ctx, shop)
	switch {
	case err == nil && x.fresh(t):
		return nil
	case err == nil && x.refreshable(t):
		err := x.refresh(ctx, t)
		if err == nil {
			return nil
		}
		x.Log.Warn("admin: token refresh failed; exchanging again", "shop", shop, "err", err)
	case err != nil && !errors.Is(err, shopdata.ErrTokenNotFound):
		return fmt.Errorf("load token of %s: %w", shop, err)
	}
	return x.exchange(ctx, shop, idToken)
}

// AccessToken returns a usable offline token for the shop's Admin API calls,
// refreshing it first when it is about to expire.
func (x *TokenExchange) AccessToken(ctx context.Context, shop string) (string, error) {
	unlock := x.lock(shop)
	defer unlock()
	t, err := x.Store.ShopToken(ctx, shop)
	if err != nil {
		return "", fmt.Errorf("token of %s: %w", shop, err)
	}
	if x.fresh(t) {
		return t.AccessToken, nil
	}
	if !x.refreshable(t) {
		return "", fmt.Errorf("token of %s expired; open the app in Shopify admin to renew it", shop)
	}
	if err := x.refresh(ctx, t); err != nil {
		return "", err
	}
	t, err = x.Store.ShopToken(ctx, shop)
	return t.AccessToken, err
}

// Status describes the stored token for the setup checklist.
func (x *TokenExchange) Status(ctx context.Context, shop string) (Connection, error) {
	t, err := x.Store.ShopToken(ctx, shop)
	if errors.Is(err, shopdata.ErrTokenNotFound) {
		return Connection{}, nil
	}
	if err != nil {
		return Connection{}, err
	}
	return Connection{Mode: "token exchange", Scope: t.Scope, ExpiresAt: t.ExpiresAt}, nil
}

func (x *TokenExchange) fresh(t shopdata.Token) bool {
	return t.AccessToken != "" && (t.ExpiresAt == nil || x.Now().Add(refreshMargin).Before(*t.ExpiresAt))
}

func (x *TokenExchange) refreshable(t shopdata.Token) bool {
	return t.RefreshToken != "" && (t.RefreshExpiresAt == nil || x.Now().Before(*t.RefreshExpiresAt))
}

func (x *TokenExchange) exchange(ctx context.Context, shop, idToken string) error {
	if idToken == "" {
		return fmt.Errorf("exchange token for %s: %w", shop, sessiontoken.ErrInvalidSession)
	}
	return x.request(ctx, shop, map[string]string{
		"client_id":            x.ClientID,
		"client_secret":        x.ClientSecret,
		"grant_type":           "urn:ietf:params:oauth:grant-type:token-exchange",
		"subject_token":        idToken,
		"subject_token_type":   "urn:ietf:params:oauth:token-type:id_token",
		"requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
		"expiring":             "1",
	})
}

func (x *TokenExchange) refresh(ctx context.Context, t shopdata.Token) error {
	return x.request(ctx, t.Shop, map[string]string{
		"client_id":     x.ClientID,
		"client_secret": x.ClientSecret,
		"grant_type":    "refresh_token",
		"refresh_token": t.RefreshToken,
	})
}

// request posts to the shop's access_token endpoint and stores the answer.
func (x *TokenExchange) request(ctx context.Context, shop string, body map[string]string) error {
	grant := body["grant_type"]
	payload, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.BaseURL(shop)+"/admin/oauth/access_token", bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("%s for %s: %w", grant, shop, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	// The URL actually dialled (the credentials travel in the body).
	x.Log.Info("admin: shopify token request", "shop", shop, "grant", grant, "url", req.URL.String())
	resp, err := x.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s for %s: %w", grant, shop, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s for %s: %w", grant, shop, err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(raw, &tr)
	if tr.Error == "invalid_subject_token" {
		return fmt.Errorf("%s for %s: %w: Shopify refused the session token", grant, shop, sessiontoken.ErrInvalidSession)
	}
	if resp.StatusCode != http.StatusOK || jsonErr != nil || tr.AccessToken == "" {
		return fmt.Errorf("%s for %s: status %d, error %q", grant, shop, resp.StatusCode, tr.Error)
	}
	now := x.Now()
	t := shopdata.Token{Shop: shop, AccessToken: tr.AccessToken, Scope: tr.Scope, RefreshToken: tr.RefreshToken, UpdatedAt: now}
	if tr.ExpiresIn > 0 {
		at := now.Add(time.Duration(tr.ExpiresIn) * time.Second)
		t.ExpiresAt = &at
	}
	if tr.RefreshTokenExpiresIn > 0 {
		at := now.Add(time.Duration(tr.RefreshTokenExpiresIn) * time.Second)
		t.RefreshExpiresAt = &at
	}
	if err := x.Store.SaveShopToken(ctx, t); err != nil {
		return fmt.Errorf("save token of %s: %w", shop, err)
	}
	x.Log.Info("admin: shop token stored", "shop", shop, "grant", grant, "scope", tr.Scope)
	return nil
}

func (x *TokenExchange) lock(shop string) func() {
	m, _ := x.locks.LoadOrStore(shop, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// StaticToken is the single-store mode of TPG_SHOPIFY_ADMIN_ACCESS_TOKEN: a
// token made in the shop's admin, used as is, with no exchange.
type StaticToken struct {
	Shop  string
	Token string
}

// Ensure has nothing to do: the token is configured.
func (s StaticToken) Ensure(context.Context, string, string) error { return nil }

// AccessToken returns the configured token for the configured shop.
func (s StaticToken) AccessToken(_ context.Context, shop string) (string, error) {
	if shop != s.Shop {
		return "", fmt.Errorf("token of %s: %w", shop, shopdata.ErrTokenNotFound)
	}
	return s.Token, nil
}

// Status reports the static token for the setup checklist.
func (s StaticToken) Status(_ context.Context, shop string) (Connection, error) {
	if shop != s.Shop || s.Token == "" {
		return Connection{}, nil
	}
	return Connection{Mode: "static token"}, nil
}
