package bench

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"taripay/app/shopify"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/tariwire"
	"taripay/internal/walletclient"
)

// request is one pre-built, pre-signed HTTP call and how to tell it worked.
type request struct {
	method  string // "" is POST
	path    string
	body    []byte
	hmac    string    // X-Shopify-Hmac-Sha256, for webhooks
	header  [2]string // one more header, when its name is set
	success []byte    // a substring a good reply contains
}

// Workload names, in the order they run.
const (
	Webhooks      = "webhooks"
	Claims        = "claims"
	Payments      = "payments"
	Confirmations = "confirmations"
	FlashSale     = "flash_sale"
)

// Workloads lists every workload in run order.
var Workloads = []string{Webhooks, Claims, Payments, Confirmations, FlashSale}

// needsSignature reports whether each operation of a workload verifies a
// Schnorr signature (webhooks carry only an HMAC).
func needsSignature(workload string) bool { return workload != Webhooks }

const (
	orderPrice = 23_900_000 // µT: the 23.90 USD orders at usdRate
	usdRate    = 1_000_000  // µT per USD
)

// kinds of operation a worker's plan mixes.
type kind int

const (
	opWebhook kind = iota
	opClaim
	opPayment
	opConfirm
)

// plan returns each worker's sequence of operation kinds for a workload.
func plan(workload string, workers, perWorker int, rng *rand.Rand) [][]kind {
	out := make([][]kind, workers)
	for w := range out {
		out[w] = make([]kind, perWorker)
		for i := range out[w] {
			switch workload {
			case Webhooks:
				out[w][i] = opWebhook
			case Claims:
				out[w][i] = opClaim
			case Payments:
				out[w][i] = opPayment
			case Confirmations:
				out[w][i] = opConfirm
			default: // flash sale: 70% webhooks and claims, 30% payments
				switch r := rng.Float64(); {
				case r < 0.35:
					out[w][i] = opWebhook
				case r < 0.70:
					out[w][i] = opClaim
				case r < 0.85:
					out[w][i] = opPayment
				default:
					out[w][i] = opConfirm
				}
			}
		}
	}
	return out
}

// builder makes unique orders, customers and payments across a run. Every
// payer is a fresh address with one order, as in a sale with many buyers.
type builder struct {
	s   *Server
	seq atomic.Int64
}

func (b *builder) next() int64 { return 6_000_000_000_000 + b.seq.Add(1) }

// webhook is a Shopify orders/create delivery for a new order.
func (b *builder) webhook() request {
	id := b.next()
	body := fmt.Appendf(nil, `{"id":%d,"name":"#%d","created_at":"2026-11-20T14:01:22+03:00","currency":"USD",`+
		`"presentment_currency":"USD","total_price":"23.90","subtotal_price":"17.00","total_line_items_price":"17.00",`+
		`"total_outstanding":"23.90","financial_status":"pending","payment_gateway_names":["Tari"],`+
		`"note":null,"note_attributes":[],"test":true,"customer":{"id":%d,"email":"c%d@example.com"}}`,
		id, id, 7_000_000+id%10_000, id%10_000)
	return request{path: "/shopify/webhook/checkout_create", body: body, hmac: shopify.Sign(body, HMACSecret),
		success: []byte(`"success":true`)}
}

// seedOrder stores an Unclaimed storefront order directly through the
// engine (setup, not measured) and returns its id.
func (b *builder) seedOrder(ctx context.Context, customer string) (string, error) {
	id := fmt.Sprint(b.next())
	_, err := b.s.Engine.AddOrder(ctx, engine.NewOrder{
		OrderID: id, CustomerID: customer, TotalPrice: orderPrice, Currency: "USD",
		CreatedAt: time.Now(), ExchangeRate: usdRate,
	})
	return id, err
}

// claim signs a memo claim of orderID by a fresh customer address.
func (b *builder) claim(orderID string) (request, error) {
	k, a := newKey()
	m, err := tari.SignMemo(crand.Reader, k, a, orderID)
	if err != nil {
		return request{}, err
	}
	body, err := m.MarshalJSON()
	return request{path: "/order/claim", body: body, success: []byte(`"order_id"`)}, err
}

// payment is a signed incoming_payment of a fresh txid from a payer.
func (b *builder) payment(w *wallet) (request, error) {
	_, sender := newKey()
	p := tariwire.Payment{Sender: sender, Amount: orderPrice, TxID: fmt.Sprintf("tx%d", b.next())}
	return w.notice(walletclient.Payment(p))
}

// seedReceived stores, through the engine, an order and a received payment
// naming it (which claims it for the payer), and returns the txid whose
// confirmation pays the order.
func (b *builder) seedReceived(ctx context.Context, w *wallet) (string, error) {
	_, payer := newKey()
	sender := payer.Base58()
	orderID, err := b.seedOrder(ctx, "cust-"+sender)
	if err != nil {
		return "", err
	}
	txid := fmt.Sprintf("tx%d", b.next())
	_, err = b.s.Engine.ReceivePayment(ctx, w.call(), engine.NewPayment{
		Sender: sender, Amount: orderPrice, TxID: txid, OrderID: &orderID,
	})
	return txid, err
}

func (b *builder) confirmation(w *wallet, txid string) (request, error) {
	return w.notice(walletclient.Confirmation(txid))
}

// prepare stores what the plan needs and pre-signs every request, in each
// worker's send order so its wallet nonces strictly increase.
func (b *builder) prepare(ctx context.Context, plans [][]kind, wallets []*wallet) ([][]request, error) {
	out := make([][]request, len(plans))
	errs := make([]error, len(plans))
	var wg sync.WaitGroup
	for w, p := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[w], errs[w] = b.prepareWorker(ctx, w, p, wallets[w])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return out, nil
}

func (b *builder) prepareWorker(ctx context.Context, worker int, p []kind, w *wallet) ([]request, error) {
	// Stored state first (setup nonces), then the signatures of the timed
	// window with the later nonces.
	seeds := make([]string, len(p))
	for i, k := range p {
		var err error
		switch k {
		case opClaim:
			seeds[i], err = b.seedOrder(ctx, fmt.Sprintf("cust-%d-%d", worker, i))
		case opConfirm:
			seeds[i], err = b.seedReceived(ctx, w)
		}
		if err != nil {
			return nil, err
		}
	}
	reqs := make([]request, len(p))
	for i, k := range p {
		var err error
		switch k {
		case opWebhook:
			reqs[i] = b.webhook()
		case opClaim:
			reqs[i], err = b.claim(seeds[i])
		case opPayment:
			reqs[i], err = b.payment(w)
		case opConfirm:
			reqs[i], err = b.confirmation(w, seeds[i])
		}
		if err != nil {
			return nil, err
		}
	}
	return reqs, nil
}

// measured is what one timed window produced.
type measured struct {
	ops      int
	errors   int
	firstErr error
	elapsed  time.Duration
	p50, p99 time.Duration
}

// drive sends each worker's requests in order, concurrently, until they run
// out or d has passed, and measures every reply's latency.
func drive(ctx context.Context, client *http.Client, base string, reqs [][]request, d time.Duration) measured {
	lat := make([][]time.Duration, len(reqs))
	var errCount atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w, rs := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[w] = make([]time.Duration, 0, len(rs))
			for _, r := range rs {
				if ctx.Err() != nil || time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				err := send(ctx, client, base, r)
				lat[w] = append(lat[w], time.Since(t0))
				if err != nil {
					errCount.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	m := measured{elapsed: time.Since(start), errors: int(errCount.Load())}
	if err, ok := firstErr.Load().(error); ok {
		m.firstErr = err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	m.ops = len(all)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	m.p50, m.p99 = percentile(all, 0.50), percentile(all, 0.99)
	return m
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func send(ctx context.Context, client *http.Client, base string, r request) error {
	method := cmp.Or(r.method, http.MethodPost)
	req, err := http.NewRequestWithContext(ctx, method, base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.hmac != "" {
		req.Header.Set("X-Shopify-Hmac-Sha256", r.hmac)
	}
	if r.header[0] != "" {
		req.Header.Set(r.header[0], r.header[1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, r.success) {
		return fmt.Errorf("%w: %s %s: %d %.200s", errRefused, method, r.path, resp.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}
