package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"taripay/app"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify/sessiontoken"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
)

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the payment server",
		Long: "Run the payment server on TPG_HOST:TPG_PORT. Settings come from TPG_* variables and an optional\n" +
			".env file in the working directory; the process environment wins over the file\n" +
			"(docs/configuration.md).\n\n" + config.Help(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), newLogger())
		},
	}
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// loadConfig reads .env and the environment once.
func loadConfig() (config.Config, error) {
	lookup, err := config.LookupEnv(".env")
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(lookup)
}

// openEngine opens (creating and migrating) the database and builds the
// engine over it.
func openEngine(ctx context.Context, cfg config.Config) (*engine.Engine, *db.DB, error) {
	database, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	// SQLite keeps the pool db.Open chose: it has one writer whatever the size.
	if database.Dialect() == db.Postgres {
		database.Bun().SetMaxOpenConns(cfg.MaxConnections)
	}
	return engine.New(cfg.Engine(), database, engine.SystemClock{}), database, nil
}

func serve(ctx context.Context, log *slog.Logger) error {
	slog.SetDefault(log) // the engine logs through the default logger
	cfg, err := loadConfig()
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	e, database, err := openEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	keys, err := jwtKeys(cfg, log)
	if err != nil {
		return err
	}

	for _, a := range cfg.SuperAdmins {
		if err := e.UpdateRoles(engine.WithActor(ctx, "config:TPG_SUPER_ADMIN"), a.Base58(), []engine.Role{engine.RoleSuperAdmin}, nil); err != nil {
			return fmt.Errorf("grant super_admin to %s: %w", a.Base58(), err)
		}
		log.Info("super_admin granted from TPG_SUPER_ADMIN", "address", a.Base58())
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	install := adminInstall(cfg, database, log)
	shop, shopDone, err := startShopify(ctx, cfg, e, database, exchangedTokens(install), log)
	if err != nil {
		return err
	}
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
	server := app.New(deps)
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ln = app.LimitConnsPerIP(ln, cfg.MaxConnsPerIP, log)

	var workers sync.WaitGroup
	workers.Go(func() { e.RunExpiry(engine.WithActor(ctx, "expiry"), cfg.ExpiryInterval) })

	// Before serving, so it is all logged by the time /health answers.
	logStartup(log, cfg, ln.Addr(), startupParts{Admin: deps.Admin != nil, SideEffects: shop.SideEffects()})
	logPaymentAddress(ctx, e, log)
	served := make(chan error, 1)
	go func() { served <- server.Listener(ln) }()

	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down")
		err = server.ShutdownWithTimeout(shutdownGrace)
		if errors.Is(err, context.DeadlineExceeded) {
			// fasthttp never counts a connection that has yet to send a
			// request as idle, so one such client holds shutdown to the
			// limit. Every request has had the grace period to finish;
			// the rest is a clean exit, not a failure for the supervisor.
			log.Warn("shutdown: connections still open after the grace period were closed", "grace", shutdownGrace)
			err = nil
		}
	}
	cancel()
	workers.Wait()
	<-shopDone
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
func logStartup(log *slog.Logger, cfg config.Config, addr net.Addr, parts startupParts) {
	base := "http://" + browsable(addr)
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

// jwtKeys returns the configured access-token keys, or else the pair kept
// in the data directory, made on the first start: tokens then survive a
// restart, which the reference's random key for each session did not.
func jwtKeys(cfg config.Config, log *slog.Logger) (tari.JWTKeys, error) {
	if cfg.JWTKeys != nil {
		return *cfg.JWTKeys, nil
	}
	path := cfg.JWTKeyFile()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return tari.JWTKeys{}, fmt.Errorf("data directory for the JWT key: %w", err)
	}
	keys, created, err := tari.JWTKeyFile(rand.Reader, path)
	if err != nil {
		return tari.JWTKeys{}, fmt.Errorf("JWT signing key (set TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY, or fix the file): %w", err)
	}
	if created {
		log.Warn("TPG_JWT_SIGNING_KEY is unset: made a JWT signing key and stored it for the next starts; set TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY from it in production", "file", path)
	} else {
		log.Info("TPG_JWT_SIGNING_KEY is unset: using the stored JWT signing key", "file", path)
	}
	return keys, nil
}
