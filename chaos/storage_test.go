package chaos

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"taripay/engine/tari"
	"taripay/internal/tariwire"
)

// TestStorageFaults runs a real `taripay serve` on SQLite under the mixed
// load and then takes its disk away: the filesystem fills up (disk_full) or
// the database files become immutable (read_only). While the fault lasts,
// writes must answer 503 with Retry-After, promptly, and nothing may answer
// another 5xx. Once the fault clears, the same process must take writes
// again without a restart, and nothing it acknowledged may be lost.
func TestStorageFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a filesystem and freezes files under a server subprocess")
	}
	if os.Geteuid() != 0 {
		canStage(t, errors.New("mounting a tmpfs and setting the immutable attribute need root"))
	}
	t.Run("disk_full", func(t *testing.T) {
		dir := t.TempDir()
		// Small, so that filling it is quick; roomy enough for the seed.
		if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=24m"); err != nil {
			canStage(t, fmt.Errorf("mount a tmpfs on %s: %w", dir, err))
		}
		// Lazily: the server may still hold files open when a failed test
		// cleans up.
		t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
		filler := filepath.Join(dir, "filler")
		underFault(t, dir, func() error { return fill(filler) }, func() error { return os.Remove(filler) })
	})
	t.Run("read_only", func(t *testing.T) {
		dir := t.TempDir()
		if err := freezable(dir); err != nil {
			canStage(t, err)
		}
		path := filepath.Join(dir, "taripay.db")
		files := []string{path, path + "-wal"}
		// Always thaw, or t.TempDir cannot remove the files.
		t.Cleanup(func() {
			for _, f := range files {
				_ = setImmutable(f, false)
			}
		})
		underFault(t, dir,
			func() error {
				for _, f := range files {
					if err := setImmutable(f, true); err != nil {
						return err
					}
				}
				return nil
			},
			func() error {
				for _, f := range files {
					if err := setImmutable(f, false); err != nil {
						return err
					}
				}
				return nil
			})
	})
}

const (
	// faultReplies is how many 503s the fault must produce, and faultHold
	// how long it lasts at least.
	faultReplies = 20
	faultHold    = 2 * time.Second
	// hangLimit is the longest any reply may take, fault or not; the
	// load's client gives up at 10 s.
	hangLimit = 5 * time.Second
	// recoverWithin is how soon after the fault clears the 503s must stop:
	// with nothing stuck they stop within a few replies.
	recoverWithin = time.Second
	// probeCustomer numbers the customers of the recovery probe's orders,
	// apart from the load's, so that its payment pays its own order.
	probeCustomer = 7_000_000
)

// underFault seeds a SQLite database in dir, runs a server on it under the
// load, injects a fault, checks the server answers 503 and stays up, heals
// the fault, and checks the same server recovers and lost nothing.
func underFault(t *testing.T, dir string, inject, heal func() error) {
	dbURL := "sqlite://" + filepath.Join(dir, "taripay.db")
	env := map[string]string{"TPG_DATABASE_URL": dbURL, "TPG_DISABLE_WALLET_WHITELIST": "true", "TPG_SHOPIFY_HMAC_SECRET": hmacSecret,
		"TPG_PAYMENT_WALLET_ADDRESS": payTo}
	fx := seed(t, dbURL, env, 5, 12, 200)
	// The last wallet is the probe's, so its nonces are its own.
	probeWallet := fx.wallets[len(fx.wallets)-1]
	fx.wallets = fx.wallets[:len(fx.wallets)-1]
	l := newLoad(fx)
	slow := &slowest{next: http.DefaultTransport.(*http.Transport).Clone()}
	l.client.Transport = slow
	s := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", s.Log.Tail())
		}
	})
	l.serve(s.Base)
	stop := startLoad(l)
	defer stop()

	// Before the fault: orders to claim and payments to confirm during it.
	p := newProbe(t, l, s.Base, probeWallet)
	const spare = 3
	var open, unconfirmed []string
	warmUp := time.Now().Add(30 * time.Second)
	for i := range spare {
		var order string
		p.retry("new order", warmUp, stored, func() (status int, reply []byte, err error) {
			order, status, reply, err = p.order()
			return status, reply, err
		})
		open = append(open, order)
		txid := fmt.Sprintf("probe-%d-%d", time.Now().UnixNano(), i)
		p.retry("payment", warmUp, succeeded, func() (int, []byte, error) { return p.pay(txid, nil) })
		unconfirmed = append(unconfirmed, txid)
	}
	// The orders to claim during the fault exist by then.
	waitOrdersStored(t, dbURL, 90*time.Second, open...)
	waitFor(t, 30*time.Second, "payments and confirmations before the fault", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.received) >= 20 && len(l.confirmed) >= 10
	})
	before := l.unavailable.Load()
	l.mu.Lock()
	receivedBefore := len(l.received)
	l.mu.Unlock()

	if err := inject(); err != nil {
		t.Fatalf("inject the fault: %v", err)
	}
	faulted := time.Now()
	// SQLite may go on committing into WAL space it already has, so wait
	// for the 503s rather than expect the first write to fail; and hold
	// the fault a while, so that hundreds of writes and SQLite's own
	// checkpoints meet it.
	waitFor(t, 60*time.Second, fmt.Sprintf("%d replies of 503 during the fault", faultReplies), func() bool {
		if err := s.Running(); err != nil {
			t.Fatalf("taripay serve exited during the fault: %v", err)
		}
		if n, first := failures(l); n > 0 {
			t.Fatalf("%d replies during the fault were 5xx other than 503, first: %s", n, first)
		}
		return l.unavailable.Load()-before >= faultReplies && time.Since(faulted) >= faultHold
	})
	// Every kind of write is refused with a 503, whichever handler it
	// takes.
	p.refused("a webhook order", 50, func(int) (bool, int, []byte, error) {
		_, status, reply, err := p.order()
		return stored(status, reply, err), status, reply, err
	})
	p.refused("a claim", spare, func(i int) (bool, int, []byte, error) {
		status, reply, err := p.claim(open[i])
		return err == nil && status == http.StatusOK, status, reply, err
	})
	p.refused("a payment", 50, func(i int) (bool, int, []byte, error) {
		status, reply, err := p.pay(fmt.Sprintf("probe-%d-fault-%d", time.Now().UnixNano(), i), nil)
		return succeeded(status, reply, err), status, reply, err
	})
	p.refused("a confirmation", spare, func(i int) (bool, int, []byte, error) {
		status, reply, err := p.confirm(unconfirmed[i])
		return succeeded(status, reply, err), status, reply, err
	})
	if err := s.Running(); err != nil {
		t.Fatalf("taripay serve exited during the fault: %v", err)
	}
	unavailable := l.unavailable.Load() - before
	faultFor := time.Since(faulted)
	if n, first := failures(l); n > 0 {
		t.Fatalf("%d replies during the fault were 5xx other than 503, first: %s", n, first)
	}
	if t.Failed() {
		t.FailNow()
	}

	if err := heal(); err != nil {
		t.Fatalf("heal the fault: %v", err)
	}
	cleared, unavailableAtClear := time.Now(), l.unavailable.Load()
	l.mu.Lock()
	receivedAtClear := len(l.received)
	l.mu.Unlock()
	// The same process takes writes again: a new order of the probe's is
	// paid in full by a fresh payment and its confirmation, from a payer
	// with no other order and no credit.
	p.payer = newKey(t)
	deadline := cleared.Add(30 * time.Second)
	var order string
	p.retry("new order", deadline, stored, func() (status int, reply []byte, err error) {
		order, status, reply, err = p.order()
		return status, reply, err
	})
	waitOrdersStored(t, dbURL, 90*time.Second, order)
	txid := fmt.Sprintf("probe-%d-after", time.Now().UnixNano())
	p.retry("payment", deadline, succeeded, func() (int, []byte, error) { return p.pay(txid, &order) })
	p.retry("confirmation", deadline, succeeded, func() (int, []byte, error) { return p.confirm(txid) })
	recovery := time.Since(cleared)
	// Recovered means the 503s stop, not only that one write got through:
	// a database connection opened during the fault could go on failing
	// the writes that land on it.
	lastUnavailable, count := cleared, unavailableAtClear
	waitFor(t, 30*time.Second, "second of load without a 503, and payments of the load, after the fault", func() bool {
		if n := l.unavailable.Load(); n != count {
			lastUnavailable, count = time.Now(), n
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		return time.Since(lastUnavailable) >= time.Second && len(l.received) > receivedAtClear+1
	})
	if d := lastUnavailable.Sub(cleared); d > recoverWithin {
		t.Errorf("503s went on for %v after the fault cleared; want under %v", d, recoverWithin)
	}
	if err := s.Running(); err != nil {
		t.Fatalf("taripay serve exited: %v", err)
	}

	stop()
	l.drain(t, s.Base)
	for _, txid := range unconfirmed {
		p.retry("confirmation", time.Now().Add(10*time.Second), succeeded, func() (int, []byte, error) { return p.confirm(txid) })
	}
	// A connection the client dialled but never used holds the server's
	// shutdown for its whole 10 s grace period; drop them first, so that
	// the test does not wait it out.
	slow.next.(*http.Transport).CloseIdleConnections()
	if err := stopServe(t, s); err != nil {
		t.Errorf("taripay serve did not exit cleanly on SIGTERM: %v", err)
	}
	l.orders = append(l.orders, p.orders...)
	_, paid, _ := checkInvariants(t, dbURL, l, "after the fault")
	if st := orderStatus(t, dbURL, order); st != "Paid" {
		t.Errorf("order %s, paid in full after the fault, is %s", order, st)
	}
	if d := time.Duration(slow.max.Load()); d > hangLimit {
		t.Errorf("the slowest reply took %v; want under %v", d, hangLimit)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Logf("%d payments acknowledged before the fault; %d replies of 503 in %v of fault (%d payments acknowledged meanwhile); "+
		"an order paid %v after the fault cleared, the last 503 %v after; slowest reply %v; in all %d payments, %d confirmations, %d orders paid",
		receivedBefore, unavailable, faultFor.Round(time.Millisecond), receivedAtClear-receivedBefore,
		recovery.Round(time.Millisecond), lastUnavailable.Sub(cleared).Round(time.Millisecond),
		time.Duration(slow.max.Load()).Round(time.Millisecond), len(l.received), len(l.confirmed), paid)
}

// probe writes through the server with a wallet, a payer and orders of its
// own, apart from the load's, so that its nonces are its own and the load
// neither claims nor pays its orders.
type probe struct {
	t      *testing.T
	l      *load
	base   string
	wallet key
	payer  key
	nonce  int64
	orders []string // acknowledged
}

func newProbe(t *testing.T, l *load, base string, wallet key) *probe {
	return &probe{t: t, l: l, base: base, wallet: wallet, payer: newKey(t), nonce: time.Now().UnixMilli() * 1000}
}

// order sends a webhook for a new order of a customer of the probe's own.
func (p *probe) order() (string, int, []byte, error) {
	id := p.l.txSeq.Add(1)
	order, status, reply, err := p.l.newOrder(context.Background(), p.base, 9_000_000_000_000+id, probeCustomer+id)
	if stored(status, reply, err) {
		p.orders = append(p.orders, order)
	}
	return order, status, reply, err
}

func (p *probe) claim(order string) (int, []byte, error) {
	m, err := tari.SignMemo(rand.Reader, p.payer.secret, p.payer.addr, order)
	if err != nil {
		p.t.Fatal(err)
	}
	body, _ := m.MarshalJSON()
	return p.l.post(context.Background(), p.base, "/order/claim", body)
}

// pay notifies a payment of 5 USD from the probe's payer, naming order
// unless it is nil; on success:true it is recorded as acknowledged.
func (p *probe) pay(txid string, order *string) (int, []byte, error) {
	p.nonce++
	pay := tariwire.Payment{Sender: p.payer.addr, Amount: 5 * usdRate, TxID: txid, OrderID: order}
	status, reply, err := p.l.sendPayment(context.Background(), p.base, p.wallet, p.nonce, pay)
	if succeeded(status, reply, err) {
		p.l.mu.Lock()
		p.l.received[txid] = true
		p.l.mu.Unlock()
	}
	return status, reply, err
}

// confirm notifies the confirmation of txid; on success:true it is
// recorded as acknowledged.
func (p *probe) confirm(txid string) (int, []byte, error) {
	p.nonce++
	status, reply, err := p.l.sendConfirmation(context.Background(), p.base, p.wallet, p.nonce, txid)
	if succeeded(status, reply, err) {
		p.l.mu.Lock()
		p.l.confirmed[txid] = true
		p.l.mu.Unlock()
	}
	return status, reply, err
}

// refused checks one kind of write during the fault: write(i) sends the
// i-th of n attempts and reports whether the server committed it. One
// must come back 503 (the load's client checks the JSON error and
// Retry-After). SQLite may still find room for a commit, so a commit means
// try the next; any other answer fails the test, notably 200 with
// success:false, which a wallet or Shopify takes as final.
func (p *probe) refused(what string, n int, write func(i int) (committed bool, status int, reply []byte, err error)) {
	p.t.Helper()
	for i := range n {
		committed, status, reply, err := write(i)
		switch {
		case errors.Is(err, errUnavailable):
			return
		case !committed:
			p.t.Errorf("%s during the fault: %d %s (%v); want 503", what, status, reply, err)
			return
		}
	}
	p.t.Errorf("%s during the fault: %d attempts all committed; want 503", what, n)
}

// retry sends a write until the server takes it (taken judges the reply),
// or fails the test at deadline.
func (p *probe) retry(what string, deadline time.Time, taken func(int, []byte, error) bool, write func() (int, []byte, error)) {
	p.t.Helper()
	for {
		status, reply, err := write()
		if taken(status, reply, err) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no recovery: %s still answers %d %s (%v)", what, status, reply, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor polls cond until it holds, or fails the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// failures counts the 5xx replies other than 503 so far, and gives the
// first.
func failures(l *load) (int, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) == 0 {
		return 0, ""
	}
	return len(l.failures), l.failures[0]
}

// slowest is a transport that remembers its longest round trip, to show
// that no request hangs on a sick disk.
type slowest struct {
	next http.RoundTripper
	max  atomic.Int64 // nanoseconds
}

func (s *slowest) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := s.next.RoundTrip(r)
	d := int64(time.Since(start))
	for {
		m := s.max.Load()
		if d <= m || s.max.CompareAndSwap(m, d) {
			return res, err
		}
	}
}

// fill writes to path until its filesystem is full.
func fill(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Write(buf); errors.Is(err, syscall.ENOSPC) {
			return nil
		} else if err != nil {
			return fmt.Errorf("fill %s: %w", path, err)
		}
	}
}

// fsImmutableFlag is FS_IMMUTABLE_FL of linux/fs.h (chattr +i), which
// x/sys/unix does not name. Writes through descriptors already open then
// fail with EPERM, as on a filesystem gone read-only.
const fsImmutableFlag = 0x10

func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("set immutable: %w", err)
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return fmt.Errorf("get the attributes of %s: %w", path, err)
	}
	if on {
		flags |= fsImmutableFlag
	} else {
		flags &^= fsImmutableFlag
	}
	if err := unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags)); err != nil {
		return fmt.Errorf("set the attributes of %s: %w", path, err)
	}
	return nil
}

// freezable reports why files in dir cannot be made immutable, if they
// cannot: not every filesystem supports the attribute.
func freezable(dir string) error {
	path := filepath.Join(dir, "freezable")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		return err
	}
	defer os.Remove(path)
	if err := setImmutable(path, true); err != nil {
		return err
	}
	return setImmutable(path, false)
}
