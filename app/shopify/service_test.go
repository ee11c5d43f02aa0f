package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify/shopifytest"
	"taripay/engine"
)

// The engine is the integration's engine.
var _ ServiceEngine = (*engine.Engine)(nil)

// serviceEngine adds rate storage and subscriptions to the webhook fakes.
type serviceEngine struct {
	*fakeEngine
	*memOutbox
	subscribers int
}

func (e *serviceEngine) SetExchangeRate(_ context.Context, cur string, rate engine.MicroTari) (engine.ExchangeRate, error) {
	e.fakeEngine.mu.Lock()
	defer e.fakeEngine.mu.Unlock()
	e.rates[cur] = rate
	return engine.ExchangeRate{Currency: cur, Rate: rate}, nil
}

func (e *serviceEngine) ExchangeRate(_ context.Context, cur string) (engine.ExchangeRate, error) {
	e.fakeEngine.mu.Lock()
	defer e.fakeEngine.mu.Unlock()
	if r, ok := e.rates[cur]; ok {
		return engine.ExchangeRate{Currency: cur, Rate: r}, nil
	}
	return engine.ExchangeRate{}, engine.Errorf(engine.ENOTFOUND, engine.ErrUnsupportedCurrency, "no rate for %s", cur)
}

func (e *serviceEngine) Subscribe(func(context.Context, engine.Envelope)) { e.subscribers++ }

// TestServiceSyncsRatesInTheBackground: a price sync that fails is retried
// with a doubling wait, logged at WARN once per step with the count of
// failures so far, never at ERROR, and its recovery is logged once. Each
// Admin API call logs the URL it dialled.
func TestServiceSyncsRatesInTheBackground(t *testing.T) {
	fake := shopifytest.New(t)
	fake.AddVariant(shopifytest.Variant{ID: "1", Price: "2.00"})
	fake.FailNext("UpsertRates", 3, 503) // the first three syncs fail and are retried
	eng := &serviceEngine{fakeEngine: &fakeEngine{rates: map[string]engine.MicroTari{}, orders: map[string]engine.NewOrder{}},
		memOutbox: &memOutbox{now: time.Now, leased: map[int64]time.Time{}}}
	logs := newCapture()
	s, err := New(Deps{
		Config: Config{APIBaseURL: fake.URL, APIVersion: DefaultAPIVersion, AccessToken: shopifytest.Token, HMACChecks: true, HMACSecret: "k"},
		Engine: eng, Store: newMemStoreWithCaptures(), Now: time.Now, Log: slog.New(logs), RateSyncBackoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if eng.subscribers != 1 {
		t.Fatalf("outbox worker subscribed %d times", eng.subscribers)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.runRateSyncs(ctx) }()
	defer func() { cancel(); <-done }()

	if _, err := s.SetExchangeRate(ctx, "USD", 10_000_000); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "shopify price sync recovered")
	if n := len(fake.Calls("UpsertRates")); n != 4 {
		t.Errorf("%d metaobject upserts, want three failures and a retry", n)
	}
	if v, _ := fake.Variant("1"); *v.TariPrice != "20000000" || fake.Rates()["usd"] != "10000000" {
		t.Errorf("variant %s, rates %v", *v.TariPrice, fake.Rates())
	}

	var steps []string
	for _, r := range logs.records() {
		switch {
		case r.Level >= slog.LevelError:
			t.Errorf("logged at %s: %s %v", r.Level, r.Message, r.attrs)
		case strings.HasPrefix(r.Message, "shopify price sync"):
			steps = append(steps, fmt.Sprintf("%s %s failures=%v retry_in=%v", r.Level, r.Message, r.attrs["failures"], r.attrs["retry_in"]))
		case r.Message == "shopify admin api":
			if want := "POST " + fake.URL + "/admin/api/" + DefaultAPIVersion + "/graphql.json"; r.attrs["url"] != want {
				t.Errorf("dialled %v, want %s", r.attrs["url"], want)
			}
		}
	}
	want := []string{
		"WARN shopify price sync failed; will retry failures=1 retry_in=1ms",
		"WARN shopify price sync failed; will retry failures=2 retry_in=2ms",
		"WARN shopify price sync failed; will retry failures=3 retry_in=4ms",
		"INFO shopify price sync recovered failures=3 retry_in=<nil>",
	}
	if strings.Join(steps, "\n") != strings.Join(want, "\n") {
		t.Errorf("price sync logged\n%s\nwant\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
	}
}

// capture is a slog handler that keeps every record for a test to read.
type capture struct {
	mu   sync.Mutex
	recs []captured
	more chan struct{} // signalled after each record
}

type captured struct {
	slog.Record
	attrs map[string]any
}

func newCapture() *capture { return &capture{more: make(chan struct{}, 1)} }

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *capture) WithGroup(string) slog.Handler            { return c }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]any{}
	r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.Any(); return true })
	c.mu.Lock()
	c.recs = append(c.recs, captured{r, attrs})
	c.mu.Unlock()
	select {
	case c.more <- struct{}{}:
	default:
	}
	return nil
}

func (c *capture) records() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.recs...)
}

// waitFor waits until a record with message msg has been logged.
func (c *capture) waitFor(t *testing.T, msg string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		for _, r := range c.records() {
			if r.Message == msg {
				return
			}
		}
		select {
		case <-c.more:
		case <-deadline:
			t.Fatalf("nothing logged %q", msg)
		}
	}
}

func TestServiceWithoutShopify(t *testing.T) {
	eng := &serviceEngine{fakeEngine: &fakeEngine{rates: map[string]engine.MicroTari{}, orders: map[string]engine.NewOrder{}},
		memOutbox: &memOutbox{now: time.Now, leased: map[int64]time.Time{}}}
	s, err := New(Deps{Config: Config{}, Engine: eng, Store: newMemStoreWithCaptures(), Now: time.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetExchangeRate(context.Background(), "USD", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(context.Background(), "USD"); err != ErrNotConfigured {
		t.Errorf("Sync = %v", err)
	}
	if _, err := s.EnsureWebhooks(context.Background(), "https://x"); err != ErrNotConfigured {
		t.Errorf("EnsureWebhooks = %v", err)
	}
}

type memStoreWithCaptures struct {
	*memStore
	*captureLog
}

func newMemStoreWithCaptures() memStoreWithCaptures {
	return memStoreWithCaptures{newMemStore(), &captureLog{}}
}

func TestServiceRescanOpenOrders(t *testing.T) {
	fake := shopifytest.New(t)
	for i := range 30 {
		fake.AddOrder(shopifytest.Order{ID: fmt.Sprint(820982911946154500 + i), Name: fmt.Sprintf("#%d", 1000+i),
			CreatedAt: "2026-11-20T14:01:22+03:00", Currency: "USD", TotalPrice: "10.50", CustomerID: "115310627314723954", Gateways: []string{"Tari"}})
	}
	fake.AddOrder(shopifytest.Order{ID: "1", Cancelled: true})
	fake.AddOrder(shopifytest.Order{ID: "2", CreatedAt: "2026-11-20T14:01:22Z", Currency: "JPY", TotalPrice: "1500", Gateways: []string{"Tari"}})
	fake.AddOrder(shopifytest.Order{ID: "3", CreatedAt: "2026-11-20T14:01:22Z", Currency: "USD", TotalPrice: "6.90",
		Gateways: []string{"shopify_payments"}, FinancialStatus: "AUTHORIZED"})
	eng := &serviceEngine{fakeEngine: &fakeEngine{rates: map[string]engine.MicroTari{"USD": 10_000_000}, orders: map[string]engine.NewOrder{}},
		memOutbox: &memOutbox{now: time.Now, leased: map[int64]time.Time{}}}
	eng.orders["820982911946154500"] = engine.NewOrder{OrderID: "820982911946154500"}
	store := newMemStoreWithCaptures()
	s, err := New(Deps{
		Config: Config{APIBaseURL: fake.URL, APIVersion: DefaultAPIVersion, AccessToken: shopifytest.Token, PriceField: PriceTotal,
			PaymentMethod: DefaultPaymentMethod},
		Engine: eng, Store: store, Now: time.Now, Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Post("/api/rescan_open_orders", s.RescanOpenOrders())
	resp, err := app.Test(httptest.NewRequest(http.MethodPost, "/api/rescan_open_orders", nil))
	if err != nil {
		t.Fatal(err)
	}
	var replies []webhookReply
	if err := json.NewDecoder(resp.Body).Decode(&replies); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d, %v", resp.StatusCode, err)
	}
	counts := map[string]int{}
	for _, r := range replies {
		counts[r.Message]++
	}
	want := map[string]int{"Order processed successfully.": 29, "Order already exists.": 1,
		"Order stored. It waits for a JPY exchange rate and is priced as soon as one is set.": 1,
		"Not a Tari order (payment gateways: shopify_payments); left to Shopify.":             1}
	if len(replies) != 32 || fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("replies = %v", counts)
	}
	if _, ok := eng.orders["3"]; ok || store.other["3"] != "shopify_payments" {
		t.Errorf("the rescanned card order: stored %v, counted as paid another way %q", ok, store.other["3"])
	}
	if n, _ := s.OtherOrders(context.Background()); n != 1 {
		t.Errorf("OtherOrders = %d, want 1", n)
	}
	if o := eng.orders["820982911946154529"]; *o.OriginalPrice != "10.50" || o.Currency != "USD" || o.CustomerID != "115310627314723954" || *o.AltID != "#1029" {
		t.Errorf("order = %+v", o)
	}
	if n := len(fake.Calls("OpenOrders")); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}

	fake.FailNext("OpenOrders", 1, http.StatusServiceUnavailable)
	resp, _ = app.Test(httptest.NewRequest(http.MethodPost, "/api/rescan_open_orders", nil))
	if resp.StatusCode != 400 {
		t.Errorf("Shopify outage answered %d", resp.StatusCode)
	}
	if (&Service{}).RescanOpenOrders() != nil {
		t.Error("a Service without the Admin API serves rescans")
	}
}

func TestServiceSubscriptions(t *testing.T) {
	h := newHarness(t)
	if _, err := EnsureWebhooks(context.Background(), h.admin, "https://x.example"); err != nil {
		t.Fatal(err)
	}
	subs, err := (&Service{admin: h.admin}).Subscriptions(context.Background())
	if err != nil || len(subs) != 7 || subs[0].Topic != "ORDERS_CREATE" || subs[0].CallbackURL != "https://x.example/shopify/webhook/orders/create" {
		t.Errorf("subscriptions = %v, %v", subs, err)
	}
	if _, err := (&Service{}).Subscriptions(context.Background()); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("without Shopify: %v", err)
	}
}

func TestServiceConnectionWithoutShopify(t *testing.T) {
	if _, err := (&Service{}).Connection(context.Background()); err != ErrNotConfigured {
		t.Errorf("without Shopify: %v", err)
	}
}
