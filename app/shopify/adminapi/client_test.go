package adminapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"taripay/app/shopify/shopifytest"
)

func TestNewValidatesShop(t *testing.T) {
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
		if _, err := New(tt.cfg, nil, nil, slog.New(slog.DiscardHandler)); (err == nil) != tt.ok {
			t.Errorf("New(%+v) = %v, want ok %v", tt.cfg, err, tt.ok)
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
	a, err := New(cfg, exchanged, nil, slog.New(slog.DiscardHandler))
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
	a, _ = New(cfg, nil, nil, slog.New(slog.DiscardHandler))
	var ce *CallError
	if _, err := a.Order(context.Background(), "1"); !errors.As(err, &ce) || ce.Status != http.StatusUnauthorized || ce.Temporary {
		t.Errorf("wrong token: %v", err)
	}

	lapsed := tokenFunc(func(context.Context, string) (string, error) { return "", errors.New("expired") })
	a, _ = New(cfg, lapsed, nil, slog.New(slog.DiscardHandler))
	if _, err := a.Order(context.Background(), "1"); !errors.As(err, &ce) || !ce.Temporary {
		t.Errorf("lapsed token: %v, want a temporary failure", err)
	}
}

func TestAdminUnreachableIsTemporary(t *testing.T) {
	fake := shopifytest.New(t)
	url := fake.URL
	fake.Close()
	a, _ := New(Config{APIBaseURL: url, AccessToken: "t", APIVersion: "2026-07"}, nil, nil, slog.New(slog.DiscardHandler))
	var ce *CallError
	if err := a.MarkAsPaid(context.Background(), "1"); !errors.As(err, &ce) || !ce.Temporary {
		t.Errorf("unreachable Shopify: %v, want a temporary failure", err)
	}
}
