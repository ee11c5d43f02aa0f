package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"taripay/internal/shopdata"
	"time"

	"github.com/uptrace/bun"
)

// ShopTokenStore keeps each shop's offline Admin API token (app/shopify/install's
// token exchange). A save replaces the access and refresh tokens together.
type ShopTokenStore struct {
	db bun.IDB
}

// NewShopTokenStore returns the token store over an open, migrated database.
func NewShopTokenStore(db bun.IDB) *ShopTokenStore { return &ShopTokenStore{db: db} }

type shopToken struct {
	bun.BaseModel `bun:"table:shop_tokens"`

	Shop             string     `bun:"shop,pk"`
	AccessToken      string     `bun:"access_token"`
	Scope            string     `bun:"scope"`
	ExpiresAt        *time.Time `bun:"expires_at"`
	RefreshToken     string     `bun:"refresh_token"`
	RefreshExpiresAt *time.Time `bun:"refresh_expires_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
}

// ShopToken returns the shop's token, or shopdata.ErrTokenNotFound.
func (s *ShopTokenStore) ShopToken(ctx context.Context, shop string) (shopdata.Token, error) {
	var t shopToken
	err := s.db.NewSelect().Model(&t).Where("shop = ?", shop).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return shopdata.Token{}, shopdata.ErrTokenNotFound
	}
	if err != nil {
		return shopdata.Token{}, fmt.Errorf("token of %s: %w", shop, err)
	}
	return shopdata.Token{
		Shop: t.Shop, AccessToken: t.AccessToken, Scope: t.Scope, ExpiresAt: t.ExpiresAt,
		RefreshToken: t.RefreshToken, RefreshExpiresAt: t.RefreshExpiresAt, UpdatedAt: t.UpdatedAt,
	}, nil
}

// SaveShopToken inserts or replaces the shop's token in one statement.
func (s *ShopTokenStore) SaveShopToken(ctx context.Context, t shopdata.Token) error {
	row := &shopToken{
		Shop: t.Shop, AccessToken: t.AccessToken, Scope: t.Scope, ExpiresAt: utcPtr(t.ExpiresAt),
		RefreshToken: t.RefreshToken, RefreshExpiresAt: utcPtr(t.RefreshExpiresAt), UpdatedAt: utc(t.UpdatedAt),
	}
	_, err := s.db.NewInsert().Model(row).
		On("CONFLICT (shop) DO UPDATE").
		Set("access_token = EXCLUDED.access_token").
		Set("scope = EXCLUDED.scope").
		Set("expires_at = EXCLUDED.expires_at").
		Set("refresh_token = EXCLUDED.refresh_token").
		Set("refresh_expires_at = EXCLUDED.refresh_expires_at").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save token of %s: %w", t.Shop, err)
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}
