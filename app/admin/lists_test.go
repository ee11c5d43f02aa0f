package admin

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/qrtest"
)

// get renders an admin page as a boosted htmx navigation does.
func (hs *harness) get(t *testing.T, path string) *goquery.Document {
	t.Helper()
	resp, body := hs.do(t, "GET", path, nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
	}
	return parse(t, body)
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestCustomerPageListsEveryAddress lists an address linked to the
// customer that holds no balance next to the one that does.
func TestCustomerPageListsEveryAddress(t *testing.T) {
	const unfunded = "14HzZqooeW4E43k1e6uJvS5id4w65VGnHwaqPkPrUpiVPJm8wg7GGA8XaAaXyPiEzSjMidotdhRwr4XyetMS56Bs2Ye"
	hs := newHarness(t, &fakeEngine{customerHistory: func(id string) (engine.CustomerHistory, error) {
		return engine.CustomerHistory{CustomerID: id, Linked: []string{unfunded, testAddress},
			Balance: engine.CustomerBalance{Addresses: []engine.AddressBalance{{Address: testAddress, CurrentBalance: 250_000}}}}, nil
	}})
	var got []string
	hs.get(t, "/admin/customers/c1").Find(`[data-testid=addresses] tbody tr`).Each(func(_ int, s *goquery.Selection) {
		got = append(got, squash(s.Find("td").First().Text())+" "+squash(s.Find("td").Last().Text()))
	})
	want := []string{testAddress + " 0.25 XTR", unfunded + " 0 XTR"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("addresses = %q, want %q", got, want)
	}
}

// TestCustomersNamedByTheirLatestOrder shows each customer's name and email
// from their latest order, in the list and on their page, and nothing for
// a customer whose orders named none.
func TestCustomersNamedByTheirLatestOrder(t *testing.T) {
	hs := newHarness(t, &fakeEngine{customerIDs: func(int, int) ([]string, error) { return []string{"c1", "c2"}, nil }})
	hs.h.deps.Shopify = &fakeShopify{contacts: map[string]shopify.Contact{"c1": {Name: "Alice Liddell", Email: "alice@example.com"}}}
	var rows []string
	hs.get(t, "/admin/customers").Find(`[data-testid=customer-row]`).Each(func(_ int, s *goquery.Selection) {
		var cells []string
		s.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, squash(td.Text())) })
		rows = append(rows, strings.Join(cells, "|"))
	})
	if want := []string{"c1|Alice Liddell|alice@example.com", "c2||"}; strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("customers = %q, want %q", rows, want)
	}
	if got := squash(hs.get(t, "/admin/customers/c1").Find(`[data-testid=customer-contact]`).Text()); got != "Alice Liddell alice@example.com" {
		t.Errorf("c1's page names %q", got)
	}
	if n := hs.get(t, "/admin/customers/c2").Find(`[data-testid=customer-contact]`).Length(); n != 0 {
		t.Errorf("c2's page names someone")
	}
}

// TestOrderListFiatColumn leaves the fiat column empty for an order priced
// in XTR, which has no fiat price.
func TestOrderListFiatColumn(t *testing.T) {
	usd, xtrPrice := "190.04", "5.000000"
	hs := newHarness(t, &fakeEngine{searchOrders: func(engine.OrderQuery) ([]engine.Order, error) {
		return []engine.Order{
			{OrderID: "1", TotalPrice: 5_000_000, Currency: "XTR", OriginalPrice: &xtrPrice, Status: engine.OrderNew},
			{OrderID: "2", TotalPrice: 2_400_500_000, Currency: "USD", OriginalPrice: &usd, Status: engine.OrderNew},
		}, nil
	}})
	doc := hs.get(t, "/admin/orders")
	for id, want := range map[string]string{"1": "", "2": "190.04 USD"} {
		if got := squash(doc.Find(`[data-order-id="` + id + `"] td`).Eq(3).Text()); got != want {
			t.Errorf("order %s: fiat %q, want %q", id, got, want)
		}
	}
}

// TestOrderPage shows the order's name once, its actions folded until one
// is chosen, and the customer's pay link as in the order email, with a
// copy button and its QR code.
func TestOrderPage(t *testing.T) {
	name := "#1001"
	open := engine.Order{OrderID: "5714720719169", AltID: &name, CustomerID: "c1", TotalPrice: 5_000_000, Currency: "XTR",
		Status: engine.OrderNew, ClaimToken: "tokA0123456789abcdefXYZ"}
	secret := []byte("link-secret")
	tests := []struct {
		name    string
		secret  []byte
		link    string
		actions int
	}{
		{"with a link secret", secret, "http://example.com/pay/order/5714720719169/" + pay.LinkMAC(secret, "5714720719169"), 5},
		{"without one", nil, "http://example.com/pay/tokA0123456789abcdefXYZ", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, &fakeEngine{order: func(string) (engine.Order, error) { return open, nil }})
			hs.h.deps.PayLink = func(base, id string) string { return pay.OrderLink(base, tt.secret, id) }
			doc := hs.get(t, "/admin/orders/5714720719169")

			if n := doc.Find(`h1, h2`).FilterFunction(func(_ int, s *goquery.Selection) bool {
				return strings.Contains(s.Text(), name)
			}).Length(); n != 1 {
				t.Errorf("%d headings name the order, want 1", n)
			}
			actions := doc.Find(`[data-testid=order-actions] details`)
			if actions.Length() != tt.actions || actions.Filter(`[open]`).Length() != 0 || actions.Find(`form`).Length() != tt.actions {
				t.Errorf("%d actions, %d unfolded; want %d, all folded", actions.Length(), actions.Filter(`[open]`).Length(), tt.actions)
			}
			if actions.Find(`summary`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() != "" }).Length() != tt.actions ||
				actions.Find(`h2`).Length() != 0 {
				t.Errorf("each action is not named once, by its summary: %q", squash(actions.Text()))
			}

			link := doc.Find(`[data-testid=pay-link]`)
			if v, _ := link.Find(`[data-testid=pay-link-url]`).Attr("value"); v != tt.link {
				t.Errorf("pay link = %q, want %q", v, tt.link)
			}
			if sel, _ := link.Find(`[data-testid=copy-pay-link]`).Attr("data-copy"); sel != "#pay-link" || link.Find(sel).Length() != 1 {
				t.Errorf("the copy button copies %q", sel)
			}
			src, _ := link.Find(`img[data-testid=pay-link-qr]`).Attr("src")
			png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
			if err != nil {
				t.Fatalf("QR code %.60q: %v", src, err)
			}
			if got := qrtest.Decode(t, png); got != tt.link {
				t.Errorf("QR code reads %q, want %q", got, tt.link)
			}
		})
	}
}

// TestOrderActionStaysUnderItsSummary re-renders a chosen action's form,
// with its error, without a heading of its own: it swaps in under the
// summary that names it.
func TestOrderActionStaysUnderItsSummary(t *testing.T) {
	hs := newHarness(t, unchangingEngine(t))
	resp, body := hs.do(t, "POST", "/admin/orders/1001/memo", map[string][]string{"memo": {"new"}}, hs.htmx())
	doc := parse(t, body)
	if resp.StatusCode != 400 || doc.Find(`form#order-memo [data-testid=error-reason]`).Length() != 1 || doc.Find(`h2`).Length() != 0 {
		t.Errorf("re-rendered form: %d %.2000s", resp.StatusCode, body)
	}
}

// TestDashboardChartEmpty says so when nothing came in over the chart's days.
func TestDashboardChartEmpty(t *testing.T) {
	hs := newHarness(t, &fakeEngine{dashboard: func(days int) (engine.Dashboard, error) {
		var d engine.Dashboard
		for i := range days {
			d.PerDay = append(d.PerDay, engine.DayTotal{Day: testNow.AddDate(0, 0, i-days+1)})
		}
		return d, nil
	}})
	doc := hs.get(t, "/admin")
	if got := squash(doc.Find(`[data-testid=chart-empty]`).Text()); got != "No payments in the last 14 days" || doc.Find(`svg.chart`).Length() != 0 {
		t.Errorf("chart = %q, %d svg", got, doc.Find(`svg.chart`).Length())
	}
}

// TestWalletsPagePaymentAddress names the address customers pay and where
// it comes from, or what is wrong.
func TestWalletsPagePaymentAddress(t *testing.T) {
	addr, err := tari.ParseAddress(testAddress)
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	one := func() ([]engine.Wallet, error) { return []engine.Wallet{{Address: testAddress, LastSeen: &seen}}, nil }
	tests := []struct {
		name    string
		eng     *fakeEngine
		address string
		source  string
		problem string
	}{
		{"configured", &fakeEngine{configuredPayTo: true, paymentAddress: func() (tari.Address, error) { return addr, nil }},
			testAddress, "From the configuration: TPG_PAYMENT_WALLET_ADDRESS.", ""},
		{"the one wallet", &fakeEngine{wallets: one, paymentAddress: func() (tari.Address, error) { return addr, nil }},
			testAddress, "From the one authorised hot wallet, as TPG_PAYMENT_WALLET_ADDRESS is not set.", ""},
		{"none", &fakeEngine{}, "", "", "no payment address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := newHarness(t, tt.eng).get(t, "/admin/wallets")
			got := []string{squash(doc.Find(`[data-testid=pay-to-address]`).Text()), squash(doc.Find(`[data-testid=pay-to-source]`).Text()),
				squash(doc.Find(`[data-testid=pay-to-problem]`).Text())}
			if want := []string{tt.address, tt.source, tt.problem}; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("payment address = %q, want %q", got, want)
			}
		})
	}
}

// TestHistoryPagesArePaged shows historyPerPage rows of each list of an
// order's, a customer's and an address's page, with a link to the next
// page while a list goes on, and the rest there.
func TestHistoryPagesArePaged(t *testing.T) {
	n := historyPerPage + 1
	var orders []engine.Order
	var payments []engine.Payment
	var settlements []engine.Settlement
	for i := range n {
		id := fmt.Sprintf("o%03d", i)
		orders = append(orders, engine.Order{OrderID: id, CustomerID: "c1", Status: engine.OrderNew})
		payments = append(payments, engine.Payment{TxID: fmt.Sprintf("tx%03d", i), Amount: 1, Status: engine.PaymentReceived, Sender: testAddress})
		settlements = append(settlements, engine.Settlement{OrderID: id, PaymentAddress: testAddress, Amount: 1})
	}
	hs := newHarness(t, &fakeEngine{
		order:            func(id string) (engine.Order, error) { return engine.Order{OrderID: id, Status: engine.OrderNew}, nil },
		paymentsForOrder: func(string) ([]engine.Payment, error) { return payments, nil },
		customerHistory: func(id string) (engine.CustomerHistory, error) {
			return engine.CustomerHistory{CustomerID: id, Orders: orders, Settlements: settlements[:2]}, nil
		},
		addressHistory: func(address string) (engine.AddressHistory, error) {
			return engine.AddressHistory{Address: address, Orders: orders[:1], Payments: payments[:1], Settlements: settlements}, nil
		},
	})
	for _, p := range []struct {
		path, rows string
		want       int // rows on the first page, of a longest list
	}{
		{"/admin/orders/o1", `[data-testid=order-payments] tbody tr`, historyPerPage},
		{"/admin/customers/c1", `[data-testid=orders] tbody tr`, historyPerPage},
		{"/admin/addresses/" + testAddress, `[data-testid=settlements] tbody tr`, historyPerPage},
	} {
		first := hs.get(t, p.path)
		if got := first.Find(p.rows).Length(); got != p.want {
			t.Errorf("%s: %d rows, want %d", p.path, got, p.want)
		}
		next, _ := first.Find(`[data-testid=history-pager] [data-testid=next]`).Attr("href")
		if next != p.path+"?page=2" || first.Find(`[data-testid=history-pager] [data-testid=prev]`).Length() != 0 {
			t.Fatalf("%s: next %q, want %q and no previous", p.path, next, p.path+"?page=2")
		}
		second := hs.get(t, next)
		if got := second.Find(p.rows).Length(); got != n-historyPerPage {
			t.Errorf("%s: %d rows, want %d", next, got, n-historyPerPage)
		}
		prev, _ := second.Find(`[data-testid=history-pager] [data-testid=prev]`).Attr("href")
		if prev != p.path+"?page=1" || second.Find(`[data-testid=history-pager] [data-testid=next]`).Length() != 0 {
			t.Errorf("%s: previous %q, want %q and no next", next, prev, p.path+"?page=1")
		}
	}
}
