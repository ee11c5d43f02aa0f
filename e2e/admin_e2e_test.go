package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"taripay/app/shopify/shopifytest"
	"taripay/internal/servetest"
)

// TestAdminInstallEndToEnd runs `taripay serve` in token-exchange mode: the
// first admin load exchanges its session token for an offline token, which
// the Shopify integration then uses, here to push a rate set in the admin.
func TestAdminInstallEndToEnd(t *testing.T) {
	const (
		clientID = "e2e-client-id"
		secret   = "e2e-client-secret"
		shop     = "e2e-shop.myshopify.com"
	)
	fake := shopifytest.New(t)
	fake.AddVariant(shopifytest.Variant{ID: "44021397602516", Price: "17.00"})
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var exchanges []map[string]string
	oauth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/oauth/access_token" {
			proxy.ServeHTTP(w, r)
			return
		}
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		exchanges = append(exchanges, body)
		mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{
			"access_token": shopifytest.Token, "scope": "read_orders,write_orders",
			"expires_in": 3600, "refresh_token": "shprt_e2e", "refresh_token_expires_in": 86400,
		})
	}))
	t.Cleanup(oauth.Close)

	dir := t.TempDir()
	srv := servetest.Serve(t, dir,
		"TPG_SHOPIFY_SHOP="+shop,
		"TPG_SHOPIFY_API_BASE_URL="+oauth.URL,
		"TPG_SHOPIFY_API_KEY="+clientID,
		"TPG_SHOPIFY_API_SECRET="+secret,
		"TPG_CLAIM_LINK_SECRET=e2e-link-secret",
	)
	base, stderr := srv.Base, srv.Log

	session, idToken := adminSession(t, base, shop, clientID, secret)
	mu.Lock()
	if len(exchanges) != 1 || exchanges[0]["subject_token"] != idToken || exchanges[0]["client_id"] != clientID {
		t.Fatalf("token exchanges: %v", exchanges)
	}
	mu.Unlock()

	form := url.Values{"currency": {"USD"}, "rate": {"10"}, "confirm": {"yes"}}
	req, _ := http.NewRequest("POST", base+"/admin/rates", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-TPS-Session", session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "The USD rate is set.") {
		t.Fatalf("set rate: %d %s", resp.StatusCode, b)
	}
	// the storefront sync authenticates with the exchanged token
	waitFor(t, fake, "SetTariPrices", stderr)
	if v, _ := fake.Variant("44021397602516"); v.TariPrice == nil || *v.TariPrice != fmt.Sprint(170_000_000) {
		t.Errorf("variant price after the rate change: %v", v.TariPrice)
	}
}

// adminSession opens the embedded admin of shop the way Shopify admin does,
// with a session token signed by the app's secret, and returns the app
// session the page hands to htmx, and the session token.
func adminSession(t *testing.T, base, shop, clientID, secret string) (session, idToken string) {
	t.Helper()
	idToken = sessionToken(t, shop, "77", clientID, secret)
	page := get(t, base+"/admin?embedded=1&shop="+shop+"&id_token="+idToken)
	m := sessionInPage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no app session in the page:\n%.2000s", page)
	}
	return m[1], idToken
}

// sessionInPage finds the app session a page hands to htmx.
var sessionInPage = regexp.MustCompile(`X-TPS-Session&#34;:&#34;([^&]+)&#34;`)

// sessionToken is the session token Shopify admin hands the app for staff
// user sub of shop, signed with the app's secret.
func sessionToken(t *testing.T, shop, sub, clientID, secret string) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://" + shop + "/admin", "dest": "https://" + shop, "aud": clientID, "sub": sub,
		"exp": now.Add(time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "e2e-" + sub, "sid": "e2e",
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
