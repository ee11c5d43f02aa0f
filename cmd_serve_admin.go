package main

import (
	"log/slog"
	"net/http"
	"time"

	"taripay/app/admin"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/db"
	"taripay/engine"
)

// newAdmin builds the embedded admin, or nil (leaving /admin unrouted)
// without the app's client id and secret. Rates, when not nil, sets exchange
// rates in place of the engine (the Shopify integration, which also pushes
// them to the storefront).
func newAdmin(cfg config.Config, e *engine.Engine, database *db.DB, rates admin.RateSetter, log *slog.Logger) *admin.Handler {
	if cfg.ShopifyAPIKey == "" || cfg.ShopifyAPISecret == "" {
		log.Info("embedded admin off: set TPG_SHOPIFY_API_KEY and TPG_SHOPIFY_API_SECRET to serve /admin")
		return nil
	}
	var install admin.Installer = admin.StaticToken{Shop: cfg.Shopify.Shop, Token: cfg.Shopify.AccessToken}
	if cfg.Shopify.AccessToken == "" {
		base := func(shop string) string { return "https://" + shop }
		if u := cfg.Shopify.APIBaseURL; u != "" {
			base = func(string) string { return u }
		}
		install = &admin.TokenExchange{
			ClientID:     cfg.ShopifyAPIKey,
			ClientSecret: cfg.ShopifyAPISecret,
			BaseURL:      base,
			HTTP:         &http.Client{Timeout: 30 * time.Second},
			Store:        db.NewShopTokenStore(database.Bun()),
			Now:          time.Now,
			Log:          log,
		}
	}
	linkSecret := []byte(cfg.ClaimLinkSecret)
	return admin.New(admin.Config{
		ClientID:      cfg.ShopifyAPIKey,
		ClientSecrets: []string{cfg.ShopifyAPISecret},
		Shop:          cfg.Shopify.Shop,
		AppBridgeURL:  admin.DefaultAppBridgeURL,
		HtmxURL:       "/static/htmx.min.js",
	}, admin.Deps{
		Engine:  e,
		Install: install,
		Rates:   rates,
		Snippet: func(baseURL string) string { return pay.EmailSnippet(baseURL, linkSecret) },
		Now:     time.Now,
		Log:     log,
	})
}
