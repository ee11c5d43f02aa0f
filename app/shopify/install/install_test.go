package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"taripay/engine"
)

type memTokens struct {
	mu sync.Mutex
	m  map[string]engine.ShopToken
}

func (s *memTokens) ShopToken(_ context.Context, shop string) (engine.ShopToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[shop]
	if !ok {
		return engine.ShopToken{}, engine.ErrShopTokenNotFound
	}
	return t, nil
}

func (s *memTokens) SaveShopToken(_ context.Context, t engine.ShopToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[t.Shop] = t
	return nil
}

// fakeOAuth is Shopify's access_token endpoint, recording each grant.
type fakeOAuth struct {
	mu     sync.Mutex
	grants []map[string]string
	n      int
	refuse bool // answer every grant 500, as Shopify down would
}

func (f *fakeOAuth) refuseAll(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = on
}

func (f *fakeOAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]string
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	f.grants = append(f.grants, body)
	f.n++
	n, refuse := f.n, f.refuse
	f.mu.Unlock()
	if refuse {
		w.WriteHeader(500)
		return
	}
	if r.URL.Path != "/admin/oauth/access_token" || body["client_secret"] != testSecret {
		w.WriteHeader(401)
		return
	}
	switch body["grant_type"] {
	case "urn:ietf:params:oauth:grant-type:token-exchange":
		if body["subject_token"] == "bad" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_subject_token"}`)
			return
		}
	case "refresh_token":
		if body["refresh_token"] == "" {
			w.WriteHeader(400)
			return
		}
	default:
		w.WriteHeader(400)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": "shpat_" + string(rune('a'+n)), "scope": "read_orders,write_orders",
		"expires_in": 3600, "refresh_token": "shprt_" + string(rune('a'+n)), "refresh_token_expires_in": 86400,
	})
}

func (f *fakeOAuth) grantTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, g := range f.grants {
		out = append(out, g["grant_type"])
	}
	return out
}

func TestTokenExchangeLifecycle(t *testing.T) {
	oauth := &fakeOAuth{}
	srv := httptest.NewServer(oauth)
	defer srv.Close()
	now := testNow
	store := &memTokens{m: map[string]engine.ShopToken{}}
	var logs bytes.Buffer
	x := &TokenExchange{
		ClientID: testClientID, ClientSecret: testSecret,
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
		if strings.Contains(logs.String(), testSecret) || strings.Contains(logs.String(), "id-token") {
			t.Errorf("log shows a credential:\n%s", logs.String())
		}
	}()

	if err := x.Ensure(ctx, testShop, "bad"); !errors.Is(err, ErrInvalidSession) {
		t.Fatalf("refused subject token: %v", err)
	}
	if err := x.Ensure(ctx, testShop, "id-token"); err != nil {
		t.Fatal(err)
	}
	first, _ := store.ShopToken(ctx, testShop)
	if first.AccessToken == "" || first.RefreshToken == "" || !first.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("stored %+v", first)
	}
	if g := oauth.grants[1]; g["expiring"] != "1" || g["requested_token_type"] != "urn:shopify:params:oauth:token-type:offline-access-token" || g["subject_token"] != "id-token" {
		t.Fatalf("exchange body %v", g)
	}

	// a fresh token is kept
	if err := x.Ensure(ctx, testShop, "id-token"); err != nil {
		t.Fatal(err)
	}
	if tok, err := x.AccessToken(ctx, testShop); err != nil || tok != first.AccessToken {
		t.Fatalf("AccessToken = %q, %v", tok, err)
	}
	if n := len(oauth.grantTypes()); n != 2 {
		t.Fatalf("%d grants, want 2", n)
	}

	// near expiry it is refreshed, rotating the refresh token
	now = now.Add(56 * time.Minute)
	tok, err := x.AccessToken(ctx, testShop)
	if err != nil || tok == first.AccessToken {
		t.Fatalf("after refresh: %q, %v", tok, err)
	}
	second, _ := store.ShopToken(ctx, testShop)
	if second.RefreshToken == first.RefreshToken || oauth.grants[2]["refresh_token"] != first.RefreshToken {
		t.Fatalf("refresh did not rotate: %+v, sent %v", second, oauth.grants[2])
	}

	// once the refresh token has expired too, only a new exchange helps
	now = now.Add(48 * time.Hour)
	if _, err := x.AccessToken(ctx, testShop); err == nil {
		t.Fatal("an expired token was handed out")
	}
	if err := x.Ensure(ctx, testShop, "id-token-2"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:token-exchange",
		"refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange",
	}
	got := oauth.grantTypes()
	if len(got) != len(want) {
		t.Fatalf("grants %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("grants %v, want %v", got, want)
		}
	}
	if st, _ := x.Status(ctx, testShop); st.Mode != "token exchange" || st.Scope != "read_orders,write_orders" {
		t.Fatalf("status %+v", st)
	}
}

func TestStaticToken(t *testing.T) {
	s := StaticToken{Shop: testShop, Token: "shpat_static"}
	if tok, err := s.AccessToken(context.Background(), testShop); err != nil || tok != "shpat_static" {
		t.Fatalf("%q %v", tok, err)
	}
	if _, err := s.AccessToken(context.Background(), "other.myshopify.com"); !errors.Is(err, engine.ErrShopTokenNotFound) {
		t.Fatalf("other shop: %v", err)
	}
}
