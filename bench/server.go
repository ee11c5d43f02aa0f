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
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"taripay/app/config"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/server"
	"taripay/internal/walletclient"
)

// HMACSecret signs the benchmark's Shopify webhooks.
const HMACSecret = "bench-hmac-secret"

// payTo is the server's TPG_PAYMENT_WALLET_ADDRESS. Claims are refused
// without a payment address, and the benchmark authorises several hot
// wallets, so none of them is chosen.
const payTo = "14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG"

// Server is a real taripay HTTP server on loopback over its own database,
// started as `taripay serve` starts one (server.Start), with the Shopify
// webhook routes on.
type Server struct {
	*server.Server
	Backend string

	// statements counts SQL statements run, for statements per operation.
	statements atomic.Int64
	drop       func()
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
	jwt, _ := newKey()
	env := map[string]string{
		"TPG_DATABASE_URL":             dbURL,
		"TPG_DISABLE_WALLET_WHITELIST": "true",
		"TPG_SHOPIFY_HMAC_SECRET":      HMACSecret,
		"TPG_PAYMENT_WALLET_ADDRESS":   payTo,
		// Orders stay open for the whole run.
		"TPG_UNCLAIMED_ORDER_TIMEOUT": "48",
		"TPG_EXPIRY_INTERVAL":         "1m",
		// A key of the run's own: nothing is written to a data directory.
		"TPG_JWT_SIGNING_KEY":      jwt.Hex(),
		"TPG_JWT_VERIFICATION_KEY": jwt.Public().Hex(),
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		drop()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		drop()
		return nil, err
	}
	// The default per-address cap holds: the honest workers share one
	// loopback address (at most --concurrency connections), and the attack
	// traffic comes from another (attack.go).
	s := &Server{Backend: backend, drop: drop}
	s.Server, err = server.Start(ctx, cfg, server.Options{Log: log, Listener: ln, QueryHook: statementCounter{&s.statements}})
	if err != nil {
		drop()
		return nil, err
	}
	return s, nil
}

// Close stops the server and its workers and removes the database.
func (s *Server) Close() error {
	err := s.Server.Close()
	s.drop()
	return err
}

// wallet is a registered hot wallet with its own nonce sequence, so
// concurrent workers never race on a nonce.
type wallet struct {
	walletclient.Wallet
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
		ws[i] = &wallet{Wallet: walletclient.Wallet{Key: k, Address: a}}
		if err := s.Engine.AuthorizeWallet(ctx, engine.Wallet{Address: a.Base58(), IPAddress: "127.0.0.1"}); err != nil {
			return nil, fmt.Errorf("register wallet %d: %w", i, err)
		}
	}
	return ws, nil
}

func (w *wallet) call() engine.WalletCall {
	w.nonce++
	return engine.WalletCall{Address: w.Address.Base58(), Nonce: w.nonce}
}

// notice is the request of n signed with the wallet's next nonce.
func (w *wallet) notice(n walletclient.Notice) (request, error) {
	w.nonce++
	body, err := n.Body(w.Wallet, w.nonce)
	return request{path: n.Path, body: body, success: []byte(`"success":true`)}, err
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
