package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify/shopifytest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/internal/shopdata"
)

const secret = "hush"

// fakeEngine records what webhooks ask of the engine.
type fakeEngine struct {
	mu       sync.Mutex
	rates    map[string]engine.MicroTari
	orders   map[string]engine.NewOrder
	annulled []string
	redacted []string // customer ids whose order notes were redacted
	refunds  []engine.NewRefund
	addErr   error
}

// RecordRefund keeps each refund id once.
func (e *fakeEngine) RecordRefund(_ context.Context, r engine.NewRefund) (engine.Refund, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, stored := range e.refunds {
		if stored.RefundID == r.RefundID {
			return engine.Refund{RefundID: r.RefundID}, true, nil
		}
	}
	e.refunds = append(e.refunds, r)
	return engine.Refund{RefundID: r.RefundID, OrderID: r.OrderID}, false, nil
}

func (e *fakeEngine) RedactCustomer(_ context.Context, customerID string, orderIDs []string) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.redacted = append(e.redacted, customerID+":"+strings.Join(orderIDs, ","))
	return len(orderIDs), nil
}

// ReceiveOrder keeps the order as it came: the engine prices it, or keeps
// it waiting when its currency has no rate here.
func (e *fakeEngine) ReceiveOrder(_ context.Context, o engine.NewOrder) (engine.Order, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.addErr != nil {
		return engine.Order{}, false, e.addErr
	}
	if _, ok := e.orders[o.OrderID]; ok {
		return engine.Order{}, false, engine.Errorf(engine.ECONFLICT, engine.ErrOrderExists, "order %s exists", o.OrderID)
	}
	e.orders[o.OrderID] = o
	_, rated := e.rates[o.Currency]
	waiting := !rated && o.Currency != "XTR"
	return engine.Order{OrderID: o.OrderID}, waiting, nil
}

func (e *fakeEngine) AnnulFromStorefront(_ context.Context, orderID, _ string) (engine.Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.orders[orderID]; !ok {
		return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no order %s", orderID)
	}
	e.annulled = append(e.annulled, orderID)
	return engine.Order{OrderID: orderID, Status: engine.OrderCancelled}, nil
}

func (e *fakeEngine) SearchOrders(_ context.Context, q engine.OrderQuery) ([]engine.Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []engine.Order
	for _, o := range e.orders {
		if o.CustomerID == q.CustomerID {
			out = append(out, engine.Order{OrderID: o.OrderID, CustomerID: o.CustomerID, TotalPrice: o.TotalPrice, Status: engine.OrderUnclaimed})
		}
	}
	return out, nil
}

// memStore is an in-memory Inbox and Records with the db store's semantics.
type memStore struct {
	mu       sync.Mutex
	hooks    []*memHook
	auths    map[string]string
	gone     map[string]bool
	reports  map[string][]byte
	other    map[string]string // orders paid another way: id → gateways
	redacted int
	saveErr  error // SaveWebhook's answer, when set
}

type memHook struct {
	eventID, topic, shop, orderID, customerID, state, cause string
	body                                                    []byte
	due                                                     time.Time
	attempts                                                int
}

func newMemStore() *memStore {
	return &memStore{auths: map[string]string{}, gone: map[string]bool{}, reports: map[string][]byte{}, other: map[string]string{}}
}

func (s *memStore) SaveOtherOrder(_ context.Context, _, orderID string, gateways []string, _ string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.other[orderID]; !ok {
		s.other[orderID] = strings.Join(gateways, ",")
	}
	return nil
}

func (s *memStore) OtherOrders(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.other), nil
}

func (s *memStore) SaveWebhook(_ context.Context, eventID, _, topic, shop string, body []byte, at time.Time, lease time.Duration) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return 0, false, s.saveErr
	}
	for i, h := range s.hooks {
		if h.eventID == eventID {
			return int64(i + 1), false, nil
		}
	}
	s.hooks = append(s.hooks, &memHook{eventID: eventID, topic: topic, shop: shop, body: body, state: "pending", due: at.Add(lease)})
	return int64(len(s.hooks)), true, nil
}

func (s *memStore) TagWebhook(_ context.Context, id int64, orderID, customerID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks[id-1].orderID, s.hooks[id-1].customerID = orderID, customerID
	return nil
}

func (s *memStore) ClaimWebhooks(_ context.Context, limit int, lease time.Duration, now time.Time) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for i, h := range s.hooks {
		if h.state == "pending" && !h.due.After(now) && len(out) < limit {
			h.due = now.Add(lease)
			out = append(out, int64(i+1))
		}
	}
	return out, nil
}

func (s *memStore) Webhook(_ context.Context, id int64) (string, string, []byte, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks[id-1]
	return h.topic, h.shop, h.body, h.attempts, nil
}

func (s *memStore) FinishWebhook(_ context.Context, id int64, cause string, final bool, retryAt, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks[id-1]
	h.attempts++
	h.cause = cause
	switch {
	case cause == "":
		h.state = "done"
	case final:
		h.state = "failed"
	default:
		h.due = retryAt
	}
	return nil
}

func (s *memStore) WebhookFailures(_ context.Context, limit int) ([]shopdata.WebhookFailure, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []shopdata.WebhookFailure
	for i := len(s.hooks) - 1; i >= 0 && len(out) < limit; i-- {
		if h := s.hooks[i]; h.state == "failed" || h.state == "pending" && h.cause != "" {
			out = append(out, shopdata.WebhookFailure{ID: int64(i + 1), Topic: h.topic, OrderID: h.orderID, Final: h.state == "failed", Attempts: h.attempts, LastError: h.cause})
		}
	}
	return out, nil
}

func (s *memStore) RetryWebhook(_ context.Context, id int64, at time.Time, lease time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks[id-1]
	if h.state != "failed" {
		return false, nil
	}
	h.state, h.due = "pending", at.Add(lease)
	return true, nil
}

func (s *memStore) SaveAuthorization(_ context.Context, txID, orderID, amount, currency string, _ bool, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auths[txID] = orderID + " " + amount + " " + currency
	return nil
}

func (s *memStore) SetUninstalled(_ context.Context, shop string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gone[shop] = true
	return nil
}

func (s *memStore) RedactCustomer(_ context.Context, shop, customerID string, orderIDs []string, _ time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, h := range s.hooks {
		if h.shop == shop && (h.customerID == customerID || contains(orderIDs, h.orderID)) && string(h.body) != "{}" {
			h.body = []byte("{}")
			n++
		}
	}
	return n, nil
}

func (s *memStore) RedactShop(_ context.Context, shop string, _ time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, h := range s.hooks {
		if h.shop == shop && string(h.body) != "{}" {
			h.body = []byte("{}")
			n++
		}
	}
	return n, nil
}

func (s *memStore) CustomerPayloads(_ context.Context, shop, customerID string, orderIDs []string) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, h := range s.hooks {
		if h.shop == shop && (h.customerID == customerID || contains(orderIDs, h.orderID)) && string(h.body) != "{}" {
			out = append(out, h.body)
		}
	}
	return out, nil
}

func (s *memStore) LatestCustomerPayloads(_ context.Context, shop string, customerIDs []string) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]byte{}
	for i := len(s.hooks) - 1; i >= 0; i-- {
		h := s.hooks[i]
		if _, seen := out[h.customerID]; !seen && h.shop == shop && contains(customerIDs, h.customerID) && strings.HasPrefix(h.topic, "orders/") && string(h.body) != "{}" {
			out[h.customerID] = h.body
		}
	}
	return out, nil
}

func (s *memStore) WebhookActivity(context.Context, string, int) (shopdata.WebhookActivity, error) {
	return shopdata.WebhookActivity{}, nil
}

func (s *memStore) SaveDataReport(_ context.Context, shop, customerID string, report []byte, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports[shop+"/"+customerID] = report
	return nil
}

func (s *memStore) hook(eventID string) *memHook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		if h.eventID == eventID {
			return h
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s && s != "" {
			return true
		}
	}
	return false
}

type webhookHarness struct {
	app   *fiber.App
	h     *Handler
	eng   *fakeEngine
	store *memStore
	clock *enginetest.Clock
}

func newWebhookHarness(t *testing.T) *webhookHarness {
	t.Helper()
	cfg := Config{HMACChecks: true, HMACSecret: secret, PriceField: PriceTotal, PaymentMethod: DefaultPaymentMethod}
	w := &webhookHarness{
		eng:   &fakeEngine{rates: map[string]engine.MicroTari{"USD": 10_000_000, "KWD": 32_000_000}, orders: map[string]engine.NewOrder{}},
		store: newMemStore(),
		clock: enginetest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)),
	}
	w.h = NewHandler(cfg, HandlerDeps{Engine: w.eng, Inbox: w.store, Records: w.store, Now: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
	w.app = fiber.New()
	g := w.app.Group("/shopify", Gate(cfg, nil, slog.New(slog.DiscardHandler)))
	g.Get("/health", w.h.Health)
	g.Post("/webhook/checkout_create", w.h.CheckoutCreate)
	g.Post("/webhook/product_updated", w.h.ProductUpdated)
	g.Post("/webhook/transaction_create", w.h.TransactionCreate)
	g.Post("/webhook/no_op", w.h.NoOp)
	g.Post("/webhook/:resource/:event", w.h.Topic)
	return w
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send posts a delivery and returns the status and body.
func (w *webhookHarness) send(t *testing.T, path string, hook shopifytest.Webhook) (int, string) {
	t.Helper()
	resp, err := w.app.Test(hook.Request("http://taripay.test" + path))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// drain processes the queued deliveries as Run would.
func (w *webhookHarness) drain(t *testing.T) {
	t.Helper()
	for {
		select {
		case id := <-w.h.queue:
			w.h.processStored(context.Background(), id)
		default:
			return
		}
	}
}

func TestWebhookHMAC(t *testing.T) {
	body := fixture(t, "orders_create.json")
	tests := []struct {
		name   string
		path   string
		secret string
		body   []byte
		want   int
		stored bool
	}{
		{"valid checkout_create", "/shopify/webhook/checkout_create", secret, body, 200, true},
		{"valid orders/create", "/shopify/webhook/orders/create", secret, body, 200, true},
		{"wrong secret", "/shopify/webhook/checkout_create", "other", body, 401, false},
		{"missing hmac", "/shopify/webhook/orders/create", "", body, 401, false},
		{"compliance without hmac", "/shopify/webhook/customers/redact", "", fixture(t, "customers_redact.json"), 401, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWebhookHarness(t)
			status, reply := w.send(t, tt.path, shopifytest.Webhook{Topic: "orders/create", Secret: tt.secret, Body: tt.body})
			if status != tt.want {
				t.Fatalf("status = %d (%s), want %d", status, reply, tt.want)
			}
			w.drain(t)
			if got := len(w.store.hooks) == 1 && len(w.eng.orders) == 1; got != tt.stored {
				t.Fatalf("stored = %d deliveries, %d orders; want stored %v", len(w.store.hooks), len(w.eng.orders), tt.stored)
			}
			if !tt.stored && !json.Valid([]byte(reply)) {
				t.Errorf("refusal %q is not JSON", reply)
			}
		})
	}
}

func TestWebhookTamperedBody(t *testing.T) {
	w := newWebhookHarness(t)
	hook := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create.json")}
	req := hook.Request("http://taripay.test/shopify/webhook/orders/create")
	tampered := strings.Replace(string(hook.Body), `"23.90"`, `"0.01"`, 1)
	req.Body = io.NopCloser(strings.NewReader(tampered))
	req.ContentLength = int64(len(tampered))
	resp, err := w.app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized || len(w.store.hooks) != 0 {
		t.Fatalf("status %d, %d stored", resp.StatusCode, len(w.store.hooks))
	}
}

func TestWebhookDeduplicates(t *testing.T) {
	tests := []struct {
		name  string
		hooks []shopifytest.Webhook
	}{
		{"same event id", []shopifytest.Webhook{{EventID: "e1", WebhookID: "w1"}, {EventID: "e1", WebhookID: "w2"}}},
		{"webhook id fallback", []shopifytest.Webhook{{EventID: "-", WebhookID: "w1"}, {EventID: "-", WebhookID: "w1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWebhookHarness(t)
			var replies []string
			for _, hook := range tt.hooks {
				hook.Topic, hook.Secret, hook.Body = "orders/create", secret, fixture(t, "orders_create.json")
				req := hook.Request("http://taripay.test/shopify/webhook/checkout_create")
				if hook.EventID == "-" {
					req.Header.Del("X-Shopify-Event-Id")
				}
				resp, err := w.app.Test(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				replies = append(replies, string(b))
			}
			if len(w.store.hooks) != 1 || len(w.eng.orders) != 1 {
				t.Fatalf("%d deliveries and %d orders stored, want 1 and 1", len(w.store.hooks), len(w.eng.orders))
			}
			want := []string{`{"success":true,"message":"Order processed successfully."}`, `{"success":true,"message":"Order already exists."}`}
			if replies[0] != want[0] || replies[1] != want[1] {
				t.Errorf("replies = %q", replies)
			}
		})
	}
}

func TestCheckoutCreateReplies(t *testing.T) {
	refused := engine.Errorf(engine.EINVALID, engine.ErrInvalidAmount, `Invalid amount: "1.001" has more than 2 decimals for USD`)
	tests := []struct {
		name   string
		body   []byte
		addErr error
		want   string
		state  string
		stored bool
	}{
		{"usd", fixture(t, "orders_create.json"), nil, `{"success":true,"message":"Order processed successfully."}`, "done", true},
		{"kwd", fixture(t, "orders_create_kwd.json"), nil, `{"success":true,"message":"Order processed successfully."}`, "done", true},
		{"no rate", fixture(t, "orders_create_jpy.json"), nil, `{"success":true,"message":"Order stored. It waits for a JPY exchange rate and is priced as soon as one is set."}`, "done", true},
		{"bad created_at", []byte(`{"id":1,"currency":"USD","total_price":"1.00","created_at":"yesterday","payment_gateway_names":["Tari"]}`), nil, `{"success":false,"message":"order 1: created_at: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\""}`, "failed", false},
		{"engine refuses", fixture(t, "orders_create.json"), refused, `{"success":false,"message":"Invalid amount: \"1.001\" has more than 2 decimals for USD"}`, "failed", false},
		{"engine down", fixture(t, "orders_create.json"), engine.Errorf(engine.EINTERNAL, engine.ErrUnavailable, "db down"), `{"success":false,"message":"Unexpected error handling order."}`, "pending", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWebhookHarness(t)
			w.eng.addErr = tt.addErr
			status, reply := w.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", EventID: "e", Secret: secret, Body: tt.body})
			if status != 200 || reply != tt.want {
				t.Fatalf("reply = %d %s, want 200 %s", status, reply, tt.want)
			}
			if h := w.store.hook("e"); h.state != tt.state {
				t.Errorf("delivery state = %s (%s), want %s", h.state, h.cause, tt.state)
			}
			if stored := len(w.eng.orders) == 1; stored != tt.stored {
				t.Errorf("stored = %v, want %v", stored, tt.stored)
			}
		})
	}
}

// TestWebhookStorageFault checks a delivery the store cannot keep: a
// storage fault is a 503 with Retry-After, as everywhere else, and any other
// failure a 500. Shopify retries both; neither is taken as delivered.
func TestWebhookStorageFault(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter string
	}{
		{"disk full", fmt.Errorf("%w: database or disk is full", engine.ErrUnavailable), 503, "5"},
		{"a bug", errors.New("no such column"), 500, ""},
	}
	for _, tt := range tests {
		for _, path := range []string{"/shopify/webhook/checkout_create", "/shopify/webhook/orders/create"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				w := newWebhookHarness(t)
				w.store.saveErr = tt.err
				hook := shopifytest.Webhook{Topic: "orders/create", EventID: "e", Secret: secret, Body: fixture(t, "orders_create.json")}
				resp, err := w.app.Test(hook.Request("http://taripay.test" + path))
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.status || !json.Valid(body) {
					t.Errorf("got %d %s, want %d with a JSON error", resp.StatusCode, body, tt.status)
				}
				if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
				}
				if len(w.eng.orders) != 0 {
					t.Errorf("an order was added from a delivery that was not stored")
				}
			})
		}
	}
}

func TestWebhookBadBody(t *testing.T) {
	for _, body := range []string{`not json`, `{"id":"abc"}`, `{}`, `{"id":1.5}`} {
		w := newWebhookHarness(t)
		status, reply := w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: []byte(body)})
		if status != 400 || !json.Valid([]byte(reply)) || len(w.store.hooks) != 0 {
			t.Errorf("%s: %d %s with %d stored", body, status, reply, len(w.store.hooks))
		}
	}
	w := newWebhookHarness(t)
	if status, _ := w.send(t, "/shopify/webhook/orders/paid", shopifytest.Webhook{Secret: secret, Body: []byte(`{"id":1}`)}); status != 404 {
		t.Errorf("unknown topic: %d", status)
	}
}

func TestWebhookSurvivesRestart(t *testing.T) {
	w := newWebhookHarness(t)
	status, _ := w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "e", Secret: secret, Body: fixture(t, "orders_create.json")})
	if status != 200 {
		t.Fatal(status)
	}
	// The process dies before working its queue; a new one finds the
	// delivery once the lease lapses.
	restarted := NewHandler(w.h.cfg, HandlerDeps{Engine: w.eng, Inbox: w.store, Records: w.store, Now: w.clock.Now, Log: slog.New(slog.DiscardHandler)})
	if err := restarted.ProcessDue(context.Background()); err != nil || len(w.eng.orders) != 0 {
		t.Fatalf("processed during the receiver's lease: %v", err)
	}
	w.clock.Add(webhookLease)
	if err := restarted.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(w.eng.orders) != 1 || w.store.hook("e").state != "done" {
		t.Fatalf("orders = %d, state %s", len(w.eng.orders), w.store.hook("e").state)
	}
}

func TestWebhookRetriesTemporaryFailure(t *testing.T) {
	w := newWebhookHarness(t)
	w.eng.addErr = engine.Errorf(engine.EINTERNAL, engine.ErrUnavailable, "db down")
	w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "e", Secret: secret, Body: fixture(t, "orders_create.json")})
	w.drain(t)
	if h := w.store.hook("e"); h.state != "pending" || h.attempts != 1 {
		t.Fatalf("delivery = %+v", h)
	}
	w.eng.addErr = nil
	w.clock.Add(webhookLease)
	if err := w.h.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := w.store.hook("e"); h.state != "done" || len(w.eng.orders) != 1 {
		t.Fatalf("delivery = %+v, %d orders", h, len(w.eng.orders))
	}
}

// TestWebhookRetriesBackOffThenStop: a delivery whose processing keeps
// failing with a temporary error is retried after a doubling wait, capped,
// and fails for good after webhookMaxAttempts.
func TestWebhookRetriesBackOffThenStop(t *testing.T) {
	w := newWebhookHarness(t)
	w.eng.addErr = engine.Errorf(engine.EINTERNAL, engine.ErrUnavailable, "db down")
	w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "e", Secret: secret, Body: fixture(t, "orders_create.json")})
	w.drain(t)
	var waits []time.Duration
	for last := w.clock.Now(); w.store.hook("e").state == "pending"; {
		w.clock.Add(time.Second)
		if err := w.h.ProcessDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := w.store.hook("e").attempts; n > len(waits)+1 {
			waits = append(waits, w.clock.Now().Sub(last))
			last = w.clock.Now()
		}
		if len(waits) > webhookMaxAttempts {
			t.Fatal("retried without end")
		}
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	if h := w.store.hook("e"); h.state != "failed" || h.attempts != webhookMaxAttempts || fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("delivery %s after %d attempts, %v apart; want failed after %d, %v apart", h.state, h.attempts, waits, webhookMaxAttempts, want)
	}
}

// TestWebhookNotStored: a delivery the inbox cannot store is a 503 with
// Retry-After, so that Shopify delivers it again.
func TestWebhookNotStored(t *testing.T) {
	for _, path := range []string{"/shopify/webhook/checkout_create", "/shopify/webhook/orders/create"} {
		w := newWebhookHarness(t)
		w.store.saveErr = fmt.Errorf("%w: connection refused", engine.ErrUnavailable)
		resp, err := w.app.Test(shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create.json")}.Request("http://taripay.test" + path))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 503 || !json.Valid(b) || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %s, Retry-After %q; want 503 with JSON and Retry-After", path, resp.StatusCode, b, resp.Header.Get("Retry-After"))
		}
	}
}

func TestOrdersCancelledAnnulsWithoutCallingShopify(t *testing.T) {
	w := newWebhookHarness(t)
	fake := shopifytest.New(t)
	w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create.json")})
	w.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", Secret: secret, Body: fixture(t, "orders_cancelled.json")})
	if status, _ := w.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", Secret: secret, Body: []byte(`{"id":42}`)}); status != 400 {
		t.Errorf("a bare id on orders/cancelled: %d, want 400 (not an order)", status)
	}
	w.drain(t)
	if len(w.eng.annulled) != 1 || w.eng.annulled[0] != "5796499259604" {
		t.Fatalf("annulled = %v", w.eng.annulled)
	}
	for _, h := range w.store.hooks {
		if h.state != "done" {
			t.Errorf("%s delivery %s: %s", h.topic, h.state, h.cause)
		}
	}
	if n := len(fake.Calls("")); n != 0 {
		t.Errorf("Shopify called %d times", n)
	}
}

func TestTransactionCreate(t *testing.T) {
	w := newWebhookHarness(t)
	auth := fixture(t, "order_transactions_create.json")
	sale := []byte(strings.Replace(string(auth), `"authorization"`, `"sale"`, 1))
	sale = []byte(strings.Replace(string(sale), `7084112355540`, `7084112355541`, 1))
	for _, body := range [][]byte{auth, sale, auth} {
		if status, _ := w.send(t, "/shopify/webhook/transaction_create", shopifytest.Webhook{Topic: "order_transactions/create", Secret: secret, Body: body}); status != 200 {
			t.Fatal(status)
		}
	}
	w.drain(t)
	if len(w.store.auths) != 1 || w.store.auths["7084112355540"] != "5796499259604 6.90 USD" {
		t.Fatalf("authorisations = %v", w.store.auths)
	}
}

func TestComplianceWebhooks(t *testing.T) {
	const shop = "test-shop.myshopify.com"
	setup := func(t *testing.T) *webhookHarness {
		w := newWebhookHarness(t)
		for _, f := range []string{"orders_create.json", "orders_create_presentment.json"} {
			w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", Shop: shop, Secret: secret, Body: fixture(t, f)})
		}
		w.drain(t)
		return w
	}
	t.Run("customers/redact", func(t *testing.T) {
		w := setup(t)
		w.send(t, "/shopify/webhook/customers/redact", shopifytest.Webhook{Topic: "customers/redact", Shop: shop, Secret: secret, Body: fixture(t, "customers_redact.json")})
		w.drain(t)
		for _, h := range w.store.hooks {
			personal := strings.Contains(string(h.body), "alice@example.com")
			if personal {
				t.Errorf("%s delivery still holds alice's data", h.topic)
			}
		}
		if w.store.hooks[1].customerID != "115310627314723954" || string(w.store.hooks[1].body) == "{}" {
			t.Error("another customer's payload was redacted")
		}
		if _, ok := w.eng.orders["5796499259604"]; !ok {
			t.Error("the financial record (order) was removed")
		}
		if want := "7221372846292:5796499259604"; len(w.eng.redacted) != 1 || w.eng.redacted[0] != want {
			t.Errorf("engine redactions = %q, want [%q] (the order notes)", w.eng.redacted, want)
		}
	})
	t.Run("customers/data_request", func(t *testing.T) {
		w := setup(t)
		w.send(t, "/shopify/webhook/customers/data_request", shopifytest.Webhook{Topic: "customers/data_request", Shop: shop, Secret: secret, Body: fixture(t, "customers_data_request.json")})
		w.drain(t)
		var rep dataReport
		if err := json.Unmarshal(w.store.reports[shop+"/7221372846292"], &rep); err != nil {
			t.Fatal(err)
		}
		// The order, its stored payload, and the request itself (it too is data held).
		if len(rep.Orders) != 1 || rep.Orders[0].OrderID != "5796499259604" || len(rep.Payloads) != 2 {
			t.Errorf("report = %d orders, %d payloads", len(rep.Orders), len(rep.Payloads))
		}
	})
	t.Run("shop/redact", func(t *testing.T) {
		w := setup(t)
		w.send(t, "/shopify/webhook/shop/redact", shopifytest.Webhook{Topic: "shop/redact", Shop: shop, Secret: secret, Body: fixture(t, "shop_redact.json")})
		w.drain(t)
		for _, h := range w.store.hooks[:2] {
			if string(h.body) != "{}" {
				t.Errorf("%s payload kept: %.40s", h.topic, h.body)
			}
		}
		if len(w.eng.orders) != 2 {
			t.Error("orders were removed")
		}
	})
	t.Run("app/uninstalled", func(t *testing.T) {
		w := setup(t)
		w.send(t, "/shopify/webhook/app/uninstalled", shopifytest.Webhook{Topic: "app/uninstalled", Shop: shop, Secret: secret, Body: []byte(`{"id":954889,"domain":"shop.example.com","myshopify_domain":"test-shop.myshopify.com"}`)})
		w.drain(t)
		if !w.store.gone[shop] {
			t.Error("uninstall not recorded")
		}
	})
}

func TestHealthAndNoOp(t *testing.T) {
	w := newWebhookHarness(t)
	req, _ := http.NewRequest(http.MethodGet, "/shopify/health", nil)
	req.Header.Set("X-Shopify-Hmac-Sha256", Sign(nil, secret))
	resp, err := w.app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(b) != "👍️\n" {
		t.Errorf("health = %d %q", resp.StatusCode, b)
	}
	if status, _ := w.send(t, "/shopify/webhook/no_op", shopifytest.Webhook{Topic: "orders/updated", Secret: secret, Body: fixture(t, "orders_create.json")}); status != 200 || len(w.store.hooks) != 0 {
		t.Errorf("no_op = %d", status)
	}
}

func TestWebhookShopHeader(t *testing.T) {
	for header, want := range map[string]string{"Test-Shop.myshopify.com": "test-shop.myshopify.com", "evil.example/?x=myshopify.com": ""} {
		w := newWebhookHarness(t)
		w.send(t, "/shopify/webhook/orders/updated", shopifytest.Webhook{Topic: "orders/updated", Shop: header, Secret: secret, Body: fixture(t, "orders_create.json")})
		if got := w.store.hooks[0].shop; got != want {
			t.Errorf("shop header %q stored as %q, want %q", header, got, want)
		}
	}
}

// TestWebhookOrderPaidAnotherWay: an order whose payment gateways do not
// include Tari is acknowledged on every route, kept as a delivery, counted
// once, and never becomes a Tari order.
func TestWebhookOrderPaidAnotherWay(t *testing.T) {
	const card = "5796499259611"
	tests := []struct {
		name  string
		path  string
		reply string
	}{
		{"orders/create", "/shopify/webhook/orders/create", "OK"},
		{"checkout_create", "/shopify/webhook/checkout_create",
			`{"success":true,"message":"Not a Tari order (payment gateways: shopify_payments); left to Shopify."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWebhookHarness(t)
			status, reply := w.send(t, tt.path, shopifytest.Webhook{Topic: "orders/create", EventID: "card", Secret: secret, Body: fixture(t, "orders_create_card.json")})
			if status != 200 || reply != tt.reply {
				t.Fatalf("reply = %d %s, want 200 %s", status, reply, tt.reply)
			}
			// Shopify sends an order to both routes when both are subscribed.
			for _, path := range []string{"/shopify/webhook/orders/create", "/shopify/webhook/checkout_create"} {
				w.send(t, path, shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create_card.json")})
			}
			w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "tari", Secret: secret, Body: fixture(t, "orders_create.json")})
			w.drain(t)

			if h := w.store.hook("card"); h == nil || h.state != "done" || h.orderID != card {
				t.Fatalf("card delivery = %+v, want kept and done", h)
			}
			if _, ok := w.eng.orders[card]; ok {
				t.Error("the card order became a Tari order")
			}
			if n, _ := w.store.OtherOrders(context.Background()); n != 1 || w.store.other[card] != "shopify_payments" {
				t.Errorf("orders paid another way = %d %v, want the card order once", n, w.store.other)
			}
			if _, ok := w.eng.orders["5796499259604"]; !ok || w.store.hook("tari").state != "done" {
				t.Error("the Tari order was not stored")
			}
		})
	}
}

// TestWebhookOtherTopicsForOrdersPaidAnotherWay: updates, cancellations and
// transactions of an order taripay left alone change nothing in taripay and
// call nothing in Shopify.
func TestWebhookOtherTopicsForOrdersPaidAnotherWay(t *testing.T) {
	w := newWebhookHarness(t)
	fake := shopifytest.New(t)
	card := fixture(t, "orders_create_card.json")
	cancelled := []byte(strings.Replace(string(card), `"financial_status": "authorized"`, `"financial_status": "voided", "cancelled_at": "2026-11-20T16:00:00+03:00"`, 1))
	transaction := []byte(strings.Replace(string(fixture(t, "order_transactions_create.json")), "5796499259604", "5796499259611", 1))
	w.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: card})
	w.send(t, "/shopify/webhook/orders/updated", shopifytest.Webhook{Topic: "orders/updated", Secret: secret, Body: card})
	w.send(t, "/shopify/webhook/transaction_create", shopifytest.Webhook{Topic: "order_transactions/create", Secret: secret, Body: transaction})
	w.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", Secret: secret, Body: cancelled})
	w.drain(t)
	for _, h := range w.store.hooks {
		if h.state != "done" {
			t.Errorf("%s delivery %s: %s", h.topic, h.state, h.cause)
		}
	}
	if len(w.eng.orders) != 0 || len(w.eng.annulled) != 0 {
		t.Errorf("engine orders %v, annulled %v; want none", w.eng.orders, w.eng.annulled)
	}
	if n := len(fake.Calls("")); n != 0 {
		t.Errorf("Shopify called %d times", n)
	}
}
