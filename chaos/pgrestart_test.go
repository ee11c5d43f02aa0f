package chaos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"taripay/internal/servetest"
	"taripay/internal/tariwire"
)

// pgCluster is a PostgreSQL server of one test's own, in a temporary
// directory, so the test can stop and restart it without disturbing the
// shared server other tests use.
type pgCluster struct {
	bin  string // directory of initdb, pg_ctl and postgres
	dir  string // holds data/, the unix socket and the server log
	port int
	// runAs is the OS user the binaries run as: they refuse to run as root.
	runAs string
}

// newPGCluster initialises and starts a private cluster on a free port. An
// error means this machine cannot stage the fault.
func newPGCluster(t *testing.T) (*pgCluster, error) {
	t.Helper()
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	c := &pgCluster{bin: bin, port: servetest.FreePort(t)}
	// Not t.TempDir: its parent is private to root, and the server may run
	// as another user.
	c.dir, err = os.MkdirTemp("", "taripay-pg-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { os.RemoveAll(c.dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("initdb refuses root and there is no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return nil, err
		}
		c.runAs = "postgres"
	}
	if err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		return nil, err
	}
	// The socket stays out of the shared server's directory. fsync only
	// matters if the machine crashes; synchronous_commit stays on, or an
	// immediate stop would lose commits already acknowledged.
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\n",
		c.port, c.dir)
	f, err := os.OpenFile(filepath.Join(c.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	_, err = f.WriteString(conf)
	if err := errors.Join(err, f.Close()); err != nil {
		return nil, fmt.Errorf("configure the cluster: %w", err)
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		if err := c.stop("immediate"); err != nil {
			t.Log(err)
		}
	})
	return c, nil
}

// pgBinDir finds PostgreSQL's server binaries: pg_config's, else Debian's
// versioned directories, newest first.
func pgBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return pgVersion(b) - pgVersion(a) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl): neither pg_config --bindir nor /usr/lib/postgresql/*/bin")
}

func pgVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// url is the cluster's database for taripay.
func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// run runs one of the cluster's binaries as c.runAs.
func (c *pgCluster) run(name string, args ...string) error {
	path := filepath.Join(c.bin, name)
	cmd := exec.Command(path, args...)
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	}
	cmd.Dir = c.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start() error {
	return c.run("pg_ctl", "start", "-w", "-t", "60", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"))
}

// stop stops the server in the given shutdown mode (fast: abort sessions
// and shut down cleanly; immediate: kill everything, as a crash) and waits
// until it is gone.
func (c *pgCluster) stop(mode string) error {
	return c.run("pg_ctl", "stop", "-w", "-t", "60", "-D", c.data(), "-m", mode)
}

// reply is one request of the load, as its client saw it.
type reply struct {
	sent   time.Time
	took   time.Duration
	status int // 0 when no reply came
	err    error
}

func (r reply) end() time.Time { return r.sent.Add(r.took) }

// replies records every request of a load.
type replies struct {
	mu  sync.Mutex
	all []reply
}

func (rs *replies) observe(sent time.Time, took time.Duration, status int, err error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.all = append(rs.all, reply{sent, took, status, err})
}

func (rs *replies) snapshot() []reply {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.all)
}

// failFast bounds every reply, during an outage too: a request waiting on
// the database longer than this hangs, where it should have failed with
// 503. It is far above a healthy reply and below the load's 10 s timeout.
const failFast = 5 * time.Second

// TestPostgresRestartDuringLoad restarts the PostgreSQL server under two
// `taripay serve` processes while a mixed load runs: once cleanly (pg_ctl
// stop -m fast, as an operator would) and once as a crash (-m immediate,
// then crash recovery), each time down for about a second. While it is
// down, every request must fail fast with a 503 and Retry-After: no hang,
// no 500. Once it is back, the pools must recover without restarting
// taripay, a new order must be payable, and after the run the money
// invariants must hold: nothing half-applied, nothing acknowledged lost,
// every side effect exactly once.
func TestPostgresRestartDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a private PostgreSQL server under load")
	}
	pg, err := newPGCluster(t)
	canStage(t, err)
	dbURL := pg.url()
	env := map[string]string{
		"TPG_DATABASE_URL":             dbURL,
		"TPG_DISABLE_WALLET_WHITELIST": "true",
		"TPG_SHOPIFY_HMAC_SECRET":      hmacSecret,
		"TPG_PAYMENT_WALLET_ADDRESS":   payTo,
		// The expiry workers write during the outages too.
		"TPG_EXPIRY_INTERVAL":         "100ms",
		"TPG_UNCLAIMED_ORDER_TIMEOUT": "4s",
		"TPG_UNPAID_ORDER_TIMEOUT":    "6s",
	}
	fx := seed(t, dbURL, env, 5, 12, 150)
	// The last wallet pays the probe orders, outside the load's nonces.
	probe := fx.wallets[4]
	fx.wallets = fx.wallets[:4]
	l := newLoad(fx)
	var rs replies
	l.observe = rs.observe
	a, b := startServe(t, env), startServe(t, env)
	l.serve(a.Base, b.Base)
	stop := startLoad(l)
	defer stop()

	type outage struct {
		mode     string
		down, up time.Time // pg_ctl stop began, pg_ctl start returned
		// gone is when PostgreSQL had stopped and back when it was being
		// started again: a request in between can only fail.
		gone, back      time.Time
		recovered       time.Time // end of the first good reply to a request sent after up
		replies, denied int       // replies overlapping the outage, and how many were 503
		slowest         time.Duration
	}
	var outages []outage
	for i, mode := range []string{"fast", "immediate"} {
		// A healthy stretch of load first: the restart hits a pool full
		// of live connections and transactions in flight.
		// At least 1.5 s and 50 successes: a busy machine takes longer.
		before, since := l.acks.Load(), time.Now()
		time.Sleep(1500 * time.Millisecond)
		for l.acks.Load()-before < 50 {
			if time.Since(since) > 30*time.Second {
				t.Fatalf("before restart %d: only %d requests succeeded in 30 s", i+1, l.acks.Load()-before)
			}
			time.Sleep(10 * time.Millisecond)
		}
		o := outage{mode: mode, down: time.Now()}
		if err := pg.stop(mode); err != nil {
			t.Fatal(err)
		}
		o.gone = time.Now()
		time.Sleep(time.Second)
		o.back = time.Now()
		if err := pg.start(); err != nil {
			t.Fatal(err)
		}
		o.up = time.Now()

		// The same processes recover: some request sent after the restart
		// succeeds, and so does a payment for a new order.
		deadline := o.up.Add(15 * time.Second)
		for o.recovered.IsZero() {
			if time.Now().After(deadline) {
				t.Fatalf("restart %d (%s): no request succeeded within 15 s\nserver A log:\n%s\nserver B log:\n%s",
					i+1, mode, a.Log.Tail(), b.Log.Tail())
			}
			time.Sleep(10 * time.Millisecond)
			for _, r := range rs.snapshot() {
				if !r.sent.Before(o.up) && r.err == nil && r.status < 500 {
					o.recovered = r.end()
					break
				}
			}
		}
		payNewOrder(t, l, []string{a.Base, b.Base}[i%2], probe, int64(7_000_000+i), dbURL)
		outages = append(outages, o)
	}
	stopped := time.Now()
	stop()
	l.drain(t, a.Base)

	// The expiry workers came through the restarts too: every order still
	// open runs out its timeout.
	waitAllClosed(t, dbURL, l, a, b)
	for _, s := range []*servetest.Server{a, b} {
		if err := s.Running(); err != nil {
			t.Fatalf("taripay serve exited during the run: %v\n%s", err, s.Log.Tail())
		}
	}
	stopServe(t, a)
	stopServe(t, b)

	all := rs.snapshot()
	var slowest time.Duration
	for _, r := range all {
		slowest = max(slowest, r.took)
		switch {
		case r.status == 0 && r.err != nil && !(errors.Is(r.err, context.Canceled) && r.end().After(stopped)):
			t.Errorf("a request sent at %s got no reply after %s: %v", r.sent.Format("15:04:05.000"), r.took.Round(time.Millisecond), r.err)
		case r.took > failFast:
			t.Errorf("a reply took %s (sent at %s, status %d): requests must fail fast", r.took.Round(time.Millisecond), r.sent.Format("15:04:05.000"), r.status)
		}
	}
	for i := range outages {
		o := &outages[i]
		masked := 0
		for _, r := range all {
			if r.sent.Before(o.up) && r.end().After(o.down) && r.status != 0 {
				o.replies++
				o.slowest = max(o.slowest, r.took)
				if r.status == http.StatusServiceUnavailable {
					o.denied++
				} else if r.sent.After(o.gone) && r.end().Before(o.back) {
					masked++
				}
			}
		}
		if masked > 0 {
			t.Errorf("restart %d (%s): %d requests answered while PostgreSQL was down were not 503", i+1, o.mode, masked)
		}
		if o.denied == 0 {
			t.Errorf("restart %d (%s): none of %d replies during the outage was a 503", i+1, o.mode, o.replies)
		}
		t.Logf("restart %d (-m %s): down %s; %d replies during it, %d of them 503, slowest %s; first success %s after the restart",
			i+1, o.mode, o.up.Sub(o.down).Round(time.Millisecond), o.replies, o.denied, o.slowest.Round(time.Millisecond),
			o.recovered.Sub(o.up).Round(time.Millisecond))
	}
	_, paid, expired := checkInvariants(t, dbURL, l, "after the restarts")
	if t.Failed() {
		t.Fatalf("server A log:\n%s\nserver B log:\n%s", a.Log.Tail(), b.Log.Tail())
	}
	t.Logf("%d requests, %d answered 503, slowest reply %s; %d payments, %d confirmations; %d orders paid, %d expired",
		len(all), l.unavailable.Load(), slowest.Round(time.Millisecond), len(l.received), len(l.confirmed), paid, expired)
}

// payNewOrder creates an order by webhook, pays it in full from a new
// payer and confirms the payment, through base, retrying each step while
// the server answers 503 as a client would, and checks the order is Paid.
// It records what was acknowledged with the load's, for checkInvariants.
func payNewOrder(t *testing.T, l *load, base string, wallet key, id int64, dbURL string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	retry := func(what string, step func() (bool, error)) {
		for {
			ok, err := step()
			if ok {
				return
			}
			if err == nil {
				t.Fatalf("pay a new order: the %s was not acknowledged", what)
			}
			if !errors.Is(err, errUnavailable) || time.Now().After(deadline) {
				t.Fatalf("pay a new order: %s: %v", what, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	order := strconv.FormatInt(id, 10)
	// A customer of its own, so the confirmation pays this order only.
	retry("webhook", func() (bool, error) { return l.webhook(ctx, base, id, id) })
	// Stored, then processed: a processing attempt that meets the outage's
	// broken connections is retried once its lease lapses.
	waitOrdersStored(t, dbURL, 90*time.Second, order)

	payer := newKey(t)
	p := tariwire.Payment{Sender: payer.addr, Amount: 5 * usdRate, TxID: "probe-" + order, OrderID: &order}
	nonce := time.Now().UnixMilli() * 1000
	acked := func(status int, reply []byte, err error) (bool, error) {
		if err == nil && !succeeded(status, reply, err) {
			err = fmt.Errorf("%d %s", status, reply)
		}
		return err == nil, err
	}
	retry("payment", func() (bool, error) {
		nonce++
		// A resent payment that a 503 hid the commit of is "already exists",
		// success:true.
		return acked(l.sendPayment(ctx, base, wallet, nonce, p))
	})
	l.mu.Lock()
	l.received[p.TxID] = true
	l.mu.Unlock()
	retry("confirmation", func() (bool, error) {
		nonce++
		return acked(l.sendConfirmation(ctx, base, wallet, nonce, p.TxID))
	})
	l.mu.Lock()
	l.confirmed[p.TxID] = true
	l.mu.Unlock()

	if status := orderStatus(t, dbURL, order); status != "Paid" {
		t.Fatalf("order %s is %s after its payment was confirmed, want Paid", order, status)
	}
}
