package engine_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/engine/tari"
)

// recorder keeps every published event.
type recorder struct {
	mu   sync.Mutex
	envs []engine.Envelope
}

func (r *recorder) record(_ context.Context, env engine.Envelope) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envs = append(r.envs, env)
}

// take returns and forgets the recorded events.
func (r *recorder) take() []engine.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []engine.Event
	for _, env := range r.envs {
		out = append(out, env.Event)
	}
	r.envs = nil
	return out
}

func (r *recorder) all() []engine.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engine.Envelope(nil), r.envs...)
}

type env struct {
	t      testing.TB
	ctx    context.Context
	db     *db.DB
	url    string
	clock  *enginetest.Clock
	e      *engine.Engine
	events *recorder
	wallet string

	mu    sync.Mutex
	nonce int64
}

var defaultConfig = engine.Config{
	StrictMode:            true,
	UnclaimedOrderTimeout: 2 * time.Hour,
	UnpaidOrderTimeout:    48 * time.Hour,
}

// backends runs fn once per database backend, as a subtest.
func backends(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, b) })
	}
}

func newEnv(t testing.TB, backend string, cfg engine.Config) *env {
	t.Helper()
	d, u := dbtest.OpenURL(t, backend)
	return envOn(t, d, u, cfg)
}

// envOn wraps an open database; the hot wallet is (re)authorised.
func envOn(t testing.TB, d *db.DB, u string, cfg engine.Config) *env {
	t.Helper()
	en := &env{t: t, ctx: context.Background(), db: d, url: u, clock: enginetest.NewClock(time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)), events: &recorder{}, wallet: "wallet-hot"}
	en.e = engine.New(cfg, d, en.clock)
	en.e.SetLogger(slog.New(slog.DiscardHandler))
	en.e.Subscribe(en.events.record)
	if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: en.wallet, IPAddress: "192.168.1.100"}); err != nil {
		t.Fatal(err)
	}
	return en
}

func (en *env) call() engine.WalletCall {
	en.mu.Lock()
	defer en.mu.Unlock()
	en.nonce++
	return engine.WalletCall{Address: en.wallet, Nonce: en.nonce}
}

func xtr(n int64) engine.MicroTari { return engine.MicroTari(n) * 1_000_000 }

func (en *env) order(id, customer string, price engine.MicroTari, memo *string) engine.Order {
	en.t.Helper()
	o, err := en.e.AddOrder(en.ctx, engine.NewOrder{
		OrderID: id, CustomerID: customer, TotalPrice: price, Currency: "XTR", Memo: memo, CreatedAt: en.clock.Now(),
	})
	if err != nil {
		en.t.Fatalf("AddOrder %s: %v", id, err)
	}
	en.clock.Add(time.Second)
	return o
}

func (en *env) receive(txid, sender string, amount engine.MicroTari, memo, orderID *string) engine.Payment {
	en.t.Helper()
	r, err := en.e.ReceivePayment(en.ctx, en.call(), engine.NewPayment{Sender: sender, Amount: amount, TxID: txid, Memo: memo, OrderID: orderID})
	if err != nil {
		en.t.Fatalf("ReceivePayment %s: %v", txid, err)
	}
	return r.Payment
}

func (en *env) confirm(txid string) []engine.Order {
	en.t.Helper()
	c, err := en.e.ConfirmPayment(en.ctx, en.call(), txid)
	if err != nil {
		en.t.Fatalf("ConfirmPayment %s: %v", txid, err)
	}
	return c.Paid
}

// expire runs one expiry pass; an error fails the test, so that "nothing
// expired" means the pass ran and found nothing.
func (en *env) expire() []engine.Order {
	en.t.Helper()
	expired, err := en.e.ExpireOrders(en.ctx)
	if err != nil {
		en.t.Fatalf("ExpireOrders: %v", err)
	}
	return expired
}

func (en *env) status(ref string) engine.OrderStatus {
	en.t.Helper()
	o, err := en.e.Order(en.ctx, ref, false)
	if err != nil {
		en.t.Fatalf("Order %s: %v", ref, err)
	}
	return o.Status
}

func (en *env) balance(addr string) engine.MicroTari {
	en.t.Helper()
	b, err := en.e.AddressBalance(en.ctx, addr)
	if err != nil {
		en.t.Fatal(err)
	}
	return b.CurrentBalance
}

func (en *env) wantStatus(ref string, want engine.OrderStatus) {
	en.t.Helper()
	if got := en.status(ref); got != want {
		en.t.Fatalf("order %s is %s, want %s", ref, got, want)
	}
}

func (en *env) wantBalance(addr string, want engine.MicroTari) {
	en.t.Helper()
	if got := en.balance(addr); got != want {
		en.t.Fatalf("balance of %s = %d, want %d", addr, got, want)
	}
}

// wantTypes checks the recorded event types since the last take.
func (en *env) wantTypes(want ...engine.EventType) []engine.Event {
	en.t.Helper()
	evs := en.events.take()
	var got []engine.EventType
	for _, ev := range evs {
		got = append(got, ev.Type())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		en.t.Fatalf("events = %v, want %v", got, want)
	}
	return evs
}

func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
}

// user is a Tari identity that can sign memo claims.
type user struct {
	key  tari.SecretKey
	addr tari.Address
}

func newUser(t *testing.T) user {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return user{key: k, addr: tari.NewAddress(tari.MainNet, k.Public())}
}

func (u user) String() string { return u.addr.Base58() }

// memo is a signed claim of orderID, as JSON.
func (u user) memo(t *testing.T, orderID string) *string {
	sig, err := tari.SignMemo(rand.Reader, u.key, u.addr, orderID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sig.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	return &s
}

func ptr(s string) *string { return &s }

// orderNamed adds an XTR order with a shop name (alt_id), as Shopify's
// orders have.
func (en *env) orderNamed(id, name, customer string, price engine.MicroTari) engine.Order {
	en.t.Helper()
	o, err := en.e.AddOrder(en.ctx, engine.NewOrder{
		OrderID: id, AltID: &name, CustomerID: customer, TotalPrice: price, Currency: "XTR", CreatedAt: en.clock.Now(),
	})
	if err != nil {
		en.t.Fatalf("AddOrder %s: %v", id, err)
	}
	en.clock.Add(time.Second)
	return o
}
