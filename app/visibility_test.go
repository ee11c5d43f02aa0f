package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"taripay/engine"
)

// A stranger who knows one order id claims it with a fresh key: the claim
// still works as the reference's does, and the stranger then reads that
// order and no other of the customer's, through every route an address
// token can call. The customer, proven on a pay page, reads them all; an
// address whose payment named an order reads that one; the merchant reads
// everything. Money still follows the links: the customer pays the order
// the stranger claimed, and the customer's credit never pays the
// stranger's order (docs/security.md, "Claims and who sees an order").
func TestClaimByOrderIDShowsOnlyThatOrder(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		customer, stranger, payer := h.newActor(), h.newActor(), h.newActor()
		h.addOrder("c-old", "cust-c", 1_111_000, ptr("ship to 1 Main St"))
		h.addOrder("c-known", "cust-c", 2_222_000, ptr("gift for Ann"))
		h.addOrder("c-later", "cust-c", 3_333_000, ptr("call 555-0100"))
		h.addOrder("s-own", "cust-s", 500_000, nil)
		// What of the customer's other orders a stranger must never read:
		// their ids, notes and amounts.
		hidden := []string{"c-old", "ship to 1 Main St", "1111000", "c-later", "call 555-0100", "3333000"}

		for _, id := range []string{"c-known", "s-own"} {
			if r := h.claim(stranger, id); r.status != http.StatusOK || !strings.Contains(r.body, `"status":"New"`) {
				t.Fatalf("stranger's claim of %s: %d %s", id, r.status, r.body)
			}
		}
		strangerTok := h.login(stranger)
		strangerReads := func(when string) {
			t.Helper()
			for _, rt := range []struct{ method, path string }{
				{"GET", "/api/orders"}, {"GET", "/api/unfulfilled_orders"}, {"GET", "/api/history"},
				{"GET", "/api/order/id/c-old"}, {"GET", "/api/order/id/c-later"}, {"POST", "/api/settle"},
				{"GET", "/api/payments"}, {"GET", "/api/balance"},
			} {
				r := h.as(strangerTok, rt.method, rt.path, nil)
				if r.status != http.StatusOK {
					t.Errorf("%s: stranger %s %s: %d %s", when, rt.method, rt.path, r.status, r.body)
				}
				for _, s := range hidden {
					if strings.Contains(r.body, s) {
						t.Errorf("%s: stranger %s %s shows %q: %s", when, rt.method, rt.path, s, r.body)
					}
				}
			}
		}
		strangerReads("after the claim")
		wantOrders(t, h, strangerTok, "/api/orders", "c-known", "s-own")
		wantOrders(t, h, strangerTok, "/api/unfulfilled_orders", "c-known", "s-own")
		if r := h.as(strangerTok, "GET", "/api/order/id/c-known", nil); !strings.Contains(r.body, `"memo":"gift for Ann"`) {
			t.Errorf("the claimant does not see the order it claimed: %s", r.body)
		}

		// A payment that names an order shows its sender that order.
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, payer.addr, 1_000, "tx-payer", nil, ptr("c-later")))
		wantOrders(t, h, h.login(payer), "/api/orders", "c-later")

		// The customer claims one order on its pay page: the token proves
		// the customer, who then reads every order of theirs.
		if r := h.payPageClaim(customer, "c-old"); r.status != http.StatusOK { // after the 303 to the pay page
			t.Fatalf("pay page claim: %d %s", r.status, r.body)
		}
		customerTok := h.login(customer)
		wantOrders(t, h, customerTok, "/api/orders", "c-old", "c-known", "c-later")
		// The merchant sees every order of the customers the stranger is linked to.
		admin := h.loginAs(h.super, "read_all")
		wantOrders(t, h, admin, "/api/orders/"+stranger.base58(), "c-old", "c-known", "c-later", "s-own")

		// The customer pays the order the stranger claimed, and more: the
		// payment pays it first, then the customer's other open orders,
		// and leaves credit.
		h.pay(customer, 2_222_000+1_111_000+3_333_000+1_000_000, "tx-customer", nil, ptr("c-known"))
		for _, id := range []string{"c-known", "c-old", "c-later"} {
			if got := h.order(id).Status; got != engine.OrderPaid {
				t.Errorf("%s is %s after the customer's payment, want Paid", id, got)
			}
		}
		// That credit never pays the stranger's own order.
		if r := h.as(strangerTok, "POST", "/api/settle", nil); r.body != "null" {
			t.Errorf("stranger's settle paid something: %s", r.body)
		}
		if got := h.order("s-own").Status; got != engine.OrderNew {
			t.Errorf("s-own is %s, want New", got)
		}
		if b := h.balance(customer); b.CurrentBalance != 1_000_000 {
			t.Errorf("customer's credit %d, want 1000000", b.CurrentBalance)
		}
		strangerReads("after the customer paid")
	})
}

// After a stranger's claim, the customer's pay page still offers payment
// (address, amount, QR code), says who claimed the order and how to reach
// the shop, and takes the customer's own claim; the customer's payment,
// from an address that never claimed, pays the order.
func TestPayPageAfterStrangersClaim(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		customer, stranger := h.newActor(), h.newActor()
		o := h.addOrder("5714720719169", "cust-c", 2_222_000, nil)
		if r := h.claim(stranger, "5714720719169"); r.status != http.StatusOK {
			t.Fatalf("stranger's claim: %d %s", r.status, r.body)
		}

		d := h.payPage(o.ClaimToken)
		if got := testID(d, "claimed-elsewhere").Text(); !strings.Contains(got, "without this payment link") {
			t.Errorf("no claimed-elsewhere notice: %q", got)
		}
		if got := testID(d, "claimant").Text(); got != stranger.base58() {
			t.Errorf("claimant %q, want the stranger %s", got, stranger.base58())
		}
		if got := strings.Join(strings.Fields(testID(d, "shop-contact").Text()), " "); !strings.Contains(got, "contact the shop") {
			t.Errorf("no way to reach the shop: %q", got)
		}
		if got := testID(d, "amount").Text(); got != "2.222 XTR" {
			t.Errorf("amount %q", got)
		}
		for _, id := range []string{"address", "qr", "payment-note", "claim-form"} {
			if testID(d, id).Length() != 1 {
				t.Errorf("the pay page lost its %s", id)
			}
		}

		// The customer claims it here too: the page no longer warns.
		if r := h.payPageClaim(customer, "5714720719169"); r.status != http.StatusOK { // after the 303 to the pay page
			t.Fatalf("customer's claim: %d %s", r.status, r.body)
		}
		if d := h.payPage(o.ClaimToken); testID(d, "claimed-elsewhere").Length() != 0 || testID(d, "claim-form").Length() != 0 {
			t.Errorf("still claimed elsewhere after the customer's own claim")
		}

		// Another address of the customer's, which never claimed, pays
		// with the page's message and the order is paid.
		wallet := h.newActor()
		note := testID(d, "payment-note").Text()
		h.pay(wallet, 2_222_000, "tx-wallet", ptr(note), nil)
		if got := h.order("5714720719169").Status; got != engine.OrderPaid {
			t.Errorf("order is %s after the customer's payment, want Paid", got)
		}
	})
}

// wantOrders checks that a list route returns exactly the order ids, in order.
func wantOrders(t *testing.T, h *harness, token, path string, ids ...string) {
	t.Helper()
	r := h.as(token, "GET", path, nil)
	var got []string
	for _, o := range decode[struct {
		Orders []struct {
			OrderID string `json:"order_id"`
		} `json:"orders"`
	}](t, r).Orders {
		got = append(got, o.OrderID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("%s lists %v, want %v", path, got, ids)
	}
}

// payPage fetches and parses an order's pay page.
func (h *harness) payPage(token string) *goquery.Document {
	h.t.Helper()
	r := h.do("GET", "/pay/"+token, nil)
	if r.status != http.StatusOK {
		h.t.Fatalf("pay page: %d %s", r.status, r.body)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// payPageClaim submits a's signed claim through the order's pay page form.
func (h *harness) payPageClaim(a *actor, orderID string) response {
	h.t.Helper()
	o, err := h.e.Order(context.Background(), orderID, false)
	if err != nil {
		h.t.Fatal(err)
	}
	form := url.Values{"signature": {signedClaim(h.t, a, orderID)}}.Encode()
	return h.do("POST", "/pay/"+o.ClaimToken+"/claim", form, "Content-Type", "application/x-www-form-urlencoded")
}

func testID(d *goquery.Document, id string) *goquery.Selection {
	return d.Find(`[data-testid="` + id + `"]`)
}
