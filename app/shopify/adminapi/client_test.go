package shopify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"taripay/app/shopify/shopifytest"
)

func TestNewAdminValidatesShop(t *testing.T) {
	tests := []struct {
		cfg Config
		ok  bool
	}{
		{Config{Shop: "test-shop.myshopify.com", AccessToken: "t"}, true},
		{Config{APIBaseURL: "http://127.0.0.1:9", AccessToken: "t"}, true},
		{Config{Shop: "evil.example/?x=myshopify.com", AccessToken: "t"}, false},
		{Config{Shop: "test-shop.myshopify.com"}, false},
		{Config{APIBaseURL: "ftp://x", AccessToken: "t"}, false},
		{Config{APIBaseURL: "not a url", AccessToken: "t"}, false},
	}
	for _, tt := range tests {
		if _, err := NewAdmin(tt.cfg, nil, nil, slog.New(slog.DiscardHandler)); (err == nil) != tt.ok {
			t.Errorf("NewAdmin(%+v) = %v, want ok %v", tt.cfg, err, tt.ok)
		}
	}
}

type tokenFunc func(ctx context.Context, shop string) (string, error)

func (f tokenFunc) AccessToken(ctx context.Context, shop string) (string, error) { return f(ctx, shop) }

func TestAdminTokens(t *testing.T) {
	fake := shopifytest.New(t)
	fake.Token = "shpat_exchanged"
	fake.AddOrder(shopifytest.Order{ID: "1"})
	cfg := Config{Shop: "test-shop.myshopify.com", APIBaseURL: fake.URL, APIVersion: "2026-07"}
	var asked string
	exchanged := tokenFunc(func(_ context.Context, shop string) (string, error) { asked = shop; return "shpat_exchanged", nil })
	a, err := NewAdmin(cfg, exchanged, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Order(context.Background(), "1"); err != nil || asked != "test-shop.myshopify.com" {
		t.Fatalf("order with exchanged token: %v (asked for %q)", err, asked)
	}
	if c := fake.Calls("GetOrder"); c[0].Version != "2026-07" {
		t.Errorf("API version %s, want the configured 2026-07", c[0].Version)
	}

	cfg.AccessToken = "shpat_wrong"
	a, _ = NewAdmin(cfg, nil, nil, slog.New(slog.DiscardHandler))
	var ce *CallError
	if _, err := a.Order(context.Background(), "1"); !errors.As(err, &ce) || ce.Status != http.StatusUnauthorized || ce.Temporary {
		t.Errorf("wrong token: %v", err)
	}

	lapsed := tokenFunc(func(context.Context, string) (string, error) { return "", errors.New("expired") })
	a, _ = NewAdmin(cfg, lapsed, nil, slog.New(slog.DiscardHandler))
	if _, err := a.Order(context.Background(), "1"); !errors.As(err, &ce) || !ce.Temporary {
		t.Errorf("lapsed token: %v, want a temporary failure", err)
	}
}

func TestAdminUnreachableIsTemporary(t *testing.T) {
	fake := shopifytest.New(t)
	url := fake.URL
	fake.Close()
	a, _ := NewAdmin(Config{APIBaseURL: url, AccessToken: "t", APIVersion: DefaultAPIVersion}, nil, nil, slog.New(slog.DiscardHandler))
	var ce *CallError
	if err := a.MarkAsPaid(context.Background(), "1"); !errors.As(err, &ce) || !ce.Temporary {
		t.Errorf("unreachable Shopify: %v, want a temporary failure", err)
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
