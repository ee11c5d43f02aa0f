package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/app/shopify"
)

// TestHome: GET / is a page naming the service with links to /health and
// the docs, which are served; opened from Shopify admin with a valid
// hmac it redirects into the embedded admin, keeping the query.
func TestHome(t *testing.T) {
	const secret = "app-secret"
	adminEnv := map[string]string{"TPG_SHOPIFY_API_KEY": "app-key", "TPG_SHOPIFY_API_SECRET": secret}
	launch := url.Values{"shop": {"demo.myshopify.com"}, "host": {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw"},
		"embedded": {"1"}, "timestamp": {"1733568000"}}
	signed := url.Values{"hmac": {shopify.LaunchHMAC(launch, secret)}}
	forged := url.Values{"hmac": {shopify.LaunchHMAC(launch, "another secret")}}
	for k, v := range launch {
		signed[k], forged[k] = v, v
	}
	tests := []struct {
		name     string
		env      map[string]string
		query    string
		redirect string // "" for the page
		admin    string // what the page says of the admin
	}{
		{"no admin", nil, "", "", "The embedded admin is off"},
		{"admin", adminEnv, "", "", "opens inside Shopify admin"},
		{"from Shopify", adminEnv, signed.Encode(), "/admin?" + signed.Encode(), ""},
		{"forged hmac", adminEnv, forged.Encode(), "", "opens inside Shopify admin"},
		{"from Shopify, admin off", nil, signed.Encode(), "", "The embedded admin is off"},
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "hooks"}
			for k, v := range tt.env {
				env[k] = v
			}
			h := newHarness(t, env)
			res, err := noFollow.Get("http://" + h.addr + "/?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if tt.redirect != "" {
				if res.StatusCode != http.StatusFound || res.Header.Get("Location") != tt.redirect {
					t.Fatalf("%d to %q, want 302 to %q", res.StatusCode, res.Header.Get("Location"), tt.redirect)
				}
				return
			}
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			doc, err := goquery.NewDocumentFromReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Find(`[data-testid="home-title"]`).Text(); got != "taripay" {
				t.Errorf("title %q", got)
			}
			if got := doc.Find(`[data-testid="home-admin"]`).Text(); !strings.Contains(got, tt.admin) {
				t.Errorf("admin line %q lacks %q", got, tt.admin)
			}
			links := doc.Find(`[data-testid="home-links"] a`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") })
			if !strings.Contains(strings.Join(links, " "), "/docs/configuration.md") || links[0] != "/health" {
				t.Fatalf("links %v", links)
			}
			for _, l := range links {
				if r := h.do("GET", l, nil); r.status != 200 || r.body == "" {
					t.Errorf("GET %s: %d", l, r.status)
				}
			}
		})
	}
	h := newHarness(t, nil)
	for _, p := range []string{"/docs/nope.md", "/docs/embed.go", "/docs/..%2Fgo.mod"} {
		if r := h.do("GET", p, nil); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
}
