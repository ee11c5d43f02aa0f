package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"taripay/app"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
)

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the payment server",
		Long: "Run the payment server on TPG_HOST:TPG_PORT. Settings come from TPG_* variables and an optional\n" +
			".env file in the working directory; the process environment wins over the file.",
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

// systemClock is the engine's clock outside tests.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

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
	return engine.New(cfg.Engine(), database, systemClock{}), database, nil
}

func serve(ctx context.Context, log *slog.Logger) error {
	slog.SetDefault(log) // the engine logs through the default logger
	cfg, err := loadConfig()
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	keys := jwtKeys(cfg, log)
	e, database, err := openEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()

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
		Pay:    pay.New(e, pay.ConfigFrom(cfg), time.Now, log),
		// POST /api/exchange_rate pushes each new rate to the storefront.
		ExchangeRates: shop,
	}
	if cfg.ShopifyEnabled {
		deps.Shopify = shop.Handler()
		deps.RescanOpenOrders = shop.RescanOpenOrders()
	}
	deps.Admin = newAdmin(cfg, e, install, shop, log)
	server := app.New(deps)
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ln = app.LimitConnsPerIP(ln, cfg.MaxConnsPerIP, log)

	var workers sync.WaitGroup
	workers.Go(func() { e.RunExpiry(engine.WithActor(ctx, "expiry"), cfg.ExpiryInterval) })

	logPaymentAddress(ctx, e, log) // before serving, so it is logged by the time /health answers
	served := make(chan error, 1)
	go func() { served <- server.Listener(ln) }()
	log.Info("taripay serving", "addr", ln.Addr().String(), "database", redactURL(cfg.DatabaseURL),
		"strict_mode", cfg.StrictMode, "shopify", cfg.ShopifyEnabled)

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

// jwtKeys returns the configured access-token keys, or a random pair for
// this session with the reference's warnings (api.md §4.3).
func jwtKeys(cfg config.Config, log *slog.Logger) tari.JWTKeys {
	if cfg.JWTKeys != nil {
		return *cfg.JWTKeys
	}
	log.Warn(fmt.Sprintf(tari.WarnJWTKeysFromEnv, "Invalid server configuration. environment variable not found [TPG_JWT_SIGNING_KEY]"))
	keys, path, err := tari.RandomJWTKeys(rand.Reader, "")
	log.Warn(tari.WarnJWTRandomKey)
	switch {
	case err != nil && path == "":
		log.Warn(tari.WarnJWTKeyNoTemp, "err", err)
	case err != nil:
		log.Warn(fmt.Sprintf(tari.WarnJWTKeyNoFile, err))
	default:
		log.Warn(fmt.Sprintf(tari.WarnJWTKeyFile, path))
	}
	return keys
}

// redactURL drops the password from a database URL before it is logged.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.LastIndex(u, "@"); j > i {
			if k := strings.Index(u[i+3:j], ":"); k >= 0 {
				return u[:i+3+k] + ":***" + u[j:]
			}
		}
	}
	return u
}
