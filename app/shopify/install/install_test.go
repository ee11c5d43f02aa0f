package install

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"taripay/app/shopify/sessiontoken"
	"taripay/app/shopify/shopifytest"
	"taripay/internal/shopdata"
)

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type memTokens struct {
	mu sync.Mutex
	m  map[string]shopdata.Token
}

func (s *memTokens) ShopToken(_ context.Context, shop string) (shopdata.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[shop]
	if !ok {
		return shopdata.Token{}, shopdata.ErrTokenNotFound
	}
	return t, nil
}

func (s *memTokens) SaveShopToken(_ context.Context, t shopdata.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[t.Shop] = t
	return nil
}

func TestTokenExchangeLifecycle(t *testing.T) {
	oauth := &shopifytest.OAuth{Secret: shopifytest.ClientSecret}
	srv := httptest.NewServer(oauth)
	defer srv.Close()
	now := testNow
	store := &memTokens{m: map[string]shopdata.Token{}}
	var logs bytes.Buffer
	x := &TokenExchange{
		ClientID: shopifytest.ClientID, ClientSecret: shopifytest.ClientSecret,
		BaseURL: func(string) string { return srv.URL },
		HTTP:    srv.Client(), Store: store,
		Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(&logs, nil)),
	}
	ctx := context.Background()
	defer func() {
		// Every request logs the URL it dialled, and never a credential.
		if want := "url=" + srv.URL + "/admin/oauth/access_token"; !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
		if strings.Contains(logs.String(), shopifytest.ClientSecret) || strings.Contains(logs.String(), "id-token") {
			t.Errorf("log shows a credential:\n%s", logs.String())
		}
	}()

	if err := x.Ensure(ctx, shopifytest.Shop, "bad"); !errors.Is(err, sessiontoken.ErrInvalidSession) {
		t.Fatalf("refused subject token: %v", err)
	}
	if err := x.Ensure(ctx, shopifytest.Shop, "id-token"); err != nil {
		t.Fatal(err)
	}
	first, _ := store.ShopToken(ctx, shopifytest.Shop)
	if first.AccessToken == "" || first.RefreshToken == "" || !first.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("stored %+v", first)
	}
	if g := oauth.Grants()[1]; g["expiring"] != "1" || g["requested_token_type"] != "urn:shopify:params:oauth:token-type:offline-access-token" || g["subject_token"] != "id-token" {
		t.Fatalf("exchange body %v", g)
	}

	// a fresh token is kept
	if err := x.Ensure(ctx, shopifytest.Shop, "id-token"); err != nil {
		t.Fatal(err)
	}
	if tok, err := x.AccessToken(ctx, shopifytest.Shop); err != nil || tok != first.AccessToken {
		t.Fatalf("AccessToken = %q, %v", tok, err)
	}
	if n := len(oauth.GrantTypes()); n != 2 {
		t.Fatalf("%d grants, want 2", n)
	}

	// near expiry it is refreshed, rotating the refresh token
	now = now.Add(56 * time.Minute)
	tok, err := x.AccessToken(ctx, shopifytest.Shop)
	if err != nil || tok == first.AccessToken {
		t.Fatalf("after refresh: %q, %v", tok, err)
	}
	second, _ := store.ShopToken(ctx, shopifytest.Shop)
	if second.RefreshToken == first.RefreshToken || oauth.Grants()[2]["refresh_token"] != first.RefreshToken {
		t.Fatalf("refresh did not rotate: %+v, sent %v", second, oauth.Grants()[2])
	}

	// once the refresh token has expired too, only a new exchange helps
	now = now.Add(48 * time.Hour)
	if _, err := x.AccessToken(ctx, shopifytest.Shop); err == nil {
		t.Fatal("an expired token was handed out")
	}
	if err := x.Ensure(ctx, shopifytest.Shop, "id-token-2"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:token-exchange",
		"refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange",
	}
	got := oauth.GrantTypes()
	if len(got) != len(want) {
		t.Fatalf("grants %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("grants %v, want %v", got, want)
		}
	}
	if st, _ := x.Status(ctx, shopifytest.Shop); st.Mode != "token exchange" || st.Scope != "read_orders,write_orders" {
		t.Fatalf("status %+v", st)
	}
}

func TestStaticToken(t *testing.T) {
	s := StaticToken{Shop: shopifytest.Shop, Token: "shpat_static"}
	if tok, err := s.AccessToken(context.Background(), shopifytest.Shop); err != nil || tok != "shpat_static" {
		t.Fatalf("%q %v", tok, err)
	}
	if _, err := s.AccessToken(context.Background(), "other.myshopify.com"); !errors.Is(err, shopdata.ErrTokenNotFound) {
		t.Fatalf("other shop: %v", err)
	}
}
