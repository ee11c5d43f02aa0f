// Package server starts taripay: the one wiring of the database, the
// engine, the Shopify integration, the embedded admin and the HTTP routes
// that `taripay serve` and the benchmark (bench/) run.
package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"taripay/app"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify/sessiontoken"
	"taripay/db"
	"taripay/engine"
)

// Options are a server's choices beyond its configuration.
type Options struct {
	Log *slog.Logger
	// Listener, when set, is served in place of a new one on cfg.Addr();
	// the server closes it.
	Listener net.Listener
	// QueryHook, when set, sees every SQL statement from the start; the
	// benchmark counts them.
	QueryHook bun.QueryHook
}

// Server is a running taripay server: the HTTP routes and the workers
// (order expiry, the Shopify integration's) over one database.
type Server struct {
	Engine *engine.Engine
	DB     *db.DB
	URL    string // http://host:port, as a browser on this machine reaches it

	log     *slog.Logger
	app     *fiber.App
	served  chan error
	cancel  context.CancelFunc
	workers sync.WaitGroup
}

// OpenEngine opens (creating and migrating) the database and builds the
// engine over it.
func OpenEngine(ctx context.Context, cfg config.Config) (*engine.Engine, *db.DB, error) {
	return openEngine(ctx, cfg, nil)
}

func openEngine(ctx context.Context, cfg config.Config, hook bun.QueryHook) (*engine.Engine, *db.DB, error) {
	database, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	if hook != nil {
		database.Bun().AddQueryHook(hook)
	}
	// SQLite keeps the pool db.Open chose: it has one writer whatever the size.
	if database.Dialect() == db.Postgres {
		database.Bun().SetMaxOpenConns(cfg.MaxConnections)
	}
	return engine.New(cfg.Engine(), database, engine.SystemClock{}), database, nil
}

// Run serves until ctx ends or serving fails, then shuts down: what
// `taripay serve` does.
func Run(ctx context.Context, cfg config.Config, o Options) error {
	s, err := Start(ctx, cfg, o)
	if err != nil {
		return err
	}
	select {
	case err = <-s.served:
	case <-ctx.Done():
		s.log.Info("shutting down")
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// Start opens the database of cfg, grants TPG_SUPER_ADMIN its role, and
// serves on cfg.Addr() (or o.Listener), with the workers, until Close.
// Before it returns it has logged where to look (logStartup).
func Start(ctx context.Context, cfg config.Config, o Options) (_ *Server, err error) {
	log := o.Log
	ln := o.Listener
	defer func() {
		if err != nil && ln != nil {
			ln.Close()
		}
	}()
	e, database, err := openEngine(ctx, cfg, o.QueryHook)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			database.Close()
		}
	}()
	keys, err := jwtKeys(cfg, log)
	if err != nil {
		return nil, err
	}

	for _, a := range cfg.SuperAdmins {
		if err := e.UpdateRoles(engine.WithActor(ctx, "config:TPG_SUPER_ADMIN"), a.Base58(), []engine.Role{engine.RoleSuperAdmin}, nil); err != nil {
			return nil, fmt.Errorf("grant super_admin to %s: %w", a.Base58(), err)
		}
		log.Info("super_admin granted from TPG_SUPER_ADMIN", "address", a.Base58())
	}

	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Addr()); err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	// The workers stop at Close, after the caller's ctx has ended.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{Engine: e, DB: database, URL: "http://" + browsable(ln.Addr()), log: log, served: make(chan error, 1), cancel: cancel}
	install := adminInstall(cfg, database, log)
	shop, shopDone, err := startShopify(wctx, cfg, e, database, exchangedTokens(install), log)
	if err != nil {
		cancel()
		return nil, err
	}
	s.workers.Go(func() { <-shopDone })
	deps := app.Deps{
		Config: cfg,
		Engine: e,
		Keys:   keys,
		Log:    log,
		Now:    time.Now,
		Rand:   rand.Reader,
		Pay:    pay.New(e, shop, pay.ConfigFrom(cfg), time.Now, log),
		// POST /api/exchange_rate pushes each new rate to the storefront.
		ExchangeRates: shop,
	}
	if cfg.ShopifyEnabled {
		deps.Shopify = shop.Handler()
		deps.RescanOpenOrders = shop.RescanOpenOrders()
	}
	deps.Admin = newAdmin(cfg, e, install, shop, log)
	if install != nil {
		deps.Buyers = sessiontoken.Verifier{ClientID: cfg.ShopifyAPIKey, Secrets: []string{cfg.ShopifyAPISecret}, Shop: cfg.Shopify.Shop, Now: time.Now}
	}
	s.app = app.New(deps)
	ln = app.LimitConnsPerIP(ln, cfg.MaxConnsPerIP, log)

	s.workers.Go(func() { e.RunExpiry(engine.WithActor(wctx, "expiry"), cfg.ExpiryInterval) })

	// Before serving, so it is all logged by the time /health answers.
	logStartup(log, cfg, s.URL, startupParts{Admin: deps.Admin != nil, SideEffects: shop.SideEffects()})
	logPaymentAddress(ctx, e, log)
	go func() { s.served <- s.app.Listener(ln) }()
	return s, nil
}

// Close stops serving, giving requests in flight shutdownGrace to finish,
// stops the workers and closes the database.
func (s *Server) Close() error {
	s.cancel()
	err := s.app.ShutdownWithTimeout(shutdownGrace)
	if errors.Is(err, context.DeadlineExceeded) {
		// fasthttp never counts a connection that has yet to send a
		// request as idle, so one such client holds shutdown to the
		// limit. Every request has had the grace period to finish;
		// the rest is a clean exit, not a failure for the supervisor.
		s.log.Warn("shutdown: connections still open after the grace period were closed", "grace", shutdownGrace)
		err = nil
	}
	s.workers.Wait()
	if cerr := s.DB.Close(); err == nil {
		err = cerr
	}
	return err
}

// startupParts says which optional parts of the server are on.
type startupParts struct {
	Admin       bool // the embedded admin at /admin
	SideEffects bool // Shopify Admin API calls: mark paid, cancel, prices
}

// logStartup tells a newcomer where to look: the URL to open, the
// database, and each optional part, with the variables that turn on the
// parts that are off (docs/configuration.md).
func logStartup(log *slog.Logger, cfg config.Config, base string, parts startupParts) {
	log.Info("taripay serving: open "+base+"/", "url", base+"/", "database", db.RedactURL(cfg.DatabaseURL),
		"strict_mode", cfg.StrictMode)
	part := func(name string, on bool, where, turnOn string) {
		if on {
			log.Info(name+": on", "at", where)
		} else {
			log.Info(name+": off", "turn_on_with", turnOn)
		}
	}
	part("embedded admin", parts.Admin, base+"/admin (open it from Shopify admin)",
		"TPG_SHOPIFY_API_KEY and TPG_SHOPIFY_API_SECRET")
	part("Shopify webhooks", cfg.ShopifyEnabled, base+"/shopify/webhook/{topic}",
		"TPG_SHOPIFY_HMAC_SECRET (or TPG_SHOPIFY_API_SECRET)")
	part("Shopify side effects (mark paid, cancel, prices)", parts.SideEffects, "the Admin API of "+shopName(cfg),
		"TPG_SHOPIFY_SHOP with TPG_SHOPIFY_ADMIN_ACCESS_TOKEN, or the embedded admin's install")
	part("pay pages", true, base+"/pay/{claim token}", "")
	part("pay links in order emails", cfg.ClaimLinkSecret != "", base+"/pay/order/{order id}/{mac}",
		"TPG_CLAIM_LINK_SECRET")
}

// browsable is addr as a browser on this machine reaches it: a wildcard
// listen address is reached on loopback.
func browsable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

func shopName(cfg config.Config) string {
	if cfg.Shopify.APIBaseURL != "" {
		return cfg.Shopify.APIBaseURL
	}
	if cfg.Shopify.Shop != "" {
		return cfg.Shopify.Shop
	}
	return "the installed shop"
}

// logPaymentAddress says at start where customers will be sent to pay, or,
// in one line, what is missing and how to set it. The server runs either
// way: a wallet authorised later takes effect at once.
func logPaymentAddress(ctx context.Context, e *engine.Engine, log *slog.Logger) {
	a, err := e.PaymentAddress(ctx)
	switch {
	case errors.Is(err, engine.ErrNoPaymentAddress):
		log.Warn("customers cannot pay yet: pay pages say the shop is not ready and claims are refused", "fix", err.Error())
	case err != nil:
		log.Error("payment address", "err", err)
	default:
		log.Info("payment address", "address", a.Base58())
	}
}

// shutdownGrace is how long in-flight requests may take to finish after
// SIGTERM.
const shutdownGrace = 10 * time.Second
