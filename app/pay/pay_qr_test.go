package pay

import (
	"net/http"
	"testing"

	"taripay/engine"
	"taripay/internal/qrtest"
)

func TestQR(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	resp, png := get(t, app, "/pay/"+tokenA+"/qr.png")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, hot := key(t, 9)
	want := "tari://mainnet/transactions/send?tariAddress=" + hot.Base58() + "&amount=2400500000&note=order%20o1"
	if got := qrtest.Decode(t, png); got != want {
		t.Errorf("QR text = %q, want %q", got, want)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control = %q", cc)
	}
	req := httptestRequest(http.MethodGet, "/pay/"+tokenA+"/qr.png", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := do(t, app, req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", resp.StatusCode)
	}

	// A price change is a new image.
	o := f.orders[tokenA]
	o.TotalPrice = 1
	f.orders[tokenA] = o
	if resp, _ := do(t, app, req); resp.StatusCode != http.StatusOK {
		t.Errorf("after a price change: status %d, want 200", resp.StatusCode)
	}
}

func TestQRClosedOrder(t *testing.T) {
	for _, s := range []engine.OrderStatus{engine.OrderPaid, engine.OrderExpired, engine.OrderCancelled} {
		f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", s)}}
		app, _ := testHandler(t, f)
		if resp, _ := get(t, app, "/pay/"+tokenA+"/qr.png"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", s, resp.StatusCode)
		}
	}
}

// Once part of a New order's total has arrived, the QR code asks for what
// is still due, as the page's link does, with the same address and note.
func TestQRRemainder(t *testing.T) {
	_, hot := key(t, 9)
	for _, tc := range []struct {
		name     string
		receipts engine.OrderReceipts
		amount   string // in the QR's URI, µT; "" for no QR code
	}{
		{"nothing received", engine.OrderReceipts{}, "2400500000"},
		{"part received, pending", engine.OrderReceipts{Pending: 500_000}, "2400000000"},
		{"part confirmed", engine.OrderReceipts{Pending: 400_000_000, Confirmed: 2_000_000_000}, "500000"},
		{"full, pending", engine.OrderReceipts{Pending: 2_400_500_000}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{
				orders:   map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderNew)},
				viewers:  map[string][]engine.OrderViewer{"o1": {{Address: "x", Proof: engine.ProofPayPage}}},
				receipts: map[string]engine.OrderReceipts{"o1": tc.receipts},
			}
			app, _ := testHandler(t, f)
			resp, png := get(t, app, "/pay/"+tokenA+"/qr.png")
			if tc.amount == "" {
				if resp.StatusCode != http.StatusNotFound {
					t.Fatalf("status %d, want 404", resp.StatusCode)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			want := "tari://mainnet/transactions/send?tariAddress=" + hot.Base58() + "&amount=" + tc.amount + "&note=order%20o1"
			if got := qrtest.Decode(t, png); got != want {
				t.Errorf("QR text = %q, want %q", got, want)
			}
			_, page := get(t, app, "/pay/"+tokenA)
			if got := testid(doc(t, page), "payment-uri").AttrOr("href", ""); got != want {
				t.Errorf("page's link = %q, want the QR's %q", got, want)
			}
		})
	}
}
