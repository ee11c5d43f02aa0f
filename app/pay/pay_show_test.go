package pay

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"taripay/engine"
	"taripay/engine/tari"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestShowGolden(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	resp, body := get(t, app, "/pay/"+tokenA)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	golden := filepath.Join("testdata", "pay_show.golden.html")
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
		t.Errorf("pay page differs from %s (go test ./app/pay -run Golden -update to accept):\n%s", golden, body)
	}
}

func TestShowByStatus(t *testing.T) {
	_, hot := key(t, 9)
	for _, tc := range []struct {
		status             engine.OrderStatus
		label, closed      string
		payment, claimForm bool
		poll               bool
		timeLeft           string
	}{
		{engine.OrderUnclaimed, "Waiting for your payment", "", true, true, true, "Time left: 1 hour 30 minutes."},
		{engine.OrderNew, "Claimed, waiting for payment", "", true, false, true, "Time left: 47 hours."},
		{engine.OrderPaid, "Paid", "This order is paid.", false, false, false, ""},
		{engine.OrderExpired, "Expired", "This order expired", false, false, false, ""},
		{engine.OrderCancelled, "Cancelled", "This order was cancelled", false, false, false, ""},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", tc.status)}}
			// Claimed on this page (TestShowClaimedElsewhere has the other case).
			f.viewers = map[string][]engine.OrderViewer{"5714720719169": {{Address: hot.Base58(), OrderID: "5714720719169", Proof: engine.ProofPayPage}}}
			app, _ := testHandler(t, f)
			resp, body := get(t, app, "/pay/"+tokenA)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			d := doc(t, body)
			if got := d.Find("html").AttrOr("lang", ""); got != "en" {
				t.Errorf("html lang = %q", got)
			}
			if got := testid(d, "order-name").Text(); got != "#1001" {
				t.Errorf("order name = %q", got)
			}
			if got := testid(d, "amount").Text(); got != "2,400.5 XTR" {
				t.Errorf("amount = %q", got)
			}
			if got := testid(d, "amount").AttrOr("data-microtari", ""); got != "2400500000" {
				t.Errorf("data-microtari = %q", got)
			}
			if got := testid(d, "fiat").Text(); got != "190.04 USD" {
				t.Errorf("fiat = %q", got)
			}
			if got := testid(d, "rate").Text(); got != "Rate used: 1 USD = 12.631578 XTR" {
				t.Errorf("rate = %q", got)
			}
			st := testid(d, "status")
			if got := st.AttrOr("data-status", ""); got != string(tc.status) {
				t.Errorf("data-status = %q", got)
			}
			if got := testid(d, "status-label").Text(); got != tc.label {
				t.Errorf("status label = %q, want %q", got, tc.label)
			}
			if _, ok := d.Find("#status-poll").Attr("hx-get"); ok != tc.poll {
				t.Errorf("polling = %v, want %v", ok, tc.poll)
			}
			if got := testid(d, "time-left").Text(); got != tc.timeLeft {
				t.Errorf("time left = %q, want %q", got, tc.timeLeft)
			}
			if got := testid(d, "address").Length() == 1; got != tc.payment {
				t.Errorf("payment shown = %v, want %v", got, tc.payment)
			}
			if tc.payment {
				if got := testid(d, "address").Text(); got != hot.Base58() {
					t.Errorf("address = %q", got)
				}
				if got := testid(d, "address-emoji").Text(); got != hot.Emoji() {
					t.Errorf("emoji = %q", got)
				}
				if alt := testid(d, "qr").AttrOr("alt", ""); !strings.Contains(alt, "QR code") {
					t.Errorf("QR alt = %q", alt)
				}
			}
			if got := testid(d, "claim-form").Length() == 1; got != tc.claimForm {
				t.Errorf("claim form shown = %v, want %v", got, tc.claimForm)
			}
			if got := testid(d, "closed-reason").Text(); !strings.Contains(got, tc.closed) || (tc.closed == "") != (got == "") {
				t.Errorf("closed reason = %q, want it to contain %q", got, tc.closed)
			}
			d.Find("input, textarea").Each(func(_ int, s *goquery.Selection) {
				id := s.AttrOr("id", "")
				if id == "" || d.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("input %q has no label", id)
				}
			})
		})
	}
}

func TestShowPastDeadlineIsClosed(t *testing.T) {
	o := testOrder(tokenA, "o1", engine.OrderUnclaimed)
	o.RecordedAt = now.Add(-3 * time.Hour)
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: o}}
	app, _ := testHandler(t, f)
	_, body := get(t, app, "/pay/"+tokenA)
	d := doc(t, body)
	if !strings.Contains(testid(d, "closed-reason").Text(), "expired") || testid(d, "qr").Length() != 0 {
		t.Errorf("an order past its deadline is still offered for payment:\n%s", body)
	}
}

func TestShowWithoutStoredRateUsesTodaysRate(t *testing.T) {
	o := testOrder(tokenA, "o1", engine.OrderUnclaimed)
	o.ExchangeRate = 0
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: o}, rate: engine.ExchangeRate{Currency: "USD", Rate: 2_000_000}}
	app, _ := testHandler(t, f)
	_, body := get(t, app, "/pay/"+tokenA)
	if got := testid(doc(t, body), "rate").Text(); got != "Today's rate: 1 USD = 2 XTR" {
		t.Errorf("rate = %q", got)
	}
}

// Without a payment address (engine.PaymentAddress), every pay page says
// the shop is not ready, with no address, QR code or claim form, and the
// QR route serves no image; the email link leads to the same page.
func TestShowWithoutPaymentAddress(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", engine.OrderUnclaimed)}, noPay: true}
	app, _ := testHandler(t, f)
	resp, body := get(t, app, "/pay/"+tokenA)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	golden := filepath.Join("testdata", "pay_not_ready.golden.html")
	if *update {
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(golden); err != nil || !bytes.Equal(body, want) {
		t.Errorf("pay page differs from %s (go test ./app/pay -run WithoutPaymentAddress -update to accept): %v\n%s", golden, err, body)
	}

	resp, _ = get(t, app, "/pay/order/5714720719169/"+LinkMAC([]byte("link-secret"), "5714720719169"))
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/pay/"+tokenA {
		t.Fatalf("email link: status %d, location %q", resp.StatusCode, loc)
	}
	for _, path := range []string{"/pay/" + tokenA, "/pay/" + tokenA + "/status?shown=New"} {
		_, body := get(t, app, path)
		d := doc(t, body)
		if got := testid(d, "closed-reason").Text(); !strings.HasPrefix(got, "This shop is not ready to take Tari yet") {
			t.Errorf("%s: closed reason = %q", path, got)
		}
		for _, id := range []string{"address", "address-emoji", "qr", "payment-uri", "payment-note", "claim-form"} {
			if testid(d, id).Length() != 0 {
				t.Errorf("%s: %s shown without a payment address", path, id)
			}
		}
		if bytes.Contains(body, []byte("tari://")) || bytes.Contains(body, []byte("qr.png")) {
			t.Errorf("%s: a payment link without a payment address:\n%s", path, body)
		}
	}

	resp, png := get(t, app, "/pay/"+tokenA+"/qr.png")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") == "image/png" || bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("QR route without a payment address: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// A paid order still says it is paid.
	f.setStatus(tokenA, engine.OrderPaid)
	_, body = get(t, app, "/pay/"+tokenA)
	if got := testid(doc(t, body), "closed-reason").Text(); !strings.HasPrefix(got, "This order is paid") {
		t.Errorf("paid order: closed reason = %q", got)
	}
}

// A fault while finding the payment address is an error page, never "not
// ready" and never an address.
func TestShowPaymentAddressFault(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	f.payTo, f.payToErr = tari.Address{}, fmt.Errorf("payment address: %w", engine.ErrUnavailable)
	for _, path := range []string{"/pay/" + tokenA, "/pay/" + tokenA + "/status", "/pay/" + tokenA + "/qr.png"} {
		resp, body := get(t, app, path)
		if resp.StatusCode != http.StatusServiceUnavailable || testid(doc(t, body), "message-title").Text() != "Something went wrong" {
			t.Errorf("%s: status %d:\n%s", path, resp.StatusCode, body)
		}
	}
}

// Unknown and malformed tokens get the same 404, so responses reveal nothing.
func TestUnknownToken(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	_, first := get(t, app, "/pay/unknownToken0123456789")
	for _, path := range []string{
		"/pay/unknownToken0123456789", "/pay/short", "/pay/" + strings.Repeat("a", 200), "/pay/bad%20token%3Cx%3E0123456",
		"/pay/unknownToken0123456789/status", "/pay/unknownToken0123456789/qr.png",
	} {
		resp, body := get(t, app, path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
		if !bytes.Equal(body, first) {
			t.Errorf("%s: the 404 page differs between unknown tokens", path)
		}
	}
	if got := testid(doc(t, first), "message-title").Text(); got != "Payment link not found" {
		t.Errorf("404 title = %q", got)
	}
}

// The poller's answer never touches the live region while the status stays
// the same, so a screen reader announces nothing every 3 s; a change
// replaces the region's text (out of band, keeping the region) and the pay
// part, and a final status stops the polling.
func TestStatusFragment(t *testing.T) {
	pastDeadline := func(f *fakeEngine) {
		o := f.orders[tokenA]
		claimed := now.Add(-49 * time.Hour)
		o.ClaimedAt = &claimed
		f.orders[tokenA] = o
	}
	// Payments that name the order arrived: 1,000 XTR, part pending; or
	// 2,000 XTR confirmed, short of the 2,400.5 XTR; or all of it.
	pending := func(f *fakeEngine) {
		f.receipts = map[string]engine.OrderReceipts{"o1": {Pending: 600_000_000, Confirmed: 400_000_000}}
	}
	confirmedShort := func(f *fakeEngine) {
		f.receipts = map[string]engine.OrderReceipts{"o1": {Confirmed: 2_000_000_000}}
	}
	received := func(f *fakeEngine) {
		f.receipts = map[string]engine.OrderReceipts{"o1": {Pending: 400_500_000, Confirmed: 2_000_000_000}}
	}
	const (
		partLabel    = "Received 1,000 XTR of 2,400.5 XTR, 1,400.5 XTR still due"
		shortLabel   = "Received 2,000 XTR of 2,400.5 XTR, 400.5 XTR still due"
		waitingLabel = "Payment received — waiting for confirmation (2,400.5 XTR of 2,400.5 XTR)"
	)
	for _, tc := range []struct {
		name, status, shown string
		prep                func(f *fakeEngine)
		poll                string // the new poller's shown=; "" for no poller
		live                string // the label the live region is told; "" for untouched
		offer               bool   // the pay part is replaced
		qr                  bool   // and offers payment
	}{
		{"unchanged", "New", "New", nil, "New", "", false, false},
		{"none shown", "New", "", nil, "New", "Claimed, waiting for payment", true, true},
		{"paid", "Paid", "New", nil, "", "Paid", true, false},
		{"final, none shown", "Cancelled", "", nil, "", "Cancelled", true, false},
		{"final, unchanged", "Cancelled", "Cancelled", nil, "", "", false, false},
		{"deadline passed", "New", "New", pastDeadline, "New-closed", "Expired", true, false},
		{"shop not ready, unchanged", "New", "New-closed", func(f *fakeEngine) { f.noPay = true }, "New-closed", "", false, false},
		{"shop became ready", "New", "New-closed", nil, "New", "Claimed, waiting for payment", true, true},
		{"part received", "New", "New", pending, "New-received-1000000000", partLabel, true, true},
		{"part received, unchanged", "New", "New-received-1000000000", pending, "New-received-1000000000", "", false, false},
		{"more received", "New", "New-received-400000000", pending, "New-received-1000000000", partLabel, true, true},
		{"confirmed short", "New", "New", confirmedShort, "New-received-2000000000", shortLabel, true, true},
		{"all received", "New", "New-received-2000000000", received, "New-received-2400500000", waitingLabel, true, false},
		{"all received, unchanged", "New", "New-received-2400500000", received, "New-received-2400500000", "", false, false},
		{"received, then paid", "Paid", "New-received-1000000000", pending, "", "Paid", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderStatus(tc.status))}}
			f.viewers = map[string][]engine.OrderViewer{"o1": {{Address: "x", Proof: engine.ProofPayPage}}}
			app, _ := testHandler(t, f)
			if tc.prep != nil {
				tc.prep(f)
			}
			_, body := get(t, app, "/pay/"+tokenA+"/status?shown="+tc.shown)
			if bytes.Contains(body, []byte("<html")) {
				t.Fatalf("status answer is a whole page:\n%s", body)
			}
			d := doc(t, body)
			poll := d.Find("#status-poll")
			want := ""
			if tc.poll != "" {
				want = "/pay/" + tokenA + "/status?shown=" + tc.poll
			}
			if got := poll.AttrOr("hx-get", ""); got != want {
				t.Errorf("poller URL = %q, want %q", got, want)
			}
			if tc.poll != "" && (poll.AttrOr("hx-trigger", "") != "every 3s" || poll.AttrOr("hx-swap", "") != "outerHTML") {
				t.Errorf("poller %s", body)
			}
			if d.Find(`#time-left[hx-swap-oob="true"]`).Length() != 1 {
				t.Errorf("the time left is not refreshed:\n%s", body)
			}
			live := d.Find("#status-live")
			if tc.live == "" {
				if live.Length() != 0 || testid(d, "status").Length() != 0 {
					t.Errorf("an unchanged status rewrites the live region:\n%s", body)
				}
			} else if live.AttrOr("hx-swap-oob", "") != "innerHTML" || live.Find(`[data-testid="status-label"]`).Text() != tc.live ||
				live.Find(`[data-testid="status"]`).AttrOr("data-status", "") != tc.status {
				t.Errorf("the live region is not told %s, in place:\n%s", tc.live, body)
			}
			offer := d.Find(`#offer[hx-swap-oob="true"]`)
			if (offer.Length() == 1) != tc.offer {
				t.Errorf("pay part replaced = %v, want %v:\n%s", offer.Length() == 1, tc.offer, body)
			}
			if tc.offer && (offer.Find(`[data-testid="qr"]`).Length() == 1) != tc.qr {
				t.Errorf("payment offered = %v, want %v:\n%s", !tc.qr, tc.qr, body)
			}
		})
	}
}

// An engine failure is an HTML error page, not the API's JSON, and logs the cause.
func TestShowEngineFailure(t *testing.T) {
	f := &fakeEngine{fail: errors.New("database is down")}
	app, _ := testHandler(t, f)
	resp, body := get(t, app, "/pay/"+tokenA)
	if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got := testid(doc(t, body), "message-title").Text(); got != "Something went wrong" || strings.Contains(string(body), "database is down") {
		t.Errorf("error page %q leaks or lacks its message:\n%s", got, body)
	}
}

// A New order that nobody claimed on its page, perhaps a stranger who knew
// its id, still offers payment and the claim form, names the claimant and
// says how to reach the shop.
func TestShowClaimedElsewhere(t *testing.T) {
	_, stranger := key(t, 7)
	for _, tc := range []struct {
		name     string
		viewers  []engine.OrderViewer
		shop     string
		claimant string
		contact  string
	}{
		{"claimed by id", []engine.OrderViewer{{Address: stranger.Base58(), Proof: engine.ProofClaim}}, "",
			stranger.Base58(), "contact the shop where you placed the order"},
		{"named by a payment", []engine.OrderViewer{{Address: stranger.Base58(), Proof: engine.ProofPayment}}, "shop-1.myshopify.com",
			stranger.Base58(), "contact the shop: https://shop-1.myshopify.com."},
		{"auto-claimed", nil, "", "", "contact the shop where you placed the order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{
				orders:  map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderNew)},
				viewers: map[string][]engine.OrderViewer{"o1": tc.viewers},
			}
			app, h := testHandler(t, f)
			h.cfg.Shop = tc.shop
			_, body := get(t, app, "/pay/"+tokenA)
			d := doc(t, body)
			if !strings.Contains(testid(d, "claimed-elsewhere").Text(), "without this payment link") {
				t.Errorf("no claimed-elsewhere notice:\n%s", body)
			}
			if got := testid(d, "claimant").Text(); got != tc.claimant {
				t.Errorf("claimant = %q, want %q", got, tc.claimant)
			}
			if got := strings.Join(strings.Fields(testid(d, "shop-contact").Text()), " "); !strings.Contains(got, tc.contact) {
				t.Errorf("contact = %q, want %q", got, tc.contact)
			}
			for _, id := range []string{"address", "amount", "qr", "claim-form"} {
				if testid(d, id).Length() != 1 {
					t.Errorf("%s not shown:\n%s", id, body)
				}
			}
		})
	}
}

// A New order that a payment named, by its note or its own address, was
// claimed by the sender. Once payments cover it, pending or not, the page
// says the payment arrived and neither offers payment again nor warns of a
// claim by another address; while they fall short it says what is still
// due and offers to pay just that, with the same address and note.
func TestShowPaymentReceived(t *testing.T) {
	_, sender := key(t, 7)
	for _, tc := range []struct {
		name     string
		receipts engine.OrderReceipts
		label    string
		due      string // the amount offered; "" for no payment offered
		uri      string // the amount in the payment URI, in µT
		shown    string // the poller's shown=
	}{
		{"nothing received", engine.OrderReceipts{},
			"Claimed, waiting for payment", "2,400.5 XTR", "2400500000", "New"},
		{"part received, pending", engine.OrderReceipts{Pending: 1_000_000, Confirmed: 400_000},
			"Received 1.4 XTR of 2,400.5 XTR, 2,399.1 XTR still due", "2,399.1 XTR", "2399100000", "New-received-1400000"},
		{"part confirmed", engine.OrderReceipts{Confirmed: 2_000_000_000},
			"Received 2,000 XTR of 2,400.5 XTR, 400.5 XTR still due", "400.5 XTR", "400500000", "New-received-2000000000"},
		{"full, pending", engine.OrderReceipts{Pending: 2_400_500_000},
			"Payment received — waiting for confirmation (2,400.5 XTR of 2,400.5 XTR)", "", "", "New-received-2400500000"},
		{"more, pending and confirmed", engine.OrderReceipts{Pending: 2_000_000_000, Confirmed: 500_000_000},
			"Payment received — waiting for confirmation (2,500 XTR of 2,400.5 XTR)", "", "", "New-received-2500000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{
				orders:   map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderNew)},
				viewers:  map[string][]engine.OrderViewer{"o1": {{Address: sender.Base58(), Proof: engine.ProofPayment}}},
				receipts: map[string]engine.OrderReceipts{"o1": tc.receipts},
			}
			app, _ := testHandler(t, f)
			_, body := get(t, app, "/pay/"+tokenA)
			d := doc(t, body)
			if got := testid(d, "status-label").Text(); got != tc.label {
				t.Errorf("status = %q, want %q", got, tc.label)
			}
			if got := testid(d, "amount").Text(); got != "2,400.5 XTR" {
				t.Errorf("order amount = %q, want the total", got)
			}
			if tc.due == "" {
				if got := testid(d, "closed-reason").Text(); !strings.Contains(got, "Please do not send it again") {
					t.Errorf("closed reason = %q", got)
				}
				for _, id := range []string{"qr", "payment-uri", "address", "payment-note", "claim-form", "claimed-elsewhere"} {
					if testid(d, id).Length() != 0 {
						t.Errorf("%s shown:\n%s", id, body)
					}
				}
			} else {
				if got := testid(d, "pay-amount").Text(); got != tc.due {
					t.Errorf("amount to send = %q, want %q", got, tc.due)
				}
				if got := testid(d, "qr").AttrOr("alt", ""); got != "QR code to pay "+tc.due+" for this order" {
					t.Errorf("QR alt = %q", got)
				}
				_, hot := key(t, 9)
				uri := "tari://mainnet/transactions/send?tariAddress=" + hot.Base58() + "&amount=" + tc.uri + "&note=order%20o1"
				if got := testid(d, "payment-uri").AttrOr("href", ""); got != uri {
					t.Errorf("payment URI = %q, want %q", got, uri)
				}
				if got := testid(d, "payment-note").Text(); !strings.Contains(got, "order o1") {
					t.Errorf("note = %q, want the order's", got)
				}
				// The sender's payment claimed the order: once part of it
				// is paid, the page no longer warns of another claimant.
				if received := tc.receipts.Total() > 0; received == (testid(d, "claimed-elsewhere").Length() != 0) {
					t.Errorf("claimed-elsewhere shown = %v with %s received:\n%s", !received, tc.name, body)
				}
			}
			want := "/pay/" + tokenA + "/status?shown=" + tc.shown
			if got := d.Find("#status-poll").AttrOr("hx-get", ""); got != want {
				t.Errorf("poller URL = %q, want %q", got, want)
			}
		})
	}
}

// shopNamer is a fixed shop name.
type shopNamer string

func (n shopNamer) ShopName(context.Context) string { return string(n) }

// The pages name the shop at the top: Shopify's name for it, else its
// domain, else nothing.
func TestShowShopName(t *testing.T) {
	for _, tc := range []struct {
		name   string
		namer  ShopNamer
		domain string
		want   string // "" for no name shown
	}{
		{"from Shopify", shopNamer("Kopi Roasters"), "kopi.myshopify.com", "Kopi Roasters"},
		{"name unknown", shopNamer(""), "kopi.myshopify.com", "kopi.myshopify.com"},
		{"no Shopify", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{
				orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)},
				waiting: map[string]engine.WaitingOrder{tokenB: {
					OrderID: "o2", AltID: str("#1002"), Price: "10.00", Currency: "EUR", ClaimToken: tokenB,
				}},
			}
			app, h := testHandler(t, f)
			h.shop, h.cfg.Shop = tc.namer, tc.domain
			for _, token := range []string{tokenA, tokenB} {
				d := doc(t, func() []byte { _, b := get(t, app, "/pay/"+token); return b }())
				got := testid(d, "shop-name")
				if got.Text() != tc.want || (tc.want == "") != (got.Length() == 0) {
					t.Errorf("%s: shop name %q (%d shown), want %q", token, got.Text(), got.Length(), tc.want)
				}
			}
		})
	}
}

// The page leads with paying: the QR code, the order's address, then the
// note and why it matters, before the claim form, which is folded away
// unless it shows an error.
func TestShowPaysFirst(t *testing.T) {
	view, _ := key(t, 5)
	spend, _ := key(t, 6)
	dual := tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, view.Public(), spend.Public())
	for _, tc := range []struct {
		name         string
		dual         bool
		addressLabel string
	}{
		{"order address", true, "To this order's address"},
		{"single address", false, "To the shop's address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
			app, _ := testHandler(t, f)
			if tc.dual {
				f.payTo = dual
			}
			_, body := get(t, app, "/pay/"+tokenA)
			d := doc(t, body)
			order := []string{}
			d.Find(`[data-testid]`).Each(func(_ int, s *goquery.Selection) {
				switch id := s.AttrOr("data-testid", ""); id {
				case "qr", "open-wallet", "address", "payment-note", "note-why", "claim-details", "claim-form":
					order = append(order, id)
				}
			})
			if want := "[qr open-wallet address payment-note note-why claim-details claim-form]"; fmt.Sprint(order) != want {
				t.Errorf("order on the page %v, want %s", order, want)
			}
			if got := testid(d, "open-wallet").AttrOr("href", ""); got != testid(d, "payment-uri").AttrOr("href", "-") || !strings.HasPrefix(got, "tari://") {
				t.Errorf("wallet link %q", got)
			}
			if got := strings.TrimSpace(d.Find("#address-base58-label").Text()); got != tc.addressLabel {
				t.Errorf("address label %q, want %q", got, tc.addressLabel)
			}
			if got := testid(d, "note-why").Text(); !strings.Contains(got, "The note is what matches your payment to this order.") {
				t.Errorf("the note's purpose is not stated: %q", got)
			}
			claim := testid(d, "claim-details")
			if goquery.NodeName(claim) != "details" || claim.Is("[open]") ||
				strings.TrimSpace(claim.Find("summary").Text()) != "Paying from another address, or with a wallet that signs claims?" {
				t.Errorf("claim form not folded away:\n%s", body)
			}

			// A refused claim opens the fold to show why.
			_, body = postForm(t, app, "/pay/"+tokenA+"/claim", url.Values{"address": {"nonsense"}, "signature": {"00"}})
			d = doc(t, body)
			if !testid(d, "claim-details").Is("[open]") || testid(d, "claim-error").Length() != 1 {
				t.Errorf("a refused claim is folded away:\n%s", body)
			}
		})
	}
}

// A closed order that payments reached after it closed says they arrived,
// that they are held as the customer's credit (or being refunded), and
// how to reach the shop; an open or paid order never asks for them.
func TestShowLatePayment(t *testing.T) {
	refunded, kept := engine.LateRefunded, engine.LateKept
	late := func(amount engine.MicroTari, outcome *engine.LateOutcome) engine.LatePayment {
		return engine.LatePayment{Payment: engine.Payment{TxID: "tx", Amount: amount}, OrderID: "o1", Outcome: outcome}
	}
	for _, tc := range []struct {
		name   string
		status engine.OrderStatus
		late   []engine.LatePayment
		shop   string
		want   []string // in the notice; none: no notice
	}{
		{"cancelled, held", engine.OrderCancelled, []engine.LatePayment{late(30_000_000, nil), late(2_500_000, &kept)}, "shop-1.myshopify.com",
			[]string{"32.5 XTR arrived after this order closed", "holds it as your credit", "contact the shop: https://shop-1.myshopify.com"}},
		{"expired, refunding", engine.OrderExpired, []engine.LatePayment{late(30_000_000, &refunded)}, "",
			[]string{"30 XTR arrived", "refunding it", "contact the shop where you placed the order"}},
		{"partly refunded: held", engine.OrderExpired, []engine.LatePayment{late(1_000_000, &refunded), late(1_000_000, nil)}, "",
			[]string{"2 XTR arrived", "holds it as your credit"}},
		{"cancelled, nothing arrived", engine.OrderCancelled, nil, "", nil},
		{"paid", engine.OrderPaid, []engine.LatePayment{late(30_000_000, nil)}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEngine{
				orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", tc.status)},
				late:   map[string][]engine.LatePayment{"o1": tc.late},
			}
			app, h := testHandler(t, f)
			h.cfg.Shop = tc.shop
			resp, body := get(t, app, "/pay/"+tokenA)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			notice := testid(doc(t, body), "late-payment")
			if len(tc.want) == 0 {
				if notice.Length() != 0 {
					t.Errorf("unexpected notice %q", notice.Text())
				}
				return
			}
			got := strings.Join(strings.Fields(notice.Text()), " ")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("notice %q lacks %q", got, w)
				}
			}
		})
	}
}
