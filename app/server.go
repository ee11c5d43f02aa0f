// Package app is taripay's HTTP server: the fiber app, its one route table,
// middleware and error handler. Handlers live in subpackages (api, shopify,
// pay) and call only the engine.
package app

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/admin"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/engine"
	"taripay/engine/tari"
)

// Deps is everything the server needs; only the serve command knows the
// concrete engine store and clock behind them.
type Deps struct {
	Config config.Config
	Engine *engine.Engine
	Keys   tari.JWTKeys // access-token key pair
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader // nonces for signing access tokens

	// Shopify receives the webhooks behind the HMAC and IP gate of
	// Config.Shopify; nil (no Shopify settings) leaves /shopify unrouted.
	Shopify *shopify.Handler
	// ExchangeRates stores the rates of POST /api/exchange_rate; the Shopify
	// integration wraps the engine so each new rate reaches the storefront.
	// nil means the engine.
	ExchangeRates ExchangeRates
	// RescanOpenOrders serves POST /api/rescan_open_orders; nil answers 501.
	RescanOpenOrders fiber.Handler
	// Pay serves the public claim-and-pay pages; nil leaves /pay unrouted.
	Pay *pay.Handler
	// Buyers verifies the session tokens of the checkout UI extension
	// (extensions/taripay-pay); nil, without TPG_SHOPIFY_API_KEY and
	// TPG_SHOPIFY_API_SECRET, leaves its route unrouted.
	Buyers pay.BuyerTokens
	// Admin serves the embedded admin; nil leaves /admin unrouted.
	Admin *admin.Handler
}

// ExchangeRates reads and stores exchange rates.
type ExchangeRates interface {
	ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error)
	SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error)
}

// New builds the fiber app with every route registered.
func New(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "taripay",
		StrictRouting:         true, // the reference does not normalise trailing slashes
		CaseSensitive:         true,
		Immutable:             true,             // request values outlive handlers in logs and the engine
		BodyLimit:             WebhookBodyLimit, // every other route: limitBody
		IdleTimeout:           2 * time.Minute,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second, // a client that never reads its reply frees the connection
		DisableStartupMessage: true,
		ErrorHandler:          errorHandler(d.Log),
	})
	registerRoutes(app, d)
	return app
}
