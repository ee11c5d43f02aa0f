// Package app is taripay's HTTP server: the fiber app, its one route table,
// middleware and error handler. Handlers live in subpackages (api, shopify,
// pay) and call only the engine.
package app

import (
	"io"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/api"
	"taripay/app/config"
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

	// Shopify mounts the webhook routes (behind their HMAC and IP gate) on
	// the /shopify group; nil leaves /shopify unrouted.
	Shopify func(r fiber.Router)
	// RescanOpenOrders serves POST /api/rescan_open_orders; nil answers 501.
	RescanOpenOrders fiber.Handler
	// Pages mounts the server-rendered pages (/pay/…) at the root.
	Pages func(r fiber.Router)
}

// New builds the fiber app with every route registered.
func New(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "taripay",
		StrictRouting:         true, // the reference does not normalise trailing slashes
		CaseSensitive:         true,
		Immutable:             true, // request values outlive handlers in logs and the engine
		BodyLimit:             api.BodyLimit,
		IdleTimeout:           600 * time.Second,
		ReadTimeout:           30 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          errorHandler(d.Log),
	})
	registerRoutes(app, d)
	return app
}
