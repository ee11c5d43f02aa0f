package server

import (
	"log/slog"
	"net/http"
	"time"

	"taripay/app/admin"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/install"
	"taripay/db"
	"taripay/engine"
)

// adminInstall is how a shop's Admin API token is had: the static
// TPG_SHOPIFY_ADMIN_ACCESS_TOKEN, or else token exchange from the embedded
// admin, stored per shop. It is nil when the admin is off.
func adminInstall(cfg config.Config, database *db.DB, log *slog.Logger) admin.Installer {
	if cfg.ShopifyAPIKey == "" || cfg.ShopifyAPISecret == "" {
		return nil // logStartup says how to turn it on
	}
	if cfg.Shopify.AccessToken != "" {
		return install.StaticToken{Shop: cfg.Shopify.Shop, Token: cfg.Shopify.AccessToken}
	}
	base := func(shop string) string { return "https://" + shop }
	if u := cfg.Shopify.APIBaseURL; u != "" {
		base = func(string) string { return u }
	}
	return &install.TokenExchange{
		ClientID:     cfg.ShopifyAPIKey,
		ClientSecret: cfg.ShopifyAPISecret,
		BaseURL:      base,
		HTTP:         &http.Client{Timeout: 30 * time.Second},
		Store:        db.NewShopTokenStore(database.Bun()),
		Now:          time.Now,
		Log:          log,
	}
}

// exchangedTokens gives the Shopify integration the exchanged tokens, or
// nil to use its static one.
func exchangedTokens(installer admin.Installer) adminapi.TokenSource {
	if x, ok := installer.(*install.TokenExchange); ok {
		return x
	}
	return nil
}

// newAdmin builds the embedded admin, or nil (leaving /admin unrouted) when
// it is off. Exchange rates go through the Shopify integration, which also
// pushes them to the storefront; it also checks and registers webhooks.
func newAdmin(cfg config.Config, e *engine.Engine, install admin.Installer, shop *shopify.Service, log *slog.Logger) *admin.Handler {
	if install == nil {
		return nil
	}
	linkSecret := []byte(cfg.ClaimLinkSecret)
	return admin.New(admin.Config{
		ClientID:      cfg.ShopifyAPIKey,
		ClientSecrets: []string{cfg.ShopifyAPISecret},
		Shop:          cfg.Shopify.Shop,
		AppBridgeURL:  admin.DefaultAppBridgeURL,
		HtmxURL:       "/static/htmx.min.js",
		PublicURL:     cfg.PublicURL,
	}, admin.Deps{
		Engine:   e,
		Install:  install,
		Rates:    shop,
		Webhooks: shop,
		Shopify:  shop,
		Snippet: func(baseURL string) string {
			return pay.EmailSnippet(baseURL, linkSecret, string(cfg.Shopify.PaymentMethod))
		},
		PayLink: func(baseURL, orderID string) string {
			return pay.OrderLink(baseURL, linkSecret, orderID)
		},
		Now: time.Now,
		Log: log,
	})
}
