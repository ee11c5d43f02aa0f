package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"taripay/app"
	"taripay/app/config"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// HMACSecret signs the benchmark's Shopify webhooks.
const HMACSecret = "bench-hmac-secret"

// payTo is the server's TPG_PAYMENT_WALLET_ADDRESS. Claims are refused
// without a payment address, and the benchmark authorises several hot
// wallets, so none of them is chosen.
const payTo = "14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG"

// Server is a real taripay HTTP server on loopback over its own database,
// wired as `taripay serve` wires it plus the Shopify webhook routes.
type Server struct {
	URL     string // http://127.0.0.1:port
	Backend string
	Engine  *engine.Engine
	DB      *db.DB

	// statements counts SQL statements run, for statements per operation.
	statements atomic.Int64

	app     *fiber.App
	cancel  context.CancelFunc
	workers sync.WaitGroup
	cleanup func()
}

// PostgresURL is the server PostgreSQL runs are made on.
func PostgresURL() string {
	if u := os.Getenv("TPG_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// PostgresReachable reports whether PostgresURL answers within a few seconds.
func PostgresReachable(ctx context.Context) error {
	conn, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return conn.PingContext(ctx)
}

// freshDatabase returns the URL of an empty database of backend and a
// function that removes it: a file in a temp directory, or a new schema.
func freshDatabase(ctx context.Context, backend string) (string, func(), error) {
	switch backend {
	case "sqlite":
		dir, err := os.MkdirTemp("", "taripay-bench-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite://" + filepath.Join(dir, "taripay.db"), func() { os.RemoveAll(dir) }, nil
	case "postgres":
		return db.NewPostgresSchema(ctx, PostgresURL(), "bench_")
	}
	return "", nil, fmt.Errorf("unknown backend %q (want sqlite or postgres)", backend)
}

// StartServer opens a fresh database of backend and serves taripay on a
// random loopback port until Close.
func StartServer(ctx context.Context, backend string, log *slog.Logger) (*Server, error) {
	dbURL, drop, err := freshDatabase(ctx, backend)
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"TPG_DATABASE_URL":             dbURL,
		"TPG_DISABLE_WALLET_WHITELIST": "true",
		"TPG_SHOPIFY_HMAC_SECRET":      HMACSecret,
		"TPG_PAYMENT_WALLET_ADDRESS":   payTo,
		// Orders stay open for the whole run.
		"TPG_UNCLAIMED_ORDER_TIMEOUT": "48",
		"TPG_EXPIRY_INTERVAL":         "1m",
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		drop()
		return nil, err
	}
	database, err := db.Open(ctx, dbURL)
	if err != nil {
		drop()
		return nil, err
	}
	s := &Server{Backend: backend, DB: database, cleanup: func() { database.Close(); drop() }}
	database.Bun().AddQueryHook(statementCounter{&s.statements})
	s.Engine = engine.New(cfg.Engine(), database, engine.SystemClock{})
	jwt, _ := newKey()
	keys := tari.JWTKeys{Signing: jwt, Verification: jwt.Public()}
	svc, err := shopify.New(shopify.Deps{
		Config: cfg.Shopify, Engine: s.Engine, Store: database,
		Now: time.Now, Log: log,
	})
	if err != nil {
		s.cleanup()
		return nil, err
	}
	s.app = app.New(app.Deps{Config: cfg, Engine: s.Engine, Keys: keys, Log: log, Now: time.Now, Rand: rand.Reader,
		Shopify: svc.Handler(), ExchangeRates: svc, Pay: pay.New(s.Engine, svc, pay.ConfigFrom(cfg), time.Now, log)})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.cleanup()
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	wctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.workers.Add(3)
	// The default per-address cap holds: the honest workers share one
	// loopback address (at most --concurrency connections), and the attack
	// traffic comes from another (attack.go).
	limited := app.LimitConnsPerIP(ln, cfg.MaxConnsPerIP, log)
	go func() { defer s.workers.Done(); _ = s.app.Listener(limited) }()
	go func() { defer s.workers.Done(); _ = svc.Run(wctx) }()
	go func() {
		defer s.workers.Done()
		s.Engine.RunExpiry(engine.WithActor(wctx, "expiry"), cfg.ExpiryInterval)
	}()
	return s, nil
}

// Close stops the server and its workers and removes the database.
func (s *Server) Close() error {
	err := s.app.ShutdownWithTimeout(5 * time.Second)
	s.cancel()
	s.workers.Wait()
	s.cleanup()
	return err
}

// wallet is a registered hot wallet with its own nonce sequence, so
// concurrent workers never race on a nonce.
type wallet struct {
	key   tari.SecretKey
	addr  tari.Address
	nonce int64
}

func newKey() (tari.SecretKey, tari.Address) {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return k, tari.NewAddress(tari.MainNet, k.Public())
}

// registerWallets authorises n fresh hot wallets.
func (s *Server) registerWallets(ctx context.Context, n int) ([]*wallet, error) {
	ws := make([]*wallet, n)
	for i := range ws {
		k, a := newKey()
		ws[i] = &wallet{key: k, addr: a}
		if err := s.Engine.AuthorizeWallet(ctx, engine.Wallet{Address: a.Base58(), IPAddress: "127.0.0.1"}); err != nil {
			return nil, fmt.Errorf("register wallet %d: %w", i, err)
		}
	}
	return ws, nil
}

func (w *wallet) call() engine.WalletCall {
	w.nonce++
	return engine.WalletCall{Address: w.addr.Base58(), Nonce: w.nonce}
}

// paymentBody signs an incoming_payment notification with the next nonce.
func (w *wallet) paymentBody(p tariwire.Payment) ([]byte, error) {
	w.nonce++
	sig, err := tari.SignWallet(rand.Reader, w.key, w.addr, w.nonce, p.Payload())
	if err != nil {
		return nil, err
	}
	return tariwire.PaymentNotification{Payment: p, Auth: tariwire.WalletAuth{Address: w.addr, Nonce: w.nonce, Signature: sig}}.MarshalJSON()
}

// confirmationBody signs a tx_confirmation notification with the next nonce.
func (w *wallet) confirmationBody(txid string) ([]byte, error) {
	w.nonce++
	sig, err := tari.SignWallet(rand.Reader, w.key, w.addr, w.nonce, tariwire.ConfirmationPayload(txid))
	if err != nil {
		return nil, err
	}
	return tariwire.ConfirmationNotification{TxID: txid, Auth: tariwire.WalletAuth{Address: w.addr, Nonce: w.nonce, Signature: sig}}.MarshalJSON()
}

// statementCounter is a bun query hook that counts statements.
type statementCounter struct{ n *atomic.Int64 }

func (c statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (c statementCounter) AfterQuery(context.Context, *bun.QueryEvent) { c.n.Add(1) }

// discardLog keeps request logging out of the measurement's output.
func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var errRefused = errors.New("request refused")
