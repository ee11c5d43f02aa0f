package pay

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"taripay/engine"
)

// An order waiting for its exchange rate has a page, by its claim token and
// by the email link, that says the shop is setting its Tari price: no
// amount, no address, no QR code, and it reloads itself until the order is
// priced.
func TestWaitingOrderPage(t *testing.T) {
	f := &fakeEngine{waiting: map[string]engine.WaitingOrder{tokenA: {
		OrderID: "5714720719169", AltID: str("#1001"), Price: "190.04", Currency: "USD", ClaimToken: tokenA,
	}}}
	app, _ := testHandler(t, f)

	resp, _ := get(t, app, "/pay/order/5714720719169/"+LinkMAC([]byte("link-secret"), "5714720719169"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pay/"+tokenA {
		t.Fatalf("email link: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/pay/" + tokenA, "/pay/" + tokenA + "/status"} {
		resp, body := get(t, app, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		d := doc(t, body)
		if got := testid(d, "message-title").Text(); got != "The shop is setting its Tari price" {
			t.Errorf("%s: title %q", path, got)
		}
		if n := d.Find(`[data-testid=amount], [data-testid=address], img, form`).Length(); n != 0 {
			t.Errorf("%s: %d payment elements on a page without a price", path, n)
		}
		if _, ok := d.Find(`meta[http-equiv=refresh]`).Attr("content"); !ok {
			t.Errorf("%s: the page does not reload itself", path)
		}
	}
	if resp, _ := get(t, app, "/pay/"+tokenB); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: status %d", resp.StatusCode)
	}

	_, body := get(t, app, "/pay/"+tokenA)
	golden := filepath.Join("testdata", "pay_waiting.golden.html")
	if *update {
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, want) {
		t.Errorf("waiting page differs from %s (go test ./app/pay -run WaitingOrderPage -update to accept):\n%s", golden, body)
	}
}
