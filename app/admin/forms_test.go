package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/engine"
)

const (
	hostileScript = `<script>alert("pwned")</script>`
	hostileAttr   = `"><img src=x onerror=alert(1)>`
	testAddress   = "14zCiH6ybX18HCm3SfLfHSoT48vfzxWUtbNPMt7k61akqDv"
)

// unchangingEngine serves an open order and fails the test if anything
// would change.
func unchangingEngine(t *testing.T) *fakeEngine {
	open := engine.Order{OrderID: "1001", CustomerID: "c1", TotalPrice: 5_000_000, Currency: "USD", Status: engine.OrderNew}
	changed := func(string) { t.Helper(); t.Errorf("the engine was asked to change something") }
	return &fakeEngine{
		order: func(ref string) (engine.Order, error) {
			if ref != "1001" {
				return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "order %s does not exist", ref)
			}
			return open, nil
		},
		fulfill: func(context.Context, string, string) (engine.Order, error) { changed("fulfill"); return open, nil },
		cancel:  func(context.Context, string, string) (engine.Order, error) { changed("cancel"); return open, nil },
		changePrice: func(context.Context, string, engine.MicroTari, string) (engine.Order, error) {
			changed("price")
			return open, nil
		},
		changeMemo: func(context.Context, string, string, string) (engine.Order, error) { changed("memo"); return open, nil },
		reassign: func(context.Context, string, string, string) (engine.OrderMoved, error) {
			changed("reassign")
			return engine.OrderMoved{}, nil
		},
		reset: func(context.Context, string, string) (engine.Order, error) { changed("reset"); return open, nil },
		creditNote: func(context.Context, string, engine.MicroTari, string) (engine.MultiAccountPayment, error) {
			changed("credit")
			return engine.MultiAccountPayment{}, nil
		},
		authorizeWallet: func(context.Context, engine.Wallet) error { changed("authorize"); return nil },
		revokeWallet:    func(context.Context, string) error { changed("revoke"); return nil },
		setExchangeRate: func(context.Context, string, engine.MicroTari) (engine.ExchangeRate, error) {
			changed("rate")
			return engine.ExchangeRate{}, nil
		},
		updateRoles: func(context.Context, string, []engine.Role, []engine.Role) error { changed("roles"); return nil },
	}
}

// TestFormsRejectBadInput posts every admin form with missing, malformed and
// hostile values, confirmed: each answers an inline error, changes nothing,
// and never reflects the input unescaped.
func TestFormsRejectBadInput(t *testing.T) {
	long := strings.Repeat("x", 5000)
	longHostile := strings.Repeat(hostileScript, 200)
	tests := []struct {
		name   string
		method string
		path   string
		form   url.Values
		error  string // the data-testid of the inline error
	}{
		{"fulfill without reason", "POST", "/admin/orders/1001/fulfill", url.Values{}, "error-reason"},
		{"fulfill with a script reason", "POST", "/admin/orders/1001/fulfill", url.Values{"reason": {hostileScript}}, "error-reason"},
		{"cancel with a very long reason", "POST", "/admin/orders/1001/cancel", url.Values{"reason": {long}}, "error-reason"},
		{"cancel with a control character", "POST", "/admin/orders/1001/cancel", url.Values{"reason": {"ok\x00no"}}, "error-reason"},
		{"price missing", "POST", "/admin/orders/1001/price", url.Values{"reason": {"typo"}}, "error-price"},
		{"price negative", "POST", "/admin/orders/1001/price", url.Values{"price": {"-5"}, "reason": {"typo"}}, "error-price"},
		{"price zero", "POST", "/admin/orders/1001/price", url.Values{"price": {"0.000000"}, "reason": {"typo"}}, "error-price"},
		{"price with 7 decimals", "POST", "/admin/orders/1001/price", url.Values{"price": {"1.0000001"}, "reason": {"typo"}}, "error-price"},
		{"price overflowing int64", "POST", "/admin/orders/1001/price", url.Values{"price": {"99999999999999999999"}, "reason": {"typo"}}, "error-price"},
		{"price as a float exponent", "POST", "/admin/orders/1001/price", url.Values{"price": {"1e6"}, "reason": {"typo"}}, "error-price"},
		{"price hostile", "POST", "/admin/orders/1001/price", url.Values{"price": {hostileAttr}, "reason": {"typo"}}, "error-price"},
		{"memo missing", "POST", "/admin/orders/1001/memo", url.Values{"reason": {"typo"}}, "error-memo"},
		{"memo hostile", "POST", "/admin/orders/1001/memo", url.Values{"memo": {hostileScript}, "reason": {"typo"}}, "error-memo"},
		{"memo very long", "POST", "/admin/orders/1001/memo", url.Values{"memo": {longHostile}, "reason": {"typo"}}, "error-memo"},
		{"reassign missing", "POST", "/admin/orders/1001/reassign", url.Values{"reason": {"typo"}}, "error-customer"},
		{"reassign hostile", "POST", "/admin/orders/1001/reassign", url.Values{"customer": {hostileAttr}, "reason": {"typo"}}, "error-customer"},
		{"reassign very long", "POST", "/admin/orders/1001/reassign", url.Values{"customer": {long}, "reason": {"typo"}}, "error-customer"},
		{"reset of an open order", "POST", "/admin/orders/1001/reset", url.Values{"reason": {"why not"}}, "form-error"},
		{"credit missing", "POST", "/admin/customers/c1/credit", url.Values{}, "error-amount"},
		{"credit malformed", "POST", "/admin/customers/c1/credit", url.Values{"amount": {"ten"}, "reason": {"goodwill"}}, "error-amount"},
		{"credit hostile reason", "POST", "/admin/customers/c1/credit", url.Values{"amount": {"10"}, "reason": {hostileScript}}, "error-reason"},
		{"credit very long amount", "POST", "/admin/customers/c1/credit", url.Values{"amount": {long}, "reason": {"goodwill"}}, "error-amount"},
		{"authorise missing", "POST", "/admin/wallets", url.Values{}, "error-address"},
		{"authorise malformed address", "POST", "/admin/wallets", url.Values{"address": {"0OIl"}, "ip": {"192.0.2.1"}}, "error-address"},
		{"authorise hostile address", "POST", "/admin/wallets", url.Values{"address": {hostileScript}, "ip": {"192.0.2.1"}}, "error-address"},
		{"authorise malformed ip", "POST", "/admin/wallets", url.Values{"address": {testAddress}, "ip": {"192.0.2.300"}}, "error-ip"},
		{"authorise hostile ip", "POST", "/admin/wallets", url.Values{"address": {testAddress}, "ip": {hostileAttr}}, "error-ip"},
		{"authorise long ip", "POST", "/admin/wallets", url.Values{"address": {testAddress}, "ip": {long}}, "error-ip"},
		{"rate missing", "POST", "/admin/rates", url.Values{}, "error-currency"},
		{"rate malformed currency", "POST", "/admin/rates", url.Values{"currency": {"US1"}, "rate": {"2"}}, "error-currency"},
		{"rate hostile currency", "POST", "/admin/rates", url.Values{"currency": {hostileScript}, "rate": {"2"}}, "error-currency"},
		{"rate malformed", "POST", "/admin/rates", url.Values{"currency": {"USD"}, "rate": {"1,5"}}, "error-rate"},
		{"rate very long", "POST", "/admin/rates", url.Values{"currency": {"USD"}, "rate": {long}}, "error-rate"},
		{"role missing", "POST", "/admin/roles", url.Values{}, "error-address"},
		{"role hostile role", "POST", "/admin/roles", url.Values{"address": {testAddress}, "role": {hostileScript}, "op": {"grant"}}, "error-role"},
		{"role unknown op", "POST", "/admin/roles", url.Values{"address": {testAddress}, "role": {"write"}, "op": {"delete"}}, "error-op"},
		{"role hostile address", "POST", "/admin/roles", url.Values{"address": {hostileAttr}, "role": {"write"}, "op": {"grant"}}, "error-address"},
		{"search hostile id", "GET", "/admin/orders?id=" + url.QueryEscape(hostileAttr), nil, "error-id"},
		{"search hostile status", "GET", "/admin/orders?status=" + url.QueryEscape(hostileScript), nil, "error-status"},
		{"search malformed date", "GET", "/admin/orders?since=2026-13-01", nil, "error-since"},
		{"search reversed dates", "GET", "/admin/orders?since=2026-02-01&until=2026-01-01", nil, "error-until"},
		{"search hostile memo", "GET", "/admin/orders?memo=" + url.QueryEscape(hostileScript), nil, "error-memo"},
		{"customer lookup hostile", "GET", "/admin/customers?id=" + url.QueryEscape(hostileAttr), nil, "error-id"},
		{"role lookup hostile", "GET", "/admin/roles?address=" + url.QueryEscape(hostileScript), nil, "error-address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, unchangingEngine(t))
			form := tt.form
			if form != nil {
				form.Set("confirm", "yes")
			}
			hdr := hs.htmx()
			if tt.method == "GET" {
				hdr = map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session}
			}
			resp, body := hs.do(t, tt.method, tt.path, form, hdr)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400: %.500s", resp.StatusCode, body)
			}
			if !strings.Contains(body, `data-testid="`+tt.error+`"`) {
				t.Fatalf("no inline %s in %.2000s", tt.error, body)
			}
			announcedAndTied(t, parse(t, body), tt.error)
			for _, raw := range []string{hostileScript, hostileAttr, "<img", "onerror=alert(1)>"} {
				if strings.Contains(body, raw) {
					t.Fatalf("unescaped %q reflected", raw)
				}
			}
			if len(body) > 64<<10 {
				t.Errorf("a %d-byte answer: long input is reflected in full", len(body))
			}
		})
	}
}

// announcedAndTied checks that the error with data-testid testid is
// announced (role=alert) and, when it belongs to a field, that the field
// names it in aria-describedby and is aria-invalid.
func announcedAndTied(t *testing.T, doc *goquery.Document, testid string) {
	t.Helper()
	e := doc.Find(`[data-testid="` + testid + `"]`)
	if role, _ := e.Attr("role"); role != "alert" {
		t.Errorf("%s is not announced: role=%q", testid, role)
	}
	if testid == "form-error" {
		return
	}
	id, _ := e.Attr("id")
	f := doc.Find(`[aria-describedby~="` + id + `"]`)
	if id == "" || f.Length() != 1 {
		t.Fatalf("%s (id %q) is described by %d fields, want 1", testid, id, f.Length())
	}
	if v, _ := f.Attr("aria-invalid"); v != "true" {
		t.Errorf("the field of %s has aria-invalid=%q, want true", testid, v)
	}
}

// TestHostilePathNotReflected asks for an order whose id is markup.
func TestHostilePathNotReflected(t *testing.T) {
	hs := newHarness(t, unchangingEngine(t))
	for _, path := range []string{"/admin/orders/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/admin/customers/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"} {
		resp, body := hs.do(t, "GET", path, nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
		if resp.StatusCode != 404 {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: reflected unescaped: %s", path, body)
		}
	}
}

// TestFormsKeepValues checks that a rejected form shows what was typed, escaped.
func TestFormsKeepValues(t *testing.T) {
	hs := newHarness(t, unchangingEngine(t))
	resp, body := hs.do(t, "POST", "/admin/orders/1001/price", url.Values{"price": {"abc"}, "reason": {`a "quoted" <b>reason</b>`}}, hs.htmx())
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`value="abc"`, `a &#34;quoted&#34; &lt;b&gt;reason&lt;/b&gt;`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}
}
