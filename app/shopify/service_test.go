package shopify

import (
	"context"
	"log/slog"
	"testing"
	"time"

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

func (e *serviceEngine) Subscribe(func(context.Context, engine.Envelope)) { e.subscribers++ }

func TestServiceSyncsRatesInTheBackground(t *testing.T) {
	fake := shopifytest.New(t)
	fake.AddVariant(shopifytest.Variant{ID: "1", Price: "2.00"})
	fake.FailNext("UpsertRates", 1, 503) // the first sync fails and is retried
	eng := &serviceEngine{fakeEngine: &fakeEngine{rates: map[string]engine.MicroTari{}, orders: map[string]engine.NewOrder{}},
		memOutbox: &memOutbox{now: time.Now, leased: map[int64]time.Time{}}}
	s, err := New(Deps{
		Config: Config{APIBaseURL: fake.URL, APIVersion: DefaultAPIVersion, AccessToken: shopifytest.Token, HMACChecks: true, HMACSecret: "k"},
		Engine: eng, Store: newMemStoreWithCaptures(), Now: time.Now, Log: slog.New(slog.DiscardHandler),
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
	for v, _ := fake.Variant("1"); v.TariPrice == nil; v, _ = fake.Variant("1") {
		<-fake.Arrived()
	}
	if n := len(fake.Calls("UpsertRates")); n != 2 {
		t.Errorf("%d metaobject upserts, want a failure and a retry", n)
	}
	if v, _ := fake.Variant("1"); *v.TariPrice != "20000000" || fake.Rates()["usd"] != "10000000" {
		t.Errorf("variant %s, rates %v", *v.TariPrice, fake.Rates())
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
