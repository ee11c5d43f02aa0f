package admin

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify/shopifytest"

	"github.com/gofiber/fiber/v2"
)

type harness struct {
	app     *fiber.App
	h       *Handler
	session string // a valid X-TPS-Session
}

func newHarness(t testing.TB, eng Engine) *harness {
	t.Helper()
	h := New(Config{
		ClientID:      testClientID,
		ClientSecrets: []string{testSecret},
		HtmxURL:       "/static/htmx.min.js",
	}, Deps{
		Engine: eng,
		Now:    func() time.Time { return testNow },
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	app := fiber.New(fiber.Config{StrictRouting: true, CaseSensitive: true, Immutable: true})
	h.Register(app)
	return &harness{app: app, h: h, session: h.sessions.Mint(Staff{Shop: testShop, User: "42"})}
}

// do sends a request; an htmx request carries the app session unless hdr overrides it.
func (hs *harness) do(t testing.TB, method, target string, form url.Values, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hs.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (hs *harness) htmx() map[string]string {
	return map[string]string{"HX-Request": "true", SessionHeader: hs.session}
}

func TestDocumentLoadWithSessionToken(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	tok := shopifytest.ValidIDToken(testNow).Mint(t)
	resp, body := hs.do(t, "GET", "/admin?embedded=1&shop="+testShop+"&id_token="+tok, nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors", "https://" + testShop, "https://admin.shopify.com"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if v := resp.Header.Get("X-Frame-Options"); v != "" {
		t.Errorf("X-Frame-Options = %q, want none", v)
	}
	m := regexp.MustCompile(`hx-headers="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hx-headers in page")
	}
	session := regexp.MustCompile(`X-TPS-Session&#34;:&#34;([^&]+)&#34;`).FindStringSubmatch(m[1])
	if session == nil {
		t.Fatalf("no session in hx-headers %q", m[1])
	}
	st, err := hs.h.sessions.Verify(session[1])
	if err != nil || st != (Staff{Shop: testShop, User: "42"}) {
		t.Fatalf("minted session = %+v, %v", st, err)
	}
	// the minted header alone authenticates an htmx request
	resp, _ = hs.do(t, "GET", "/admin/orders", nil, map[string]string{"HX-Request": "true", SessionHeader: session[1]})
	if resp.StatusCode != 200 {
		t.Fatalf("htmx with minted session: %d", resp.StatusCode)
	}
}

func TestUnauthenticatedRequests(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	expired := shopifytest.ValidIDToken(testNow.Add(-2 * time.Minute))
	expiredTok := expired.Mint(t)
	host := base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/test-shop"))
	tests := []struct {
		name       string
		method     string
		target     string
		hdr        map[string]string
		wantStatus int
		wantRetry  bool
		wantLoc    string
	}{
		{name: "htmx without auth", method: "GET", target: "/admin/orders", hdr: map[string]string{"HX-Request": "true"}, wantStatus: 401, wantRetry: true},
		{name: "fetch with an expired bearer", method: "GET", target: "/admin/orders", hdr: map[string]string{"Authorization": "Bearer " + expiredTok}, wantStatus: 401, wantRetry: true},
		{name: "fetch with a garbage bearer", method: "POST", target: "/admin/rates", hdr: map[string]string{"Authorization": "Bearer x.y.z"}, wantStatus: 401, wantRetry: true},
		{name: "htmx with a forged session", method: "POST", target: "/admin/wallets", hdr: map[string]string{"HX-Request": "true", SessionHeader: hs.session + "x"}, wantStatus: 401, wantRetry: true},
		{name: "cors fetch without auth", method: "GET", target: "/admin", hdr: map[string]string{"Sec-Fetch-Dest": "empty"}, wantStatus: 401, wantRetry: true},
		{name: "post with an id_token in the query only", method: "POST", target: "/admin/rates?id_token=" + shopifytest.ValidIDToken(testNow).Mint(t), hdr: map[string]string{"HX-Request": "true"}, wantStatus: 401, wantRetry: true},
		{name: "embedded document without id_token bounces", method: "GET", target: "/admin/orders?embedded=1&shop=" + testShop, wantStatus: 302, wantLoc: "/admin/bounce?"},
		{name: "document with an expired id_token bounces", method: "GET", target: "/admin?embedded=1&shop=" + testShop + "&id_token=" + expiredTok, wantStatus: 302, wantLoc: "/admin/bounce?"},
		{name: "an iframe load without id_token bounces", method: "GET", target: "/admin/orders", hdr: map[string]string{"Sec-Fetch-Dest": "iframe"}, wantStatus: 302, wantLoc: "/admin/bounce?"},
		{name: "not embedded goes into the admin", method: "GET", target: "/admin?shop=" + testShop + "&host=" + host, wantStatus: 302, wantLoc: "https://admin.shopify.com/store/test-shop/apps/" + testClientID},
		{name: "a foreign host is not followed", method: "GET", target: "/admin?host=" + base64.RawStdEncoding.EncodeToString([]byte("evil.example.com")), wantStatus: 401},
		{name: "plain visit", method: "GET", target: "/admin", wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := hs.do(t, tt.method, tt.target, nil, tt.hdr)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get(RetryHeader) == "1"; got != tt.wantRetry {
				t.Errorf("retry header = %v, want %v", got, tt.wantRetry)
			}
			if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, tt.wantLoc) {
				t.Errorf("Location = %q, want prefix %q", loc, tt.wantLoc)
			}
			if strings.Contains(body, "data-testid=\"admin\"") {
				t.Errorf("an admin page was served")
			}
			if resp.Header.Get("X-Frame-Options") != "" {
				t.Errorf("X-Frame-Options sent")
			}
		})
	}
}

func TestBounceKeepsTheURLForAppBridge(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	resp, _ := hs.do(t, "GET", "/admin/orders?embedded=1&shop="+testShop+"&status=Paid", nil, nil)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	reload := loc.Query().Get("shopify-reload")
	if reload != "/admin/orders?embedded=1&shop="+testShop+"&status=Paid" {
		t.Fatalf("shopify-reload = %q", reload)
	}
	resp, body := hs.do(t, "GET", loc.String(), nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="bounce"`) {
		t.Fatalf("bounce page: %d %s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://"+testShop) {
		t.Fatalf("bounce CSP %q lacks the shop", csp)
	}
}

func TestCSPOnlyFromValidShops(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	resp, _ := hs.do(t, "GET", "/admin/bounce?shop=evil.com%20https://x", nil, nil)
	csp := resp.Header.Get("Content-Security-Policy")
	if strings.Contains(csp, "evil") || csp != "frame-ancestors https://admin.shopify.com;" {
		t.Fatalf("CSP = %q", csp)
	}
}

func TestAssets(t *testing.T) {
	hs := newHarness(t, &fakeEngine{})
	for path, ctype := range map[string]string{"/admin/assets/admin.css": "text/css", "/admin/assets/admin.js": "text/javascript"} {
		resp, _ := hs.do(t, "GET", path, nil, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := hs.do(t, "GET", "/admin/assets/..%2fassets.go", nil, nil); resp.StatusCode != 404 {
		t.Errorf("traversal: %d", resp.StatusCode)
	}
}
