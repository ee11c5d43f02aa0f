package pay

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"taripay/app/httperr"
	"taripay/engine"
)

func TestSubmitClaim(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	m := sign(t, 1, "o1")
	resp, _ := postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{
		"address": {m.Address.Emoji()}, "signature": {m.Signature.Hex()},
	})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pay/"+tokenA {
		t.Fatalf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if want := "o1 " + m.Address.Base58(); len(f.claims) != 1 || f.claims[0] != want {
		t.Fatalf("engine claims = %q, want [%q]", f.claims, want)
	}
	flash := resp.Cookies()
	if len(flash) != 1 || flash[0].Name != flashCookie || !flash[0].HttpOnly || flash[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("claim cookies = %v, want one HttpOnly, SameSite=Lax %s cookie", flash, flashCookie)
	}

	f.orders[tokenA] = testOrder(tokenA, "o1", engine.OrderNew)
	notice := func(cookies []*http.Cookie) (string, []*http.Cookie) {
		req := httptestRequest(http.MethodGet, "/pay/"+tokenA, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, body := do(t, app, req)
		return doc(t, body).Find(".banner-success").Text(), resp.Cookies()
	}
	got, cleared := notice(flash)
	if !strings.Contains(got, "Claim accepted") {
		t.Errorf("notice after the redirect = %q", got)
	}
	// Shown once: the cookie that comes back is empty, and a crafted URL or
	// a forged cookie shows nothing.
	if got, _ := notice(cleared); got != "" {
		t.Errorf("notice on reload = %q", got)
	}
	forged := []*http.Cookie{{Name: flashCookie, Value: strings.Repeat("A", len(flash[0].Value))}}
	if got, _ := notice(forged); got != "" {
		t.Errorf("notice from a forged cookie = %q", got)
	}
}

// The whole JSON printed by `taripay claim` may be pasted instead.
func TestSubmitClaimPastedJSON(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	m := sign(t, 1, "o1")
	js, _ := m.MarshalJSON()
	resp, body := postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{"signature": {string(js)}})
	if resp.StatusCode != http.StatusSeeOther || len(f.claims) != 1 {
		t.Fatalf("status %d, claims %q:\n%s", resp.StatusCode, f.claims, body)
	}
}

func TestSubmitClaimRejected(t *testing.T) {
	good := sign(t, 1, "o1")
	other := sign(t, 2, "o1")
	forB := sign(t, 1, "o2")
	forBJSON, _ := forB.MarshalJSON()
	forged := []byte(good.Signature.Hex())
	// Change one hex digit of s (its low byte): still well-formed, no longer valid.
	if forged[64] == '0' {
		forged[64] = '1'
	} else {
		forged[64] = '0'
	}
	claimedByOther := func(string, string) (engine.ClaimResult, error) {
		return engine.ClaimResult{}, engine.Errorf(engine.ECONFLICT, engine.ErrClaimedByOther, "claimed")
	}
	for _, tc := range []struct {
		name       string
		token      string
		status     engine.OrderStatus
		address    string
		signature  string
		engineErr  func(string, string) (engine.ClaimResult, error)
		wantStatus int
		wantMsg    string
		wantClaims int
	}{
		{"unknown token", "nopeNopeNope0123456789", engine.OrderUnclaimed, good.Address.Base58(), good.Signature.Hex(), nil, 404, "Payment link not found", 0},
		{"forged signature", tokenA, engine.OrderUnclaimed, good.Address.Base58(), string(forged), nil, 400, "signature is not valid", 0},
		{"signature of another address", tokenA, engine.OrderUnclaimed, good.Address.Base58(), other.Signature.Hex(), nil, 400, "signature is not valid", 0},
		{"claim replayed against another order", tokenA, engine.OrderUnclaimed, forB.Address.Base58(), forB.Signature.Hex(), nil, 400, "signature is not valid", 0},
		{"pasted claim for another order", tokenA, engine.OrderUnclaimed, "", string(forBJSON), nil, 400, "signed for another order (o2)", 0},
		{"token for another order", tokenB, engine.OrderUnclaimed, good.Address.Base58(), good.Signature.Hex(), nil, 400, "signature is not valid", 0},
		{"not an address", tokenA, engine.OrderUnclaimed, "hello", good.Signature.Hex(), nil, 400, "not a valid Tari address", 0},
		{"short signature", tokenA, engine.OrderUnclaimed, good.Address.Base58(), "abcd", nil, 400, "128 hexadecimal", 0},
		{"empty", tokenA, engine.OrderUnclaimed, "", "", nil, 400, "Enter your Tari address", 0},
		{"expired", tokenA, engine.OrderExpired, good.Address.Base58(), good.Signature.Hex(), nil, 409, "expired", 0},
		{"cancelled", tokenA, engine.OrderCancelled, good.Address.Base58(), good.Signature.Hex(), nil, 409, "cancelled", 0},
		{"paid", tokenA, engine.OrderPaid, good.Address.Base58(), good.Signature.Hex(), nil, 409, "paid", 0},
		{"claimed by another address", tokenA, engine.OrderNew, good.Address.Base58(), good.Signature.Hex(), claimedByOther, 409, "already claimed by another address", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{orders: map[string]engine.Order{
				tokenA: testOrder(tokenA, "o1", tc.status),
				tokenB: testOrder(tokenB, "o2", engine.OrderUnclaimed),
			}, claim: tc.engineErr}
			app, _ := testHandler(t, f)
			resp, body := postForm(t, app, "/pay/"+tc.token+"/claim", url.Values{"address": {tc.address}, "signature": {tc.signature}})
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if !strings.Contains(doc(t, body).Text(), tc.wantMsg) {
				t.Errorf("page lacks %q:\n%s", tc.wantMsg, body)
			}
			if len(f.claims) != tc.wantClaims {
				t.Errorf("engine claims = %q, want %d", f.claims, tc.wantClaims)
			}
		})
	}
}

// Without a payment address a valid claim is refused with 503 and not
// stored, as on /order/claim; a bad one is still the 4xx it always was.
func TestSubmitClaimWithoutPaymentAddress(t *testing.T) {
	good := sign(t, 1, "o1")
	for _, tc := range []struct {
		name       string
		status     engine.OrderStatus
		signature  string
		wantStatus int
		wantMsg    string
	}{
		{"valid claim", engine.OrderUnclaimed, good.Signature.Hex(), 503, "Your claim was not recorded. This shop is not ready to take Tari yet"},
		{"bad signature", engine.OrderUnclaimed, sign(t, 2, "o1").Signature.Hex(), 400, "signature is not valid"},
		{"paid order", engine.OrderPaid, good.Signature.Hex(), 409, "This order is paid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", tc.status)}, noPay: true}
			app, _ := testHandler(t, f)
			resp, body := postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{"address": {good.Address.Base58()}, "signature": {tc.signature}})
			d := doc(t, body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(testid(d, "closed-reason").Text(), tc.wantMsg) {
				t.Errorf("status %d, want %d with %q:\n%s", resp.StatusCode, tc.wantStatus, tc.wantMsg, body)
			}
			if len(f.claims) != 0 || testid(d, "address").Length() != 0 || testid(d, "qr").Length() != 0 {
				t.Errorf("claims %q; or an address shown:\n%s", f.claims, body)
			}
		})
	}
}

// Outside strict mode a claim may be signed over the order name, as
// /order/claim accepts alt_id.
func TestSubmitClaimAltID(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, h := testHandler(t, f)
	m := sign(t, 1, "#1001")
	form := url.Values{"address": {m.Address.Base58()}, "signature": {m.Signature.Hex()}}
	if resp, _ := postForm(t, app, "/pay/"+tokenA+"/claim", form); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("strict mode: status %d, want 400", resp.StatusCode)
	}
	h.cfg.StrictMode = false
	if resp, _ := postForm(t, app, "/pay/"+tokenA+"/claim", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("lenient mode: status %d, want 303", resp.StatusCode)
	}
}

// An order that closes between loading and claiming shows why, without payment.
func TestSubmitClaimRacesClose(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	f.claim = func(string, string) (engine.ClaimResult, error) {
		o := f.orders[tokenA] // the fake's lock is held by Claim
		o.Status = engine.OrderExpired
		f.orders[tokenA] = o
		return engine.ClaimResult{}, engine.Errorf(engine.ECONFLICT, engine.ErrOrderClosed, "closed")
	}
	app, _ := testHandler(t, f)
	m := sign(t, 1, "o1")
	resp, body := postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{"address": {m.Address.Base58()}, "signature": {m.Signature.Hex()}})
	d := doc(t, body)
	if resp.StatusCode != http.StatusConflict || testid(d, "qr").Length() != 0 || !strings.Contains(testid(d, "closed-reason").Text(), "expired") {
		t.Errorf("status %d:\n%s", resp.StatusCode, body)
	}
}

func FuzzParseClaim(f *testing.F) {
	m := sign(f, 1, "o1")
	js, _ := m.MarshalJSON()
	f.Add(m.Address.Base58(), m.Signature.Hex())
	f.Add("", string(js))
	f.Add("x", "{")
	h := &Handler{}
	o := testOrder(tokenA, "o1", engine.OrderUnclaimed)
	f.Fuzz(func(t *testing.T, address, signature string) {
		claim, msg := h.parseClaim(o, address, signature)
		if msg == "" && (!claim.Verify() || claim.OrderID != "o1") {
			t.Fatalf("accepted a claim that does not verify for o1: %+v", claim)
		}
	})
}

// TestErrorStatusPay checks that the pay pages answer each engine code with
// the one table's status (httperr.Codes), as the API does, with their own
// HTML; an unmapped error is a 500 whose page names its request id.
func TestErrorStatusPay(t *testing.T) {
	good := sign(t, 1, "o1")
	for _, c := range append(httperr.Codes, httperr.Code{Code: "unmapped", Status: http.StatusInternalServerError}) {
		t.Run(c.Code, func(t *testing.T) {
			refused := engine.Errorf(c.Code, nil, "refused")
			f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)},
				claim: func(string, string) (engine.ClaimResult, error) { return engine.ClaimResult{}, refused }}
			app, _ := testHandler(t, f)
			resp, body := postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{"address": {good.Address.Base58()}, "signature": {good.Signature.Hex()}})
			checkErrorPage(t, "claim", resp, body, c.Status)
			f.fail = refused
			resp, body = get(t, app, "/pay/"+tokenA)
			checkErrorPage(t, "page", resp, body, c.Status)
		})
	}
}

func checkErrorPage(t *testing.T, what string, resp *http.Response, body []byte, status int) {
	t.Helper()
	if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%s: %d %s, want %d with HTML", what, resp.StatusCode, resp.Header.Get("Content-Type"), status)
	}
	id := resp.Header.Get("X-Request-Id")
	if (id != "") != (status == http.StatusInternalServerError) || !strings.Contains(string(body), id) {
		t.Errorf("%s: a %d with request id %q:\n%s", what, resp.StatusCode, id, body)
	}
}
