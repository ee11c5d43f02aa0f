package chaos

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"taripay/app/config"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/servetest"
	"taripay/internal/tariwire"
	"taripay/internal/walletclient"
)

func TestMain(m *testing.M) {
	servetest.Main(m)
}

// startServe runs the built `taripay serve` in a fresh directory with env
// and waits until it is healthy (servetest.Start).
func startServe(t *testing.T, env map[string]string) *servetest.Server {
	t.Helper()
	// The load's every client is on loopback: the per-address connection
	// cap is raised, not left to count them all as one client.
	vars := []string{"TPG_MAX_CONNS_PER_IP=10000"}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	return servetest.Serve(t, t.TempDir(), vars...)
}

// stopServe shuts s down with SIGTERM; the fault tests also require a clean
// exit, the others only that it stops.
func stopServe(t *testing.T, s *servetest.Server) error {
	t.Helper()
	err := s.Stop()
	if err != nil && s.Running() == nil {
		t.Errorf("taripay serve did not stop: %v\n%s", err, s.Log.Tail())
	}
	return err
}

// key is a Tari key and its mainnet address.
type key struct {
	secret tari.SecretKey
	addr   tari.Address
}

func newKey(t *testing.T) key {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key{k, tari.NewAddress(tari.MainNet, k.Public())}
}

// fixture is the state seeded before the first server starts: a hot wallet
// per load worker, the payers, and open storefront orders.
type fixture struct {
	wallets []key
	payers  []key
	orders  []string
	prices  map[string]engine.MicroTari
}

// seed stores the fixture through the engine, as the storefront and an
// admin would have.
func seed(t *testing.T, dbURL string, env map[string]string, wallets, payers, orders int) fixture {
	t.Helper()
	ctx := engine.WithActor(context.Background(), "chaos-seed")
	e, closeDB := seedEngine(t, dbURL, env)
	defer closeDB()
	if _, err := e.SetExchangeRate(ctx, "USD", usdRate); err != nil {
		t.Fatal(err)
	}
	fx := fixture{prices: map[string]engine.MicroTari{}}
	for range wallets {
		w := newKey(t)
		if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: w.addr.Base58(), IPAddress: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		fx.wallets = append(fx.wallets, w)
	}
	for range payers {
		fx.payers = append(fx.payers, newKey(t))
	}
	for i := range orders {
		id := fmt.Sprintf("ord-%05d", i)
		price := engine.MicroTari(1+i%20) * 1_000_000
		if _, err := e.AddOrder(ctx, engine.NewOrder{OrderID: id, CustomerID: fmt.Sprintf("cust-%d", i%(2*payers)),
			TotalPrice: price, Currency: "XTR", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		fx.orders = append(fx.orders, id)
		fx.prices[id] = price
	}
	return fx
}

// seedEngine opens an engine on dbURL with the servers' settings; closeDB
// closes its database.
func seedEngine(t *testing.T, dbURL string, env map[string]string) (e *engine.Engine, closeDB func()) {
	t.Helper()
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return engine.New(cfg.Engine(), d, engine.SystemClock{}), func() { d.Close() }
}

// seedIdle stores n open orders, each of a customer of its own, that the
// load is never told of: no claim or payment can reach them, so they can
// only expire.
func seedIdle(t *testing.T, dbURL string, env map[string]string, n int) []string {
	t.Helper()
	ctx := engine.WithActor(context.Background(), "chaos-seed")
	e, closeDB := seedEngine(t, dbURL, env)
	defer closeDB()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("idle-%03d", i)
		if _, err := e.AddOrder(ctx, engine.NewOrder{OrderID: id, CustomerID: id, TotalPrice: 1_000_000, Currency: "XTR", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// load is concurrent signed traffic against whichever servers are up:
// claims, payments (half naming an order) and confirmations. It remembers
// what each server acknowledged, to check nothing acknowledged is lost.
type load struct {
	fx     fixture
	bases  atomic.Pointer[[]string]
	client *http.Client

	mu        sync.Mutex
	orders    []string                    // seeded, and created by acknowledged webhooks
	prices    map[string]engine.MicroTari // of orders
	received  map[string]bool             // txids whose incoming_payment was acknowledged
	confirmed map[string]bool             // txids whose confirmation was acknowledged
	pending   [][]string                  // per worker: received, not yet confirmed
	failures  []string                    // 5xx replies other than 503: bugs
	// unavailable counts 503 replies: a storage fault the server reported
	// as such, which the fault tests expect and the others forbid.
	unavailable atomic.Int64
	acks        atomic.Int64
	txSeq       atomic.Int64
	// observe, when set before the load starts, sees every request: when
	// it was sent, how long its reply took, and what do returned.
	observe func(sent time.Time, took time.Duration, status int, err error)
}

func newLoad(fx fixture) *load {
	l := &load{fx: fx, received: map[string]bool{}, confirmed: map[string]bool{}, pending: make([][]string, len(fx.wallets)),
		orders: slices.Clone(fx.orders), prices: maps.Clone(fx.prices), client: &http.Client{Timeout: 10 * time.Second}}
	l.bases.Store(&[]string{})
	return l
}

// serve points the load at these servers (none pauses it).
func (l *load) serve(bases ...string) { l.bases.Store(&bases) }

// run drives worker w's traffic until ctx ends.
func (l *load) run(ctx context.Context, w int) {
	rng := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	wallet := l.fx.wallets[w]
	nonce := time.Now().UnixMilli() * 1000
	for i := 0; ctx.Err() == nil; i++ {
		bases := *l.bases.Load()
		if len(bases) == 0 {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		base := bases[(w+i)%len(bases)]
		payer := l.fx.payers[rng.IntN(len(l.fx.payers))]
		l.mu.Lock()
		order := l.orders[rng.IntN(len(l.orders))]
		price := l.prices[order]
		l.mu.Unlock()
		var err error
		switch r := rng.Float64(); {
		case r < 0.1:
			_, err = l.webhook(ctx, base, 9_000_000_000_000+l.txSeq.Add(1), int64(8_000+rng.IntN(20)))
		case r < 0.35:
			err = l.claim(ctx, base, payer, order)
		case r < 0.65:
			nonce++
			err = l.pay(ctx, base, w, wallet, nonce, payer, order, price, rng)
		default:
			nonce++
			err = l.confirmNext(ctx, base, w, wallet, nonce)
		}
		if err != nil {
			time.Sleep(5 * time.Millisecond) // the server is down or restarting
		}
	}
}

func (l *load) claim(ctx context.Context, base string, payer key, order string) error {
	m, err := tari.SignMemo(rand.Reader, payer.secret, payer.addr, order)
	if err != nil {
		return err
	}
	body, _ := m.MarshalJSON()
	_, _, err = l.post(ctx, base, "/order/claim", body)
	return err
}

// webhook sends a Shopify orders/create for a new 5 USD order of customer;
// once the server acknowledges it, the other operations may name the order
// (it exists once the server has processed the stored delivery).
func (l *load) webhook(ctx context.Context, base string, id, customer int64) (acked bool, err error) {
	order, status, reply, err := l.newOrder(ctx, base, id, customer)
	if stored(status, reply, err) {
		l.mu.Lock()
		l.orders = append(l.orders, order)
		l.prices[order] = 5 * usdRate
		l.mu.Unlock()
		return true, nil
	}
	return false, err
}

// newOrder delivers a Shopify orders/create for a 5 USD order id of
// customer, paid with Tari, as Shopify does: to the path shopify.app.toml
// registers, signed, with the topic, webhook and event ids. A resend of one
// order is the same event, as Shopify's retries are. The server stores it,
// answers 200 and processes it after.
func (l *load) newOrder(ctx context.Context, base string, id, customer int64) (order string, status int, reply []byte, err error) {
	body := fmt.Appendf(nil, `{"id":%d,"name":"#%d","created_at":"2026-11-20T14:01:22+03:00","currency":"USD",`+
		`"total_price":"5.00","subtotal_price":"5.00","total_line_items_price":"5.00","financial_status":"pending",`+
		`"payment_gateway_names":["Tari"],"note":null,"note_attributes":[],"customer":{"id":%d,"email":"c@example.com"}}`, id, id, customer)
	const path = "/shopify/webhook/orders/create"
	order = strconv.FormatInt(id, 10)
	hook := shopifytest.Webhook{Topic: "orders/create", EventID: orderEvent(order), Secret: hmacSecret, Body: body}
	status, reply, err = l.do(hook.Request(base+path).WithContext(ctx), path)
	return order, status, reply, err
}

// orderEvent is the X-Shopify-Event-Id of the load's orders/create for
// order.
func orderEvent(order string) string { return "chaos-order-" + order }

func (l *load) pay(ctx context.Context, base string, w int, wallet key, nonce int64, payer key, order string, price engine.MicroTari, rng *mrand.Rand) error {
	p := tariwire.Payment{Sender: payer.addr, Amount: int64(price/2 + engine.MicroTari(rng.Int64N(int64(price)))),
		TxID: fmt.Sprintf("tx-%d-%d-%d", w, time.Now().UnixNano(), l.txSeq.Add(1))}
	if rng.IntN(2) == 0 {
		p.OrderID = &order
	}
	status, reply, err := l.sendPayment(ctx, base, wallet, nonce, p)
	if succeeded(status, reply, err) {
		l.mu.Lock()
		l.received[p.TxID] = true
		l.pending[w] = append(l.pending[w], p.TxID)
		l.mu.Unlock()
	}
	return err
}

// confirmNext confirms worker w's oldest acknowledged payment; one whose
// confirmation got no answer is sent again, as a wallet would.
func (l *load) confirmNext(ctx context.Context, base string, w int, wallet key, nonce int64) error {
	l.mu.Lock()
	if len(l.pending[w]) == 0 {
		l.mu.Unlock()
		return nil
	}
	txid := l.pending[w][0]
	l.mu.Unlock()
	status, reply, err := l.sendConfirmation(ctx, base, wallet, nonce, txid)
	if succeeded(status, reply, err) {
		l.mu.Lock()
		l.confirmed[txid] = true
		l.pending[w] = l.pending[w][1:]
		l.mu.Unlock()
	}
	return err
}

// sendPayment posts wallet's signed notification of p with nonce.
func (l *load) sendPayment(ctx context.Context, base string, wallet key, nonce int64, p tariwire.Payment) (int, []byte, error) {
	return l.notify(ctx, base, wallet, nonce, walletclient.Payment(p))
}

// sendConfirmation posts wallet's signed confirmation of txid with nonce.
func (l *load) sendConfirmation(ctx context.Context, base string, wallet key, nonce int64, txid string) (int, []byte, error) {
	return l.notify(ctx, base, wallet, nonce, walletclient.Confirmation(txid))
}

// notify posts n signed by wallet with nonce.
func (l *load) notify(ctx context.Context, base string, wallet key, nonce int64, n walletclient.Notice) (int, []byte, error) {
	body, err := n.Body(walletclient.Wallet{Key: wallet.secret, Address: wallet.addr}, nonce)
	if err != nil {
		return 0, nil, err
	}
	return l.post(ctx, base, n.Path, body)
}

// succeeded reports a reply that acknowledged the request: 200 with
// success:true.
func succeeded(status int, reply []byte, err error) bool {
	return err == nil && status == http.StatusOK && bytes.Contains(reply, []byte(`"success":true`))
}

// stored reports a webhook delivery the server acknowledged: Shopify takes
// any 200 as delivered, and the server answers one once it has stored it.
func stored(status int, _ []byte, err error) bool {
	return err == nil && status == http.StatusOK
}

func (l *load) post(ctx context.Context, base, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return l.do(req, path)
}

// do sends req, records a 5xx as a failure, and shows the reply to observe.
func (l *load) do(req *http.Request, path string) (int, []byte, error) {
	sent := time.Now()
	status, reply, err := l.send(req, path)
	if l.observe != nil {
		l.observe(sent, time.Since(sent), status, err)
	}
	return status, reply, err
}

// send is do without the observer.
func (l *load) send(req *http.Request, path string) (int, []byte, error) {
	res, err := l.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	reply, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	if res.StatusCode == http.StatusServiceUnavailable && bytes.HasPrefix(reply, []byte(`{"error":`)) && res.Header.Get("Retry-After") != "" {
		l.unavailable.Add(1)
		return res.StatusCode, reply, errUnavailable
	}
	if res.StatusCode >= 500 {
		l.mu.Lock()
		l.failures = append(l.failures, fmt.Sprintf("POST %s: %d %s", path, res.StatusCode, reply))
		l.mu.Unlock()
		return res.StatusCode, reply, errors.New("server error")
	}
	l.acks.Add(1)
	return res.StatusCode, reply, nil
}

// errUnavailable is a 503 with a JSON error and Retry-After.
var errUnavailable = errors.New("server unavailable")

// drain confirms every acknowledged payment still pending, through base.
func (l *load) drain(t *testing.T, base string) {
	t.Helper()
	ctx := context.Background()
	nonce := time.Now().UnixMilli()*1000 + 1_000_000_000
	for w := range l.pending {
		var err error
		for tries := 0; len(l.pending[w]) > 0; tries++ {
			if tries > 10*len(l.received)+10 {
				t.Fatalf("worker %d: confirmations keep failing, the last: %v", w, err)
			}
			nonce++
			err = l.confirmNext(ctx, base, w, l.fx.wallets[w], nonce)
		}
	}
}

// hmacSecret signs the load's Shopify webhooks (TPG_SHOPIFY_HMAC_SECRET).
const hmacSecret = "chaos-hmac-secret"

// payTo is the servers' TPG_PAYMENT_WALLET_ADDRESS. Claims are refused
// without a payment address, and the load authorises several hot wallets,
// so none of them is chosen.
const payTo = "14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG"

// usdRate is µT per USD for the webhook orders.
const usdRate = 1_000_000

var orderIDInPayload = regexp.MustCompile(`"order_id":"([^"]+)"`)

// checkInvariants checks the invariants of docs/engine.md, "Invariants", on the database (no server needs to
// be running) and that nothing a server acknowledged was lost. It returns
// how many orders there are, and how many are Paid and Expired, so callers
// can insist the run exercised both.
func checkInvariants(t *testing.T, dbURL string, l *load, when string) (total, paid, expired int) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	defer d.Close()
	// One snapshot for every query: with servers running, an order read as
	// open could otherwise expire before its outbox jobs are read.
	opts := &sql.TxOptions{}
	if d.Dialect() == db.Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	b, err := d.Bun().BeginTx(ctx, opts)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	defer b.Rollback()
	fail := func(format string, args ...any) { t.Errorf(when+": "+format, args...) }
	sums := func(q string) map[string]int64 {
		rows, err := b.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %s: %v", when, q, err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var k string
			var v int64
			if err := rows.Scan(&k, &v); err != nil {
				t.Fatal(err)
			}
			out[k] = v
		}
		return out
	}

	// I3/I4: per address, confirmed = settled + balance, and the balance
	// row agrees with both.
	confirmed := sums(`SELECT sender, SUM(amount) FROM payments WHERE status = 'Confirmed' GROUP BY sender`)
	settled := sums(`SELECT payment_address, SUM(amount) FROM settlements GROUP BY payment_address`)
	balance := sums(`SELECT address, current_balance FROM address_balances`)
	totalConfirmed := sums(`SELECT address, total_confirmed FROM address_balances`)
	for _, m := range []map[string]int64{settled, balance} {
		for a := range m {
			if _, ok := confirmed[a]; !ok {
				confirmed[a] = 0
			}
		}
	}
	for a, c := range confirmed {
		if c != settled[a]+balance[a] {
			fail("address %s: confirmed %d ≠ settled %d + balance %d", a, c, settled[a], balance[a])
		}
		if c != totalConfirmed[a] {
			fail("address %s: confirmed payments %d ≠ address_balances.total_confirmed %d", a, c, totalConfirmed[a])
		}
		if balance[a] < 0 {
			fail("address %s: negative balance %d", a, balance[a])
		}
	}

	// I1: Paid ⇔ settled in full, or within the underpayment tolerance with
	// the rest written off; nothing else has settlements or write-offs.
	orderSettled := sums(`SELECT order_id, SUM(amount) FROM settlements GROUP BY order_id`)
	// A Paid order's settlements and its write-off (docs/money.md) add up
	// to its total.
	writtenOff := sums(`SELECT order_id, amount FROM write_offs`)
	rows, err := b.QueryContext(ctx, `SELECT order_id, status, total_price FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for rows.Next() {
		var id, st string
		var price int64
		if err := rows.Scan(&id, &st, &price); err != nil {
			t.Fatal(err)
		}
		status[id] = st
		total++
		s, has := orderSettled[id]
		w, short := writtenOff[id]
		switch {
		case st == "Paid" && (!has || s+w != price):
			fail("order %s is Paid with settlements %d (has=%v) and write-off %d, price %d", id, s, has, w, price)
		case st != "Paid" && (has || short):
			fail("order %s is %s but has settlements %d and write-off %d", id, st, s, w)
		}
		switch st {
		case "Paid":
			paid++
		case "Expired":
			expired++
		}
	}
	rows.Close()

	// Exactly-once side effects: one outbox job and one event per Paid or
	// annulled order, none for the others.
	jobs := map[string]int{}
	rows, err = b.QueryContext(ctx, `SELECT kind, order_id, state FROM side_effects`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, id, state string
		if err := rows.Scan(&kind, &id, &state); err != nil {
			t.Fatal(err)
		}
		jobs[kind+" "+id]++
		if state != "pending" && state != "done" {
			fail("outbox job %s %s is %s", kind, id, state)
		}
	}
	rows.Close()
	events := map[string]int{}
	rows, err = b.QueryContext(ctx, `SELECT type, payload FROM events WHERE type IN ('OrderPaid', 'OrderAnnulled')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, payload string
		if err := rows.Scan(&typ, &payload); err != nil {
			t.Fatal(err)
		}
		m := orderIDInPayload.FindStringSubmatch(payload)
		if m == nil {
			fail("%s event without an order_id: %s", typ, payload)
			continue
		}
		events[typ+" "+m[1]]++
	}
	rows.Close()
	for id, st := range status {
		wantPaid, wantAnnul := 0, 0
		switch st {
		case "Paid":
			wantPaid = 1
		case "Expired", "Cancelled":
			wantAnnul = 1
		}
		if jobs["mark_paid "+id] != wantPaid || events["OrderPaid "+id] != wantPaid {
			fail("order %s (%s): %d mark_paid jobs and %d OrderPaid events, want %d", id, st, jobs["mark_paid "+id], events["OrderPaid "+id], wantPaid)
		}
		if jobs["cancel "+id] != wantAnnul || events["OrderAnnulled "+id] != wantAnnul {
			fail("order %s (%s): %d cancel jobs and %d OrderAnnulled events, want %d", id, st, jobs["cancel "+id], events["OrderAnnulled "+id], wantAnnul)
		}
	}

	// Nothing acknowledged is lost: every acknowledged payment is stored,
	// and every acknowledged confirmation is Confirmed.
	stored := map[string]string{}
	rows, err = b.QueryContext(ctx, `SELECT tx_id, status FROM payments`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		stored[id] = st
	}
	rows.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.received {
		if _, ok := stored[id]; !ok {
			fail("acknowledged payment %s is lost", id)
		}
	}
	for id := range l.confirmed {
		if stored[id] != "Confirmed" {
			fail("acknowledged confirmation of %s is lost: status %q", id, stored[id])
		}
	}
	// An acknowledged webhook order is stored: as an order once its
	// delivery is processed, until then as that pending delivery (found by
	// its event id: the order id tag is a second write, which a storage
	// fault can miss).
	deliveries := map[string]string{}
	rows, err = b.QueryContext(ctx, `SELECT event_id, state FROM shopify_webhooks WHERE topic = 'orders/create'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var event, state string
		if err := rows.Scan(&event, &state); err != nil {
			t.Fatal(err)
		}
		deliveries[event] = state
		if state == "failed" {
			fail("the orders/create delivery %s failed for good", event)
		}
	}
	rows.Close()
	for _, id := range l.orders {
		if _, ok := status[id]; !ok && deliveries[orderEvent(id)] != "pending" {
			fail("acknowledged order %s is lost (delivery %q)", id, deliveries[orderEvent(id)])
		}
	}
	if len(l.failures) > 0 {
		fail("%d server errors, first: %s", len(l.failures), strings.Join(l.failures[:1], ""))
	}
	return total, paid, expired
}

// waitOrdersStored waits until each of orders, acknowledged webhook
// orders, is stored as an order: the servers have processed the stored
// deliveries. One that a kill stranded is processed once its lease lapses,
// a minute after it was stored.
func waitOrdersStored(t *testing.T, dbURL string, within time.Duration, orders ...string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	deadline := time.Now().Add(within)
	for {
		var found []string
		if err := d.Bun().NewSelect().Table("orders").Column("order_id").Where("order_id IN (?)", bun.In(orders)).Scan(ctx, &found); err != nil {
			t.Fatal(err)
		}
		if len(found) == len(orders) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged webhook orders still not stored after %v, e.g. %v", len(orders)-len(found), len(orders), within,
				slices.DeleteFunc(slices.Clone(orders), func(id string) bool { return slices.Contains(found, id) })[:1])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// statusCounts counts the orders by status, and by "<status> idle" the
// statuses of the idle orders.
func statusCounts(t *testing.T, dbURL string, idle []string) map[string]int {
	t.Helper()
	ctx := context.Background()
	d, err := db.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var rows []struct{ OrderID, Status string }
	if err := d.Bun().NewSelect().Table("orders").Column("order_id", "status").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Status]++
		if slices.Contains(idle, r.OrderID) {
			counts[r.Status+" idle"]++
		}
	}
	return counts
}

// orderStatus reads an order's status from the database.
func orderStatus(t *testing.T, dbURL, order string) string {
	t.Helper()
	ctx := context.Background()
	d, err := db.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var st string
	if err := d.Bun().QueryRowContext(ctx, `SELECT status FROM orders WHERE order_id = ?`, order).Scan(&st); err != nil {
		t.Fatalf("order %s: %v", order, err)
	}
	return st
}

// waitAllClosed checks the invariants until every order is Paid or Expired
// (the servers' expiry workers close the rest), and returns the counts.
func waitAllClosed(t *testing.T, dbURL string, l *load, servers ...*servetest.Server) (total, paid, expired int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		total, paid, expired = checkInvariants(t, dbURL, l, "while expiring")
		if t.Failed() {
			for i, s := range servers {
				t.Logf("server %d log:\n%s", i+1, s.Log.Tail())
			}
			t.FailNow()
		}
		if paid+expired == total {
			return total, paid, expired
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d orders still open after their timeouts", total-paid-expired, total)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
