package pay

import (
	"net/url"
	"strings"
	"testing"

	"taripay/engine"
	"taripay/engine/tari"
)

// With a dual payment address each open order is paid to its own address,
// which carries the order's note as its payment id; the note stays in the
// link and on the page as the fallback.
func TestShowOrderAddress(t *testing.T) {
	view, _ := key(t, 5)
	spend, _ := key(t, 6)
	dual := tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, view.Public(), spend.Public())
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	f.payTo = dual
	_, body := get(t, app, "/pay/"+tokenA)
	d := doc(t, body)

	shown, err := tari.ParseAddress(testid(d, "address").Text())
	if err != nil {
		t.Fatalf("address on the page: %v", err)
	}
	if string(shown.PaymentID()) != "order 5714720719169" || shown.SpendKey() != dual.SpendKey() {
		t.Errorf("address %s carries %q, want the merchant's with the order's note", shown, shown.PaymentID())
	}
	link, err := url.Parse(testid(d, "payment-uri").AttrOr("href", ""))
	if err != nil {
		t.Fatal(err)
	}
	q := link.Query()
	if q.Get("tariAddress") != shown.Base58() || q.Get("note") != "order 5714720719169" || q.Get("amount") != "2400500000" {
		t.Errorf("payment link %s", link)
	}
	if !strings.Contains(testid(d, "payment-note").Text(), "order 5714720719169") {
		t.Errorf("the note is not shown as the fallback:\n%s", body)
	}
}
