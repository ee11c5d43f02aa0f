package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"taripay/app/shopify"
	"taripay/engine"
	"taripay/engine/tari"
)

// attackerIP is the loopback address the attack traffic comes from, so the
// server's per-address connection cap counts it apart from the honest
// clients on 127.0.0.1.
const attackerIP = "127.0.0.2"

// Attacks names the attack inputs of an attacked run, one sender each.
var Attacks = []string{"long_address", "long_wallet_address", "big_signed_note", "gzip_body", "huge_count", "slow_readers"}

// AttackResult is one backend's honest traffic, quiet and under attack.
type AttackResult struct {
	Backend         string
	Quiet, Attacked measured
	// Sent counts the attack requests (or connections, for slow readers)
	// made during the attacked window, by attack.
	Sent map[string]int64
}

// Line is the result as the one-line report format.
func (r AttackResult) Line() string {
	ratio := 0.0
	if r.Quiet.p99 > 0 {
		ratio = float64(r.Attacked.p99) / float64(r.Quiet.p99)
	}
	var sent []string
	for _, a := range Attacks {
		sent = append(sent, fmt.Sprintf("%s=%d", a, r.Sent[a]))
	}
	return fmt.Sprintf("attack backend=%s honest_ops quiet=%d attacked=%d honest_errors quiet=%d attacked=%d "+
		"p50_ms quiet=%.2f attacked=%.2f p99_ms quiet=%.2f attacked=%.2f p99_ratio=%.2f attack_sent %s",
		r.Backend, r.Quiet.ops, r.Attacked.ops, r.Quiet.errors, r.Attacked.errors,
		ms(r.Quiet.p50), ms(r.Attacked.p50), ms(r.Quiet.p99), ms(r.Attacked.p99), ratio, strings.Join(sent, " "))
}

// Attack runs, on each backend, honest traffic (the pay page, logins and
// wallet payment notifications) for o.Duration quiet, then again for
// o.Duration while every attack of Attacks is in flight, and prints the
// honest latencies side by side. It fails when an honest request fails.
func Attack(ctx context.Context, o Options, out io.Writer) ([]AttackResult, error) {
	if o.Log == nil {
		o.Log = discardLog()
	}
	var results []AttackResult
	for _, backend := range o.Backends {
		r, err := attackBackend(ctx, o, backend)
		if err != nil {
			return results, fmt.Errorf("%s: %w", backend, err)
		}
		results = append(results, r)
		fmt.Fprintln(out, r.Line())
		for _, m := range []measured{r.Quiet, r.Attacked} {
			if m.errors > 0 {
				return results, fmt.Errorf("%s: %d of %d honest requests failed; first: %w", backend, m.errors, m.ops, m.firstErr)
			}
		}
	}
	return results, nil
}

func attackBackend(ctx context.Context, o Options, backend string) (AttackResult, error) {
	r := AttackResult{Backend: backend, Sent: map[string]int64{}}
	s, err := StartServer(ctx, backend, discardLog())
	if err != nil {
		return r, err
	}
	defer s.Close()
	setup := engine.WithActor(ctx, "bench")
	if _, err := s.Engine.SetExchangeRate(setup, "USD", usdRate); err != nil {
		return r, err
	}
	wallets, err := s.registerWallets(setup, o.Concurrency)
	if err != nil {
		return r, err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: o.Concurrency, MaxConnsPerHost: o.Concurrency,
	}}
	defer client.CloseIdleConnections()
	b := &builder{s: s}
	perWorker := max(1, o.MaxOps/o.Concurrency)

	o.Log.Info("preparing honest traffic", "backend", backend, "requests", 2*perWorker*o.Concurrency)
	quiet, err := b.honest(setup, wallets, perWorker)
	if err != nil {
		return r, err
	}
	attacked, err := b.honest(setup, wallets, perWorker)
	if err != nil {
		return r, err
	}
	a, err := b.attacker(ctx, client)
	if err != nil {
		return r, err
	}

	r.Quiet = drive(ctx, client, s.URL, quiet, o.Duration)
	actx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	counts := make([]atomic.Int64, len(Attacks))
	for i, name := range Attacks {
		wg.Go(func() { a.run(actx, name, &counts[i], o.Log) })
	}
	a.waitStarted(actx)
	r.Attacked = drive(ctx, client, s.URL, attacked, o.Duration)
	stop()
	wg.Wait()
	for i, name := range Attacks {
		r.Sent[name] = counts[i].Load()
	}
	return r, nil
}

// honest pre-builds each worker's honest requests: it views a pay page,
// logs in, and reports a payment, in turn.
func (b *builder) honest(ctx context.Context, wallets []*wallet, perWorker int) ([][]request, error) {
	out := make([][]request, len(wallets))
	for w, wal := range wallets {
		for i := range perWorker {
			var r request
			var err error
			switch i % 3 {
			case 0:
				r, err = b.payPage(ctx)
			case 1:
				r, err = login(nil)
			default:
				r, err = b.payment(wal)
			}
			if err != nil {
				return nil, err
			}
			out[w] = append(out[w], r)
		}
	}
	return out, nil
}

// payPage is a GET of a fresh order's pay page.
func (b *builder) payPage(ctx context.Context) (request, error) {
	id := fmt.Sprint(b.next())
	o, err := b.s.Engine.AddOrder(ctx, engine.NewOrder{
		OrderID: id, CustomerID: "cust-" + id, TotalPrice: orderPrice, Currency: "USD", CreatedAt: time.Now(), ExchangeRate: usdRate,
	})
	return request{method: http.MethodGet, path: "/pay/" + o.ClaimToken, success: []byte(`data-testid="amount"`)}, err
}

// login is a POST /auth with a fresh key's login token asking for roles.
func login(roles []string) (request, error) {
	k, a := newKey()
	tok, err := tari.SignLoginToken(crand.Reader, k, tari.LoginClaims{Address: a, Nonce: uint64(time.Now().Unix()),
		DesiredRoles: append([]string{"user"}, roles...)})
	return request{path: "/auth", header: [2]string{"tpg_auth_token", tok}, success: []byte(".")}, err
}

// attacker holds the attack inputs, built once, and a client that sends
// them from attackerIP.
type attacker struct {
	base, addr string
	client     *http.Client
	readAll    string // an access token with read_all, for the paged list
	longClaim  []byte // a claim whose address is 260,000 characters
	longWallet []byte // a payment notification whose auth.address is as long
	bigNote    []byte // a signed orders/create whose note holds a claim with such an address
	gzipped    []byte // a claim that inflates to 1 MiB
	started    chan struct{}
	startOnce  sync.Once
}

func (b *builder) attacker(ctx context.Context, honest *http.Client) (*attacker, error) {
	a := &attacker{base: b.s.URL, addr: strings.TrimPrefix(b.s.URL, "http://"), started: make(chan struct{})}
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(attackerIP)}}
	a.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
	// An attacker with read_all (a stolen or careless staff key) asks for
	// the biggest page it can.
	k, addr := newKey()
	if err := b.s.Engine.UpdateRoles(engine.WithActor(ctx, "bench"), addr.Base58(), []engine.Role{engine.RoleReadAll}, nil); err != nil {
		return nil, err
	}
	tok, err := tari.SignLoginToken(crand.Reader, k, tari.LoginClaims{Address: addr, Nonce: uint64(time.Now().Unix()), DesiredRoles: []string{"user", "read_all"}})
	if err != nil {
		return nil, err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/auth", nil)
	req.Header.Set("tpg_auth_token", tok)
	res, err := honest.Do(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("attacker login: %d %s", res.StatusCode, body)
	}
	a.readAll = string(body)

	long := strings.Repeat("1", 260_000) // base58's zero digit: the quadratic decoder's worst case
	sig := strings.Repeat("0", 128)
	a.longClaim = fmt.Appendf(nil, `{"address":%q,"order_id":"1","signature":%q}`, long, sig)
	a.longWallet = fmt.Appendf(nil, `{"sender":"x","amount":1,"txid":"t","auth":{"address":%q,"nonce":1,"signature":%q}}`, long, sig)
	note := fmt.Sprintf(`{"address":"%s","order_id":"1","signature":"%s"}`, long[:240_000], sig)
	a.bigNote = fmt.Appendf(nil, `{"id":%d,"name":"#big","created_at":"2026-11-20T14:01:22+03:00","currency":"USD",`+
		`"total_price":"23.90","financial_status":"pending","payment_gateway_names":["Tari"],"note":%q,"customer":{"id":1}}`, b.next(), note)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(bytes.Repeat([]byte("1"), 1<<20))
	_ = zw.Close()
	a.gzipped = gz.Bytes()
	return a, nil
}

// waitStarted waits until the first attack request is out, so the
// attacked window never starts quiet.
func (a *attacker) waitStarted(ctx context.Context) {
	select {
	case <-a.started:
	case <-ctx.Done():
	}
}

// run sends one attack until ctx ends, counting what it sends. Every reply
// is read and dropped (but the slow readers'): the point is the server's
// cost, and the attack's own outcome is logged only when unexpected.
func (a *attacker) run(ctx context.Context, name string, sent *atomic.Int64, log *slog.Logger) {
	if name == "slow_readers" {
		a.slowReaders(ctx, sent)
		return
	}
	for ctx.Err() == nil {
		var req *http.Request
		switch name {
		case "long_address":
			req = a.post(ctx, "/order/claim", a.longClaim)
		case "long_wallet_address":
			req = a.post(ctx, "/wallet/incoming_payment", a.longWallet)
		case "big_signed_note":
			req = a.post(ctx, "/shopify/webhook/orders/create", a.bigNote)
			req.Header.Set("X-Shopify-Hmac-Sha256", shopify.Sign(a.bigNote, HMACSecret))
			req.Header.Set("X-Shopify-Event-Id", fmt.Sprintf("attack-%d", sent.Load()))
		case "gzip_body":
			req = a.post(ctx, "/order/claim", a.gzipped)
			req.Header.Set("Content-Encoding", "gzip")
		case "huge_count":
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/customer_ids?count=1000000000", nil)
			req.Header.Set("tpg_access_token", a.readAll)
		}
		a.startOnce.Do(func() { close(a.started) })
		res, err := a.client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("attack request failed", "attack", name, "err", err)
			}
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		sent.Add(1)
	}
}

func (a *attacker) post(ctx context.Context, path string, body []byte) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// slowReaders opens 150 connections that each pipeline 200 requests for a
// 50 KB script and never read a reply, and holds them until ctx
// ends; the server's per-address cap refuses those over it.
func (a *attacker) slowReaders(ctx context.Context, sent *atomic.Int64) {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(attackerIP)}}
	pipeline := []byte(strings.Repeat("GET /static/htmx.min.js HTTP/1.1\r\nHost: taripay\r\n\r\n", 200))
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 150 {
		c, err := dialer.DialContext(ctx, "tcp", a.addr)
		if err != nil {
			break
		}
		conns = append(conns, c)
		a.startOnce.Do(func() { close(a.started) })
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write(pipeline); err != nil && !errors.Is(err, net.ErrClosed) {
			continue
		}
		sent.Add(1)
	}
	<-ctx.Done()
}
