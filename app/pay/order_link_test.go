package pay

import (
	"net/http"
	"strings"
	"testing"

	"taripay/engine"
)

// TestOrderLink builds the email's link for an order, which EmailLink
// takes to the order's pay page.
func TestOrderLink(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", engine.OrderUnclaimed)}}
	app, h := testHandler(t, f)
	link := OrderLink("https://pay.example.com/", h.cfg.LinkSecret, "5714720719169")
	path, ok := strings.CutPrefix(link, "https://pay.example.com/pay/order/5714720719169/")
	if !ok {
		t.Fatalf("OrderLink = %q", link)
	}
	if resp, _ := get(t, app, "/pay/order/5714720719169/"+path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pay/"+tokenA {
		t.Errorf("the link leads to status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := OrderLink("https://pay.example.com", nil, "5714720719169"); got != "" {
		t.Errorf("without a link secret: %q, want none", got)
	}
}
