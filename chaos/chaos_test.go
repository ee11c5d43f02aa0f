package chaos

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"taripay/db/dbtest"
)

// kills is how many times TestKill9DuringMixedLoad kills the server;
// CHAOS_KILLS raises it for a longer soak (task chaos).
func kills(t *testing.T) int {
	if v := os.Getenv("CHAOS_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CHAOS_KILLS=%q: want a positive integer", v)
		}
		return n
	}
	return 20
}

// startLoad runs workers until the returned stop is called.
func startLoad(l *load) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range l.fx.wallets {
		wg.Add(1)
		go func() { defer wg.Done(); l.run(ctx, w) }()
	}
	return func() { cancel(); wg.Wait() }
}

// TestKill9DuringMixedLoad kills a real `taripay serve` on SQLite with
// SIGKILL at random points of a mixed load of claims, payments and
// confirmations, restarts it on the same file, and checks the money
// invariants after every kill: no acknowledged payment or confirmation is
// lost, none counts twice, no order is Paid without its funds, and every
// Paid order has exactly one outbox job and one OrderPaid event.
func TestKill9DuringMixedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a server subprocess 20 times")
	}
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "taripay.db")
	env := map[string]string{"TPG_DATABASE_URL": dbURL, "TPG_DISABLE_WALLET_WHITELIST": "true", "TPG_SHOPIFY_HMAC_SECRET": hmacSecret,
		"TPG_PAYMENT_WALLET_ADDRESS": payTo}
	fx := seed(t, dbURL, env, 4, 12, 400)
	l := newLoad(fx)
	stop := startLoad(l)
	defer stop()

	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 8))
	n := kills(t)
	for i := range n {
		s := startServe(t, env)
		before := l.acks.Load()
		l.serve(s.Base)
		// Kill at a random point, but only once requests are flowing.
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		for l.acks.Load() == before {
			time.Sleep(5 * time.Millisecond)
		}
		s.Kill()
		l.serve()
		checkInvariants(t, dbURL, l, "after kill "+strconv.Itoa(i+1))
		if t.Failed() {
			t.Fatalf("server log:\n%s", s.Log.Tail())
		}
	}

	s := startServe(t, env)
	l.serve(s.Base)
	time.Sleep(200 * time.Millisecond)
	stop()
	l.drain(t, s.Base)
	// Every acknowledged webhook order is processed, those a kill
	// stranded once their lease lapses.
	waitOrdersStored(t, dbURL, 3*time.Minute, l.orders...)
	stopServe(t, s)
	_, paid, _ := checkInvariants(t, dbURL, l, "at the end")
	if n := l.unavailable.Load(); n > 0 {
		t.Errorf("%d replies were 503 with no storage fault", n)
	}
	if len(l.confirmed) == 0 || paid == 0 {
		t.Fatalf("the load confirmed %d payments and paid %d orders: it exercised nothing", len(l.confirmed), paid)
	}
	t.Logf("%d kills; %d acknowledged webhook orders, %d payments, %d confirmations; %d orders paid", n, len(l.orders)-len(fx.orders), len(l.received), len(l.confirmed), paid)
}

// TestTwoProcessesOnPostgres runs two `taripay serve` processes on one
// PostgreSQL database, each with its expiry worker, behind the same load,
// with timeouts short enough that orders expire during the run. Each side
// effect must happen exactly once: one OrderPaid event and mark_paid job per
// Paid order, one OrderAnnulled event and cancel job per expired order, and
// the money invariants hold.
//
// The load runs until it has paid orders and the servers have expired the
// idle orders, which nothing else can close: however fast the machine pays
// the load's own orders, the run expires some.
func TestTwoProcessesOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two server subprocesses")
	}
	dbURL := dbtest.NewPostgresSchema(t)
	env := map[string]string{
		"TPG_DATABASE_URL":             dbURL,
		"TPG_DISABLE_WALLET_WHITELIST": "true",
		"TPG_SHOPIFY_HMAC_SECRET":      hmacSecret,
		"TPG_PAYMENT_WALLET_ADDRESS":   payTo,
		"TPG_EXPIRY_INTERVAL":          "100ms",
		"TPG_UNCLAIMED_ORDER_TIMEOUT":  "3s",
		"TPG_UNPAID_ORDER_TIMEOUT":     "5s",
	}
	fx := seed(t, dbURL, env, 4, 12, 150)
	idle := seedIdle(t, dbURL, env, 10)
	l := newLoad(fx)
	a, b := startServe(t, env), startServe(t, env)
	l.serve(a.Base, b.Base)
	stop := startLoad(l)
	const wantPaid = 10
	waitFor(t, 2*time.Minute, fmt.Sprintf("%d orders paid and the %d idle orders expired under load", wantPaid, len(idle)), func() bool {
		counts := statusCounts(t, dbURL, idle)
		return counts["Paid"] >= wantPaid && counts["Expired idle"] == len(idle)
	})
	stop()
	l.drain(t, a.Base)
	waitOrdersStored(t, dbURL, time.Minute, l.orders...)

	// Every open order runs out its timeout on one of the two servers.
	total, paid, expired := waitAllClosed(t, dbURL, l, a, b)
	t.Logf("%d orders (%d from webhooks): %d paid, %d expired; %d confirmations", total, len(l.orders)-len(fx.orders), paid, expired, len(l.confirmed))
	stopServe(t, a)
	stopServe(t, b)
	checkInvariants(t, dbURL, l, "after both stopped")
	if n := l.unavailable.Load(); n > 0 {
		t.Errorf("%d replies were 503 with no storage fault", n)
	}
}
