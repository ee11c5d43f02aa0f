package shopify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/pricesync"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/engine/tari"
)

const (
	secret  = "integration-secret"
	orderID = "5796499259604"
	shopDom = "test-shop.myshopify.com"
	// publicURL is TPG_PUBLIC_URL, which pay links start with.
	publicURL = "https://pay.example.com"
)

var quiet = slog.New(slog.DiscardHandler)

// stack is taripay's Shopify path over a real database and engine, with
// the fake Admin API in place of Shopify.
type stack struct {
	db      *db.DB
	eng     *engine.Engine
	clock   *enginetest.Clock
	fake    *shopifytest.Fake
	cfg     shopify.Config
	app     *fiber.App
	handler *shopify.Handler
	admin   *adminapi.Client
	logs    *logBuffer // what the webhook handler logged
}

// logBuffer collects log lines for a test to read.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// each runs fn on a fresh database of every backend.
func each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, dbtest.Open(t, b)) })
	}
}

func newStack(t *testing.T, d *db.DB, capture bool) *stack {
	t.Helper()
	return newStackWith(t, d, func(c *shopify.Config) { c.CapturePayments = capture })
}

// newStackWith is newStack on the default configuration as set changes it.
func newStackWith(t *testing.T, d *db.DB, set func(*shopify.Config)) *stack {
	t.Helper()
	var err error
	s := &stack{db: d, clock: enginetest.NewClock(time.Now().UTC().Truncate(time.Second)), fake: shopifytest.New(t)}
	s.eng = engine.New(engine.Config{StrictMode: true, UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}, d, s.clock)
	s.cfg = shopify.Config{APIBaseURL: s.fake.URL, APIVersion: shopify.DefaultAPIVersion, AccessToken: shopifytest.Token,
		HMACChecks: true, HMACSecret: secret, PriceField: shopify.PriceOutstanding, Restock: true,
		PaymentMethod: shopify.DefaultPaymentMethod}
	set(&s.cfg)
	s.admin, err = adminapi.New(s.cfg.AdminAPI(), nil, &http.Client{Timeout: 5 * time.Second}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.logs = &logBuffer{}
	s.handler = shopify.NewHandler(s.cfg, shopify.HandlerDeps{Engine: s.eng, Inbox: d, Records: d,
		Prices: pricesync.New(s.admin, s.eng, quiet), Orders: s.admin, Now: s.clock.Now,
		Log: slog.New(slog.NewTextHandler(s.logs, nil))})
	s.app = fiber.New()
	g := s.app.Group("/shopify", shopify.Gate(s.cfg, nil, quiet))
	g.Post("/webhook/checkout_create", s.handler.CheckoutCreate)
	g.Post("/webhook/:resource/:event", s.handler.Topic)
	ctx := engine.WithActor(context.Background(), "test")
	if _, err := s.eng.SetExchangeRate(ctx, "USD", 10_000_000); err != nil {
		t.Fatal(err)
	}
	s.fake.AddOrder(shopifytest.Order{ID: orderID, Name: "#1140", Gateways: []string{"Tari"}})
	return s
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// send delivers a webhook and processes what it queued, as Run would.
func (s *stack) send(t *testing.T, path string, hook shopifytest.Webhook) (int, string) {
	t.Helper()
	if hook.Shop == "" {
		hook.Shop = shopDom
	}
	resp, err := s.app.Test(hook.Request("http://taripay.test" + path))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	s.clock.Add(2 * time.Minute) // past the receiver's lease
	if err := s.handler.ProcessDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func (s *stack) createOrder(t *testing.T) {
	t.Helper()
	status, reply := s.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create.json")})
	if status != 200 || reply != `{"success":true,"message":"Order processed successfully."}` {
		t.Fatalf("create = %d %s", status, reply)
	}
}

func (s *stack) worker() *shopify.Worker {
	return shopify.NewWorker(shopify.WorkerConfig{CapturePayments: s.cfg.CapturePayments, Restock: true, BaseBackoff: time.Second,
		PublicURL: publicURL},
		s.eng, s.eng, s.admin, s.db, s.clock.Now, quiet)
}

// drain works the outbox, jumping the clock past each retry, until idle.
func (s *stack) drain(t *testing.T) {
	t.Helper()
	w := s.worker()
	run := func() int {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("outbox pass: %v", err)
		}
		return n
	}
	for range 50 {
		if run() == 0 {
			s.clock.Add(time.Hour)
			if run() == 0 {
				return
			}
		}
	}
	t.Fatal("outbox never drained")
}

func (s *stack) pay(t *testing.T, amount engine.MicroTari) {
	t.Helper()
	ctx := engine.WithActor(context.Background(), "test")
	if _, err := s.eng.CreditNote(ctx, "7221372846292", amount, "paid in Tari"); err != nil {
		t.Fatal(err)
	}
}

// effects are the order's outbox jobs but its pay link, which
// TestIntegrationPayLink follows.
func (s *stack) effects(t *testing.T) []engine.SideEffect {
	t.Helper()
	jobs, err := s.eng.SideEffects(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(jobs, func(j engine.SideEffect) bool { return j.Kind == engine.SideEffectPayLink })
}

func TestIntegrationWebhookHMAC(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := context.Background()
		for _, bad := range []string{"", "wrong"} {
			status, reply := s.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "e1", Secret: bad, Body: fixture(t, "orders_create.json")})
			if status != 401 || !strings.Contains(reply, "error") {
				t.Fatalf("secret %q: %d %s", bad, status, reply)
			}
		}
		if _, err := s.eng.Order(ctx, orderID, false); err == nil {
			t.Fatal("an unsigned webhook stored an order")
		}
		if _, _, _, err := s.db.WebhookState(ctx, "e1"); err == nil {
			t.Fatal("an unsigned webhook was stored")
		}
		for range 2 {
			if status, _ := s.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "e1", Secret: secret, Body: fixture(t, "orders_create.json")}); status != 200 {
				t.Fatal(status)
			}
		}
		o, err := s.eng.Order(ctx, orderID, false)
		if err != nil {
			t.Fatal(err)
		}
		if o.TotalPrice != 239_000_000 || o.ExchangeRate != 10_000_000 || o.Currency != "USD" || *o.OriginalPrice != "23.90" {
			t.Errorf("order = %+v", o)
		}
		orders, err := s.eng.SearchOrders(ctx, engine.OrderQuery{CustomerID: "7221372846292"})
		if err != nil || len(orders) != 1 {
			t.Fatalf("%d orders, %v", len(orders), err)
		}
		if state, attempts, _, _ := s.db.WebhookState(ctx, "e1"); state != "done" || attempts != 1 {
			t.Errorf("delivery %s after %d attempts", state, attempts)
		}
	})
}

func TestIntegrationMarkPaidOnce(t *testing.T) {
	tests := []struct {
		name   string
		script func(*shopifytest.Fake)
	}{
		{"first try", func(*shopifytest.Fake) {}},
		{"500 three times", func(f *shopifytest.Fake) { f.FailNext("MarkAsPaid", 3, http.StatusInternalServerError) }},
		{"429 Retry-After", func(f *shopifytest.Fake) { f.ThrottleNext("MarkAsPaid", "1") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, d *db.DB) {
				s := newStack(t, d, false)
				s.createOrder(t)
				tt.script(s.fake)
				s.pay(t, 239_000_000)
				s.drain(t)
				if n := s.fake.Succeeded("MarkAsPaid"); n != 1 {
					t.Fatalf("orderMarkAsPaid succeeded %d times", n)
				}
				jobs := s.effects(t)
				if len(jobs) != 1 || jobs[0].Kind != engine.SideEffectMarkPaid || jobs[0].State != engine.SideEffectDone {
					t.Errorf("side effects = %+v", jobs)
				}
			})
		})
	}
}

// TestIntegrationRefusedCallIsAVisibleFailure: Shopify refuses a call
// outside the granted scopes with HTTP 200 and ACCESS_DENIED; the side
// effect fails at once, with Shopify's words, in the admin dashboard's list
// of sync failures, and is not tried again.
func TestIntegrationRefusedCallIsAVisibleFailure(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.fake.Grant("read_orders") // the shop approved an app without write_orders
		s.createOrder(t)
		s.pay(t, 239_000_000)
		s.drain(t)
		if n := len(s.fake.Calls("MarkAsPaid")); n != 1 || s.fake.Succeeded("MarkAsPaid") != 0 {
			t.Fatalf("orderMarkAsPaid sent %d times (%d succeeded), want once, refused", n, s.fake.Succeeded("MarkAsPaid"))
		}
		jobs := s.effects(t)
		const cause = "Access denied for orderMarkAsPaid field. Required access: `write_orders` access scope."
		if len(jobs) != 1 || jobs[0].State != engine.SideEffectFailed || jobs[0].Attempts != 1 || !strings.Contains(jobs[0].LastError, cause) {
			t.Fatalf("side effects = %+v, want one failed once because %q", jobs, cause)
		}
		dash, err := s.eng.Dashboard(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(dash.Failures) != 1 || dash.Failures[0].ID != jobs[0].ID {
			t.Errorf("dashboard failures = %+v, want the refused mark-paid", dash.Failures)
		}
	})
}

func TestIntegrationPriceChangeMarksPaidOnce(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.createOrder(t)
		ctx := engine.WithActor(context.Background(), "test")
		if _, err := s.eng.Claim(ctx, orderID, tari.DummyAddress("alice").Base58()); err != nil {
			t.Fatal(err)
		}
		s.pay(t, 200_000_000) // not enough for 239 XTR
		s.drain(t)
		if n := len(s.fake.Calls("MarkAsPaid")); n != 0 {
			t.Fatalf("marked paid before it was: %d", n)
		}
		if _, err := s.eng.ChangePrice(ctx, orderID, 200_000_000, "discount"); err != nil {
			t.Fatal(err)
		}
		s.drain(t)
		if n := len(s.fake.Calls("MarkAsPaid")); n != 1 {
			t.Fatalf("orderMarkAsPaid sent %d times, want 1", n)
		}
	})
}

func TestIntegrationExpiryCancelsOnce(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.createOrder(t)
		s.clock.Add(3 * time.Hour)
		ctx := engine.WithActor(context.Background(), "expiry")
		for range 2 {
			if _, err := s.eng.ExpireOrders(ctx); err != nil {
				t.Fatal(err)
			}
		}
		s.fake.FailNext("CancelOrder", 1, http.StatusBadGateway)
		s.drain(t)
		if n := s.fake.Succeeded("CancelOrder"); n != 1 {
			t.Fatalf("orderCancel succeeded %d times", n)
		}
		if o, _ := s.fake.Order(orderID); !o.Cancelled || !o.Restocked {
			t.Errorf("Shopify order = %+v", o)
		}
	})
}

func TestIntegrationShopifyCancelAnnulsWithoutCallback(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.createOrder(t)
		if status, _ := s.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", Secret: secret, Body: fixture(t, "orders_cancelled.json")}); status != 200 {
			t.Fatal(status)
		}
		o, err := s.eng.Order(context.Background(), orderID, false)
		if err != nil || o.Status != engine.OrderCancelled {
			t.Fatalf("order = %s, %v", o.Status, err)
		}
		s.drain(t)
		if n := len(s.fake.Calls("")); n != 0 {
			t.Errorf("Shopify was called %d times", n)
		}
	})
}

func TestIntegrationCaptureMode(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, true)
		s.fake.AddOrder(shopifytest.Order{ID: orderID, FinancialStatus: "PARTIALLY_PAID", Transactions: []shopifytest.Transaction{
			{ID: "7084112355540", Kind: "AUTHORIZATION", Status: "SUCCESS", Amount: "6.90", Currency: "USD", ManuallyCapturable: true},
		}})
		s.createOrder(t)
		if status, _ := s.send(t, "/shopify/webhook/order_transactions/create", shopifytest.Webhook{Topic: "order_transactions/create", Secret: secret, Body: fixture(t, "order_transactions_create.json")}); status != 200 {
			t.Fatal(status)
		}
		s.drain(t)
		if n := len(s.fake.Calls("Capture")); n != 0 {
			t.Fatalf("captured %d times before the Tari part was paid", n)
		}
		s.pay(t, 239_000_000)
		s.drain(t)
		if n := s.fake.Succeeded("Capture"); n != 1 {
			t.Fatalf("orderCapture succeeded %d times", n)
		}
		if n := s.fake.Succeeded("MarkAsPaid"); n != 1 {
			t.Fatalf("orderMarkAsPaid succeeded %d times", n)
		}
		auths, err := s.db.Authorizations(context.Background(), orderID)
		if err != nil || !auths["7084112355540"] {
			t.Errorf("authorisations = %v, %v", auths, err)
		}
	})
}

func TestIntegrationCustomerRedact(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.createOrder(t)
		ctx := context.Background()
		if status, _ := s.send(t, "/shopify/webhook/customers/redact", shopifytest.Webhook{Topic: "customers/redact", Secret: secret, Body: fixture(t, "customers_redact.json")}); status != 200 {
			t.Fatal(status)
		}
		left, err := s.db.CustomerPayloads(ctx, shopDom, "7221372846292", []string{orderID})
		if err != nil || len(left) != 0 {
			t.Fatalf("%d payloads left, %v", len(left), err)
		}
		if o, err := s.eng.Order(ctx, orderID, false); err != nil || o.TotalPrice != 239_000_000 {
			t.Errorf("financial record lost: %+v, %v", o, err)
		}
	})
}

// The restart tests run the outbox worker in a child process and kill it.

const childEnv = "TARIPAY_SHOPIFY_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild is a worker process: the outbox worker over the database and
// fake Shopify named in its environment, until it is killed.
func runChild() int {
	ctx := context.Background()
	d, err := db.Open(ctx, os.Getenv(childEnv))
	if err != nil {
		return 2
	}
	e := engine.New(engine.Config{StrictMode: true}, d, sysClock{})
	admin, err := adminapi.New(adminapi.Config{APIBaseURL: os.Getenv(childEnv + "_SHOPIFY"), APIVersion: shopify.DefaultAPIVersion,
		AccessToken: shopifytest.Token}, nil, &http.Client{Timeout: time.Minute}, quiet)
	if err != nil {
		return 2
	}
	w := shopify.NewWorker(shopify.WorkerConfig{Lease: 2 * time.Second, Poll: 20 * time.Millisecond, PublicURL: publicURL}, e, e, admin, d, time.Now, quiet)
	w.Run(ctx)
	return 0
}

type sysClock struct{}

func (sysClock) Now() time.Time { return time.Now() }

func TestIntegrationKilledWorker(t *testing.T) {
	tests := []struct {
		name string
		hold string // the call in flight when the worker is killed
	}{
		{"killed before the call", "GetOrder"},
		{"killed after Shopify acted", "MarkAsPaid"},
	}
	for _, tt := range tests {
		for _, backend := range dbtest.Backends(t) {
			t.Run(tt.name+"/"+backend, func(t *testing.T) {
				d, url := dbtest.OpenURL(t, backend)
				e := engine.New(engine.Config{StrictMode: true}, d, sysClock{})
				fake := shopifytest.New(t)
				fake.AddOrder(shopifytest.Order{ID: orderID})
				ctx := engine.WithActor(context.Background(), "test")
				if _, err := e.SetExchangeRate(ctx, "USD", 10_000_000); err != nil {
					t.Fatal(err)
				}
				cfg := shopify.Config{PriceField: shopify.PriceTotal}
				var o shopify.Order
				if err := json.Unmarshal(fixture(t, "orders_create.json"), &o); err != nil {
					t.Fatal(err)
				}
				n, err := cfg.NewOrder(o)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := e.ReceiveOrder(ctx, n); err != nil {
					t.Fatal(err)
				}
				if _, err := e.CreditNote(ctx, "7221372846292", 239_000_000, "paid"); err != nil {
					t.Fatal(err)
				}
				release := fake.HoldNext(tt.hold)
				defer release()

				child := startChild(t, url, fake.URL)
				for op := range fake.Arrived() {
					if op == tt.hold {
						break
					}
				}
				child.Process.Kill() // SIGKILL: no cleanup, the lease stays taken
				child.Wait()
				release()

				startChild(t, url, fake.URL) // the restarted process
				deadline := time.After(30 * time.Second)
				for {
					jobs, err := e.SideEffects(context.Background(), orderID)
					if err != nil {
						t.Fatal(err)
					}
					jobs = slices.DeleteFunc(jobs, func(j engine.SideEffect) bool { return j.Kind != engine.SideEffectMarkPaid })
					if len(jobs) == 1 && jobs[0].State == engine.SideEffectDone {
						break
					}
					if len(jobs) != 1 || jobs[0].State == engine.SideEffectFailed {
						t.Fatalf("side effects = %+v", jobs)
					}
					select {
					case <-deadline:
						t.Fatalf("side effect never done: %+v", jobs)
					case <-time.After(50 * time.Millisecond):
					}
				}
				if n := fake.Succeeded("MarkAsPaid"); n != 1 {
					t.Fatalf("orderMarkAsPaid took effect %d times, want 1", n)
				}
				if n := len(fake.Calls("MarkAsPaid")); n != 1 {
					t.Fatalf("orderMarkAsPaid sent %d times, want 1", n)
				}
			})
		}
	}
}

func startChild(t *testing.T, dbURL, shopifyURL string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dbURL, childEnv+"_SHOPIFY="+shopifyURL)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

func TestIntegrationConcurrentDuplicates(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hook := shopifytest.Webhook{Topic: "orders/create", EventID: "same", Shop: shopDom, Secret: secret, Body: fixture(t, "orders_create.json")}
				resp, err := s.app.Test(hook.Request("http://taripay.test/shopify/webhook/checkout_create"), -1)
				if err == nil {
					statuses[i] = resp.StatusCode
				}
			}()
		}
		wg.Wait()
		for i, st := range statuses {
			if st != 200 {
				t.Errorf("delivery %d: status %d", i, st)
			}
		}
		orders, err := s.eng.SearchOrders(context.Background(), engine.OrderQuery{CustomerID: "7221372846292"})
		if err != nil || len(orders) != 1 {
			t.Fatalf("%d orders, %v", len(orders), err)
		}
	})
}

// TestIntegrationOrderWaitsForItsRate: an order whose currency has no rate
// is stored through either orders/create route, and the rate set later
// prices it (the reference answered "Unsupported currency" and lost it).
func TestIntegrationOrderWaitsForItsRate(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := engine.WithActor(context.Background(), "test")
		status, reply := s.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", EventID: "jpy", Secret: secret, Body: fixture(t, "orders_create_jpy.json")})
		if want := `{"success":true,"message":"Order stored. It waits for a JPY exchange rate and is priced as soon as one is set."}`; status != 200 || reply != want {
			t.Fatalf("checkout_create = %d %s, want 200 %s", status, reply, want)
		}
		if status, _ := s.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "kwd", Secret: secret, Body: fixture(t, "orders_create_kwd.json")}); status != 200 {
			t.Fatal(status)
		}
		for _, event := range []string{"jpy", "kwd"} {
			if state, _, cause, _ := s.db.WebhookState(ctx, event); state != "done" {
				t.Errorf("delivery %s is %s (%s)", event, state, cause)
			}
		}
		for _, id := range []string{"6200000000002", "6100000000001"} {
			if _, err := s.eng.Order(ctx, id, false); !errors.Is(err, engine.ErrOrderNotFound) {
				t.Errorf("order %s has a price before its rate: %v", id, err)
			}
			if _, err := s.eng.WaitingOrder(ctx, id); err != nil {
				t.Errorf("order %s is not waiting: %v", id, err)
			}
		}
		// Shopify sends the order once; a redelivery changes nothing.
		if _, reply := s.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", EventID: "jpy-again", Secret: secret, Body: fixture(t, "orders_create_jpy.json")}); reply != `{"success":true,"message":"Order already exists."}` {
			t.Errorf("redelivery = %s", reply)
		}

		for cur, rate := range map[string]engine.MicroTari{"JPY": 65_000, "KWD": 32_000_000} {
			if _, err := s.eng.SetExchangeRate(ctx, cur, rate); err != nil {
				t.Fatal(err)
			}
		}
		for id, want := range map[string]engine.MicroTari{"6200000000002": 97_500_000, "6100000000001": 395_040_000} {
			o, err := s.eng.Order(ctx, id, false)
			if err != nil || o.TotalPrice != want || o.Status != engine.OrderUnclaimed {
				t.Errorf("order %s = %+v, %v; want Unclaimed at %d µT", id, o, err, want)
			}
		}
	})
}

// TestIntegrationOrderPaidAnotherWay: a card order is acknowledged on both
// order routes, its delivery kept, counted once, and never stored as a Tari
// order; its cancellation does nothing, and expiry, which cancels the
// unclaimed Tari order beside it, never touches it in Shopify.
func TestIntegrationOrderPaidAnotherWay(t *testing.T) {
	const card = "5796499259611"
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := context.Background()
		s.fake.AddOrder(shopifytest.Order{ID: card, Name: "#1141", Gateways: []string{"shopify_payments"}, FinancialStatus: "AUTHORIZED"})
		body := fixture(t, "orders_create_card.json")
		if status, reply := s.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", EventID: "card", Secret: secret, Body: body}); status != 200 {
			t.Fatalf("orders/create = %d %s", status, reply)
		}
		status, reply := s.send(t, "/shopify/webhook/checkout_create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: body})
		if want := `{"success":true,"message":"Not a Tari order (payment gateways: shopify_payments); left to Shopify."}`; status != 200 || reply != want {
			t.Fatalf("checkout_create = %d %s, want 200 %s", status, reply, want)
		}
		s.createOrder(t)

		if _, err := s.eng.Order(ctx, card, false); !errors.Is(err, engine.ErrOrderNotFound) {
			t.Fatalf("card order in the engine: %v", err)
		}
		if state, _, cause, err := s.db.WebhookState(ctx, "card"); err != nil || state != "done" {
			t.Errorf("card delivery %s (%s), %v; want kept and done", state, cause, err)
		}
		if n, err := s.db.OtherOrders(ctx); err != nil || n != 1 {
			t.Errorf("orders paid another way = %d, %v; want 1", n, err)
		}

		cancelled := []byte(strings.Replace(string(body), `"financial_status": "authorized"`, `"financial_status": "voided"`, 1))
		if status, _ := s.send(t, "/shopify/webhook/orders/cancelled", shopifytest.Webhook{Topic: "orders/cancelled", Secret: secret, Body: cancelled}); status != 200 {
			t.Fatal(status)
		}
		if o, err := s.eng.Order(ctx, orderID, false); err != nil || o.Status != engine.OrderUnclaimed {
			t.Fatalf("the Tari order after the card order's cancellation: %s, %v", o.Status, err)
		}

		s.clock.Add(3 * time.Hour)
		if _, err := s.eng.ExpireOrders(engine.WithActor(ctx, "expiry")); err != nil {
			t.Fatal(err)
		}
		s.drain(t)
		if o, _ := s.fake.Order(orderID); !o.Cancelled {
			t.Error("the expired Tari order was not cancelled in Shopify")
		}
		if o, _ := s.fake.Order(card); o.Cancelled {
			t.Error("the card order was cancelled in Shopify")
		}
		for _, c := range s.fake.Calls("CancelOrder") {
			if c.Variables["orderId"] != "gid://shopify/Order/"+orderID {
				t.Errorf("orderCancel sent for %v", c.Variables["orderId"])
			}
		}
	})
}

// TestIntegrationCancelRefusalIsVisible: when the live order has money from
// another gateway by the time the Tari order expires, the cancellation is
// refused once, for good, and listed in the dashboard's sync failures.
func TestIntegrationCancelRefusalIsVisible(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		ctx := context.Background()
		s.createOrder(t)
		s.fake.AddOrder(shopifytest.Order{ID: orderID, Name: "#1140", Gateways: []string{"Tari", "shopify_payments"}, FinancialStatus: "PARTIALLY_PAID"})
		s.clock.Add(3 * time.Hour)
		if _, err := s.eng.ExpireOrders(engine.WithActor(ctx, "expiry")); err != nil {
			t.Fatal(err)
		}
		s.drain(t)
		if n := len(s.fake.Calls("CancelOrder")); n != 0 {
			t.Fatalf("orderCancel sent %d times", n)
		}
		jobs := s.effects(t)
		if len(jobs) != 1 || jobs[0].State != engine.SideEffectFailed || jobs[0].Attempts != 1 ||
			!strings.Contains(jobs[0].LastError, "financial status is PARTIALLY_PAID") {
			t.Fatalf("side effects = %+v, want one failed for good", jobs)
		}
		dash, err := s.eng.Dashboard(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(dash.Failures) != 1 || dash.Failures[0].OrderID != orderID || dash.Failures[0].LastError != jobs[0].LastError {
			t.Errorf("dashboard failures = %+v", dash.Failures)
		}
	})
}

// TestIntegrationPayLink: orders/create queues the pay link's job once;
// the worker defines taripay.pay_url and writes the order's pay URL into
// it, waits out a 429, and writes it exactly once, however often the order
// is delivered or the outbox runs.
func TestIntegrationPayLink(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.fake.ThrottleNext("SetPayLink", "3")
		s.createOrder(t)
		status, reply := s.send(t, "/shopify/webhook/orders/create", shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: fixture(t, "orders_create.json")})
		if status != 200 {
			t.Fatalf("second delivery: %d %s", status, reply)
		}
		s.drain(t)
		s.drain(t)
		o, err := s.eng.Order(context.Background(), orderID, false)
		if err != nil {
			t.Fatal(err)
		}
		live, _ := s.fake.Order(orderID)
		if want := publicURL + "/pay/" + o.ClaimToken; live.PayURL != want {
			t.Errorf("taripay.pay_url = %q, want %q", live.PayURL, want)
		}
		if !s.fake.PayLinkDefined() || len(s.fake.Calls("CreatePayLinkDefinition")) != 1 {
			t.Errorf("definition: defined %v, created %d times", s.fake.PayLinkDefined(), len(s.fake.Calls("CreatePayLinkDefinition")))
		}
		if calls, ok := len(s.fake.Calls("SetPayLink")), s.fake.Succeeded("SetPayLink"); calls != 2 || ok != 1 {
			t.Errorf("metafieldsSet sent %d times, %d succeeded; want the 429, then once", calls, ok)
		}
		jobs, err := s.eng.SideEffects(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].Kind != engine.SideEffectPayLink || jobs[0].State != engine.SideEffectDone || jobs[0].Attempts != 2 {
			t.Errorf("side effects = %+v, want one pay link, done on its second attempt", jobs)
		}
	})
}

// TestIntegrationPayLinkNeedsThePublicURL: without TPG_PUBLIC_URL the
// worker finishes the job without writing anything, and warns once when it
// starts rather than failing once per order.
func TestIntegrationPayLinkNeedsThePublicURL(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newStack(t, d, false)
		s.createOrder(t)
		logs := &logBuffer{}
		w := shopify.NewWorker(shopify.WorkerConfig{BaseBackoff: time.Second, Poll: 10 * time.Millisecond},
			s.eng, s.eng, s.admin, s.db, s.clock.Now, slog.New(slog.NewTextHandler(logs, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { defer close(stopped); w.Run(ctx) }()
		var jobs []engine.SideEffect
		for deadline := time.Now().Add(10 * time.Second); ; {
			var err error
			if jobs, err = s.eng.SideEffects(context.Background(), orderID); err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 || jobs[0].State != engine.SideEffectPending || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond) // polling for the job's outcome, not ordering events
		}
		cancel()
		<-stopped
		if len(jobs) != 1 || jobs[0].Kind != engine.SideEffectPayLink || jobs[0].State != engine.SideEffectDone || jobs[0].LastError != "" {
			t.Errorf("side effects = %+v, want the pay link's job done, skipped", jobs)
		}
		if n := len(s.fake.Calls("SetPayLink")); n != 0 {
			t.Errorf("metafieldsSet sent %d times", n)
		}
		out := logs.String()
		if n := strings.Count(out, "TPG_PUBLIC_URL is not set"); n != 1 || !strings.Contains(out, "level=WARN") || strings.Contains(out, "level=ERROR") {
			t.Errorf("want one warning naming TPG_PUBLIC_URL and no error, logged:\n%s", out)
		}
	})
}
