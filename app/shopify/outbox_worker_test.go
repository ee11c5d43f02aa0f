package shopify

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/shopifytest"
	"taripay/engine"
	"taripay/engine/enginetest"
)

// memOutbox is an in-memory outbox with the engine's lease semantics.
type memOutbox struct {
	mu      sync.Mutex
	now     func() time.Time
	jobs    []engine.SideEffect
	leased  map[int64]time.Time
	retries []time.Time
	tokens  map[string]string // claim tokens of the stored orders, by order id
}

func (o *memOutbox) Order(_ context.Context, ref string, _ bool) (engine.Order, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if token, ok := o.tokens[ref]; ok {
		return engine.Order{OrderID: ref, ClaimToken: token, Status: engine.OrderUnclaimed}, nil
	}
	return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no order %s", ref)
}

func (o *memOutbox) WaitingOrder(_ context.Context, orderID string) (engine.WaitingOrder, error) {
	return engine.WaitingOrder{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no waiting order %s", orderID)
}

func (o *memOutbox) add(kind engine.SideEffectKind, orderID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.jobs = append(o.jobs, engine.SideEffect{ID: int64(len(o.jobs) + 1), Kind: kind, OrderID: orderID,
		State: engine.SideEffectPending, NextAttemptAt: o.now()})
}

func (o *memOutbox) ClaimSideEffects(_ context.Context, limit int, lease time.Duration) ([]engine.SideEffect, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []engine.SideEffect
	for _, j := range o.jobs {
		if j.State != engine.SideEffectPending || j.NextAttemptAt.After(o.now()) || o.leased[j.ID].After(o.now()) {
			continue
		}
		o.leased[j.ID] = o.now().Add(lease)
		out = append(out, j)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func (o *memOutbox) CompleteSideEffect(_ context.Context, id int64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.jobs[id-1].State = engine.SideEffectDone
	delete(o.leased, id)
	return nil
}

func (o *memOutbox) RetrySideEffect(_ context.Context, id int64, retryAt time.Time, cause string, final bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	j := &o.jobs[id-1]
	j.Attempts++
	j.LastError = cause
	j.NextAttemptAt = retryAt
	if final {
		j.State = engine.SideEffectFailed
	}
	delete(o.leased, id)
	o.retries = append(o.retries, retryAt)
	return nil
}

func (o *memOutbox) job(id int64) engine.SideEffect {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.jobs[id-1]
}

type captureLog struct {
	mu  sync.Mutex
	ids []string
}

func (c *captureLog) MarkCaptured(_ context.Context, txID string, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids = append(c.ids, txID)
	return nil
}

type harness struct {
	fake   *shopifytest.Fake
	admin  *adminapi.Client
	outbox *memOutbox
	clock  *enginetest.Clock
	auths  *captureLog
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := shopifytest.New(t)
	admin, err := adminapi.New(adminapi.Config{APIBaseURL: fake.URL, APIVersion: DefaultAPIVersion, AccessToken: shopifytest.Token}, nil,
		&http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	clk := enginetest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	return &harness{fake: fake, admin: admin, clock: clk, auths: &captureLog{},
		outbox: &memOutbox{now: clk.Now, leased: map[int64]time.Time{}}}
}

func (h *harness) worker(cfg WorkerConfig) *Worker {
	cfg.BaseBackoff = time.Second
	return NewWorker(cfg, h.outbox, h.outbox, h.admin, h.auths, h.clock.Now, slog.New(slog.DiscardHandler))
}

// drain runs passes, jumping the clock past each retry, until nothing is due.
func (h *harness) drain(t *testing.T, w *Worker) {
	t.Helper()
	run := func() int {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("outbox pass: %v", err)
		}
		return n
	}
	for range 50 {
		if run() == 0 {
			h.clock.Add(time.Hour)
			if run() == 0 {
				return
			}
		}
	}
	t.Fatal("outbox never drained")
}

func TestWorkerMarksPaidOnce(t *testing.T) {
	tests := []struct {
		name   string
		script func(*shopifytest.Fake)
	}{
		{"first try", func(*shopifytest.Fake) {}},
		{"500 three times", func(f *shopifytest.Fake) { f.FailNext("MarkAsPaid", 3, http.StatusInternalServerError) }},
		{"re-check fails with 503", func(f *shopifytest.Fake) { f.FailNext("GetOrder", 2, http.StatusServiceUnavailable) }},
		{"429 Retry-After", func(f *shopifytest.Fake) { f.ThrottleNext("MarkAsPaid", "2.5") }},
		{"GraphQL THROTTLED", func(f *shopifytest.Fake) { f.ThrottleGraphQLNext("MarkAsPaid") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.AddOrder(shopifytest.Order{ID: "820982911946154508", Name: "#1"})
			tt.script(h.fake)
			h.outbox.add(engine.SideEffectMarkPaid, "820982911946154508")
			h.drain(t, h.worker(WorkerConfig{}))

			if n := h.fake.Succeeded("MarkAsPaid"); n != 1 {
				t.Fatalf("orderMarkAsPaid succeeded %d times, want 1", n)
			}
			if c := h.fake.Calls("MarkAsPaid"); c[len(c)-1].Variables["input"].(map[string]any)["id"] != "gid://shopify/Order/820982911946154508" {
				t.Errorf("marked %v", c[len(c)-1].Variables)
			}
			if o, _ := h.fake.Order("820982911946154508"); o.FinancialStatus != "PAID" {
				t.Errorf("order is %s", o.FinancialStatus)
			}
			if j := h.outbox.job(1); j.State != engine.SideEffectDone {
				t.Errorf("job = %+v", j)
			}
		})
	}
}

func TestWorkerHonoursRetryAfter(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "1"})
	h.fake.ThrottleNext("MarkAsPaid", "90")
	h.outbox.add(engine.SideEffectMarkPaid, "1")
	w := h.worker(WorkerConfig{})
	start := h.clock.Now()
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(h.outbox.retries) != 1 || !h.outbox.retries[0].Equal(start.Add(90*time.Second)) {
		t.Fatalf("retries = %v, want one at +90s", h.outbox.retries)
	}
	h.clock.Add(89 * time.Second)
	if n, err := w.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("before Retry-After: ran %d, %v; want nothing run", n, err)
	}
	h.clock.Add(time.Second)
	if n, err := w.RunOnce(context.Background()); err != nil || n != 1 || h.fake.Succeeded("MarkAsPaid") != 1 {
		t.Fatalf("after Retry-After: ran %d, succeeded %d, %v", n, h.fake.Succeeded("MarkAsPaid"), err)
	}
}

func TestWorkerBackoffDoubles(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "1"})
	h.fake.FailNext("MarkAsPaid", 3, http.StatusBadGateway)
	h.outbox.add(engine.SideEffectMarkPaid, "1")
	h.drain(t, h.worker(WorkerConfig{}))
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if len(h.outbox.retries) != 3 {
		t.Fatalf("retries = %v", h.outbox.retries)
	}
	prev := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i, at := range h.outbox.retries {
		if d := at.Sub(prev); d%time.Hour != want[i] {
			t.Errorf("retry %d after %v, want %v", i, d%time.Hour, want[i])
		}
		prev = at.Truncate(time.Hour)
	}
}

func TestWorkerSkipsWhatIsAlreadyDone(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "1", FinancialStatus: "PAID"})
	h.fake.AddOrder(shopifytest.Order{ID: "2", Cancelled: true})
	h.outbox.add(engine.SideEffectMarkPaid, "1")
	h.outbox.add(engine.SideEffectCancel, "2")
	h.outbox.add(engine.SideEffectMarkPaid, "1") // a second job for one order: still one call at most
	h.drain(t, h.worker(WorkerConfig{}))
	if n := len(h.fake.Calls("MarkAsPaid")) + len(h.fake.Calls("CancelOrder")); n != 0 {
		t.Fatalf("%d mutations sent for effects already done", n)
	}
	for id := int64(1); id <= 3; id++ {
		if j := h.outbox.job(id); j.State != engine.SideEffectDone {
			t.Errorf("job %d = %+v", id, j)
		}
	}
}

func TestWorkerLostReplyActsOnce(t *testing.T) {
	// Shopify applies the mark-paid but the reply never arrives (the
	// process dies mid-call); the next worker re-checks and does not resend.
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "7"})
	release := h.fake.HoldNext("MarkAsPaid")
	defer release()
	h.outbox.add(engine.SideEffectMarkPaid, "7")

	ctx, kill := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.worker(WorkerConfig{}).RunOnce(ctx)
	}()
	for op := range h.fake.Arrived() {
		if op == "MarkAsPaid" {
			break
		}
	}
	kill()
	<-done
	h.clock.Add(3 * time.Minute) // the dead worker's lease lapses
	h.drain(t, h.worker(WorkerConfig{}))
	if n := len(h.fake.Calls("MarkAsPaid")); n != 1 {
		t.Fatalf("orderMarkAsPaid sent %d times, want 1", n)
	}
	if j := h.outbox.job(1); j.State != engine.SideEffectDone {
		t.Errorf("job = %+v", j)
	}
}

func TestWorkerCancelsOnce(t *testing.T) {
	for _, restock := range []bool{true, false} {
		h := newHarness(t)
		h.fake.AddOrder(shopifytest.Order{ID: "5", Gateways: []string{"Tari"}})
		h.fake.FailNext("CancelOrder", 1, http.StatusInternalServerError)
		h.outbox.add(engine.SideEffectCancel, "5")
		h.outbox.add(engine.SideEffectCancel, "5")
		h.drain(t, h.worker(WorkerConfig{Restock: restock}))
		if n := h.fake.Succeeded("CancelOrder"); n != 1 {
			t.Fatalf("orderCancel succeeded %d times", n)
		}
		if o, _ := h.fake.Order("5"); !o.Cancelled || o.Restocked != restock {
			t.Errorf("order = %+v, want cancelled with restock %v", o, restock)
		}
	}
}

func TestWorkerPermanentFailures(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "1", Cancelled: true}) // paid in Tari, cancelled in Shopify
	h.fake.AddOrder(shopifytest.Order{ID: "2", FinancialStatus: "PAID"})
	h.outbox.add(engine.SideEffectMarkPaid, "1")
	h.outbox.add(engine.SideEffectCancel, "2")
	h.outbox.add(engine.SideEffectMarkPaid, "404")
	h.drain(t, h.worker(WorkerConfig{}))
	for id := int64(1); id <= 3; id++ {
		if j := h.outbox.job(id); j.State != engine.SideEffectFailed || j.LastError == "" || j.Attempts != 1 {
			t.Errorf("job %d = %+v, want failed once with a cause", id, j)
		}
	}
	if n := len(h.fake.Calls("MarkAsPaid")) + len(h.fake.Calls("CancelOrder")); n != 0 {
		t.Errorf("%d mutations sent", n)
	}
}

// TestWorkerRefusedCallsFailOnce: an answer of HTTP 200 with errors (a
// field outside the granted scopes) is a refusal, not an outage: the job
// fails at the first attempt, with Shopify's message as its cause.
func TestWorkerRefusedCallsFailOnce(t *testing.T) {
	tests := []struct {
		name   string
		kind   engine.SideEffectKind
		scopes []string
		cause  string
	}{
		{"mark paid without write_orders", engine.SideEffectMarkPaid, []string{"read_orders"},
			"shopify MarkAsPaid: Access denied for orderMarkAsPaid field. Required access: `write_orders` access scope."},
		{"cancel without write_orders", engine.SideEffectCancel, []string{"read_orders"},
			"shopify CancelOrder: Access denied for orderCancel field."},
		{"re-check without read_orders", engine.SideEffectMarkPaid, []string{"read_products"},
			"shopify GetOrder: Access denied for order field."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.Grant(tt.scopes...)
			h.fake.AddOrder(shopifytest.Order{ID: "1", Gateways: []string{"Tari"}})
			h.outbox.add(tt.kind, "1")
			h.drain(t, h.worker(WorkerConfig{}))
			if j := h.outbox.job(1); j.State != engine.SideEffectFailed || j.Attempts != 1 || !strings.HasPrefix(j.LastError, tt.cause) {
				t.Errorf("job = %+v, want failed once because %q", j, tt.cause)
			}
			if o, _ := h.fake.Order("1"); o.FinancialStatus != "PENDING" || o.Cancelled {
				t.Errorf("order = %+v, want untouched", o)
			}
		})
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "1"})
	h.fake.FailNext("GetOrder", 10, http.StatusInternalServerError)
	h.outbox.add(engine.SideEffectMarkPaid, "1")
	h.drain(t, h.worker(WorkerConfig{MaxAttempts: 3}))
	if j := h.outbox.job(1); j.State != engine.SideEffectFailed || j.Attempts != 3 {
		t.Errorf("job = %+v, want failed after 3", j)
	}
}

func TestWorkerCapturesAuthorisation(t *testing.T) {
	h := newHarness(t)
	h.fake.AddOrder(shopifytest.Order{ID: "5796499259604", FinancialStatus: "PARTIALLY_PAID", Transactions: []shopifytest.Transaction{
		{ID: "7084112355540", Kind: "AUTHORIZATION", Status: "SUCCESS", Amount: "6.90", Currency: "USD", ManuallyCapturable: true},
		{ID: "7084112355541", Kind: "SALE", Status: "PENDING", Amount: "17.00", Currency: "USD"},
	}})
	h.fake.FailNext("Capture", 1, http.StatusInternalServerError)
	h.outbox.add(engine.SideEffectMarkPaid, "5796499259604")
	h.drain(t, h.worker(WorkerConfig{CapturePayments: true}))

	if n := h.fake.Succeeded("Capture"); n != 1 {
		t.Fatalf("orderCapture succeeded %d times, want 1", n)
	}
	in := h.fake.Calls("Capture")[1].Variables["input"].(map[string]any)
	if in["parentTransactionId"] != "gid://shopify/OrderTransaction/7084112355540" || in["amount"] != "6.90" || in["currency"] != "USD" {
		t.Errorf("capture input = %v", in)
	}
	if n := h.fake.Succeeded("MarkAsPaid"); n != 1 {
		t.Errorf("orderMarkAsPaid succeeded %d times, want 1", n)
	}
	if len(h.auths.ids) != 1 || h.auths.ids[0] != "7084112355540" {
		t.Errorf("captured log = %v", h.auths.ids)
	}
}

func TestWorkerWithoutShopify(t *testing.T) {
	out := &memOutbox{now: time.Now, leased: map[int64]time.Time{}}
	out.add(engine.SideEffectMarkPaid, "1")
	w := NewWorker(WorkerConfig{}, out, out, nil, nil, time.Now, slog.New(slog.DiscardHandler))
	w.Notify(context.Background(), engine.Envelope{Event: engine.OrderPaidEvent{Order: engine.Order{OrderID: "1"}}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if j := out.job(1); j.State != engine.SideEffectPending {
		t.Errorf("job = %+v, want left pending", j)
	}
}

// TestWorkerCancelsOnlyPendingTariOrders: before cancelling, the worker
// re-reads the live order, and refuses for good, with the reason, unless it
// is a Tari order still waiting for its payment with no other gateway.
func TestWorkerCancelsOnlyPendingTariOrders(t *testing.T) {
	tests := []struct {
		name     string
		method   PaymentMethod // WorkerConfig.PaymentMethod; "" is the default
		gateways []string
		status   string
		refusal  string // "" when the order is cancelled
	}{
		{"Tari, pending", "", []string{"Tari"}, "PENDING", ""},
		{"Tari in another case", "", []string{"tari"}, "PENDING", ""},
		{"the configured name", "Tari Payment Server", []string{"Tari Payment Server"}, "PENDING", ""},
		{"card authorised", "", []string{"shopify_payments"}, "AUTHORIZED", "not paid with Tari (payment gateways: shopify_payments)"},
		{"card paid", "", []string{"shopify_payments"}, "PAID", "not paid with Tari"},
		{"cash on delivery, pending", "", []string{"Cash on Delivery (COD)"}, "PENDING", "not paid with Tari (payment gateways: Cash on Delivery (COD))"},
		{"no gateway", "", nil, "PENDING", "not paid with Tari (payment gateways: none)"},
		{"the default under another name", "Tari Payment Server", []string{"Tari"}, "PENDING", "not paid with Tari Payment Server"},
		{"Tari with a card authorised", "", []string{"Tari", "shopify_payments"}, "AUTHORIZED", "financial status is AUTHORIZED"},
		{"Tari partly paid", "", []string{"gift_card", "Tari"}, "PARTIALLY_PAID", "financial status is PARTIALLY_PAID"},
		{"Tari paid", "", []string{"Tari"}, "PAID", "financial status is PAID"},
		{"Tari refunded", "", []string{"Tari"}, "REFUNDED", "financial status is REFUNDED"},
		{"Tari partly refunded", "", []string{"Tari"}, "PARTIALLY_REFUNDED", "financial status is PARTIALLY_REFUNDED"},
		{"Tari pending with a card", "", []string{"Tari", "shopify_payments"}, "PENDING", "pending with another payment gateway too (payment gateways: Tari, shopify_payments)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.AddOrder(shopifytest.Order{ID: "5", Gateways: tt.gateways, FinancialStatus: tt.status})
			h.outbox.add(engine.SideEffectCancel, "5")
			h.drain(t, h.worker(WorkerConfig{PaymentMethod: tt.method}))
			o, _ := h.fake.Order("5")
			j := h.outbox.job(1)
			if tt.refusal == "" {
				if !o.Cancelled || j.State != engine.SideEffectDone {
					t.Fatalf("order cancelled %v, job %+v; want cancelled and done", o.Cancelled, j)
				}
				return
			}
			if n := len(h.fake.Calls("CancelOrder")); n != 0 || o.Cancelled {
				t.Fatalf("orderCancel sent %d times, order cancelled %v", n, o.Cancelled)
			}
			// Failed for good, once, with the reason: the admin's sync failures show it.
			if j.State != engine.SideEffectFailed || j.Attempts != 1 ||
				!strings.Contains(j.LastError, "not cancelling order 5 in Shopify") || !strings.Contains(j.LastError, tt.refusal) {
				t.Errorf("job = %+v, want failed once with %q", j, tt.refusal)
			}
		})
	}
}
