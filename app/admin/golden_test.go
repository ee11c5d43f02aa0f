package admin

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/shopdata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestPagesGolden holds the setup page, with every Shopify row checked live,
// and an open order's page, with its pay link and folded actions, to
// testdata/*.golden.html. TestPageScreenshots holds Chromium screenshots of
// both to testdata/screenshots.
func TestPagesGolden(t *testing.T) {
	eng, shop := goldenData(t)
	hs := newHarness(t, eng)
	hs.h.deps.Shopify = shop
	hs.h.deps.Snippet = func(base string) string {
		return pay.EmailSnippet(base, []byte("link-secret"), shopify.DefaultPaymentMethod)
	}
	hs.h.deps.PayLink = func(base, id string) string { return pay.OrderLink(base, []byte("link-secret"), id) }

	for _, tt := range []struct{ name, path string }{
		{"setup", "/admin/setup"},
		{"order", "/admin/orders/5714720719169"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := hs.do(t, "GET", tt.path, nil, map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			golden := filepath.Join("testdata", tt.name+".golden.html")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil || !bytes.Equal([]byte(body), want) {
				t.Errorf("%s differs from %s (go test ./app/admin -run PagesGolden -update to accept): %v\n%s", tt.path, golden, err, body)
			}
		})
	}
}

// goldenData is what the golden pages show: a shop with one wallet, one
// rate, an open order part paid, and all but one webhook registered, seen
// an hour before testNow.
func goldenData(t *testing.T) (*fakeEngine, *fakeShopify) {
	t.Helper()
	addr, err := tari.ParseAddress(testAddress)
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	name, usd := "#1001", "190.04"
	order := engine.Order{OrderID: "5714720719169", AltID: &name, CustomerID: "c1", TotalPrice: 2_400_500_000,
		OriginalPrice: &usd, Currency: "USD", ExchangeRate: 12_631_578, Status: engine.OrderNew, ClaimToken: "tokA0123456789abcdefXYZ",
		CreatedAt: seen.Add(-2 * time.Hour), RecordedAt: seen.Add(-2 * time.Hour), UpdatedAt: seen, ClaimedAt: &seen}
	eng := &fakeEngine{
		order:          func(string) (engine.Order, error) { return order, nil },
		paymentAddress: func() (tari.Address, error) { return addr, nil },
		wallets: func() ([]engine.Wallet, error) {
			return []engine.Wallet{{Address: testAddress, IPAddress: "192.0.2.1", LastNonce: 7, LastSeen: &seen}}, nil
		},
		exchangeRates: func() ([]engine.ExchangeRate, error) {
			return []engine.ExchangeRate{{Currency: "USD", Rate: 12_631_578, UpdatedAt: seen}}, nil
		},
		paymentsForOrder: func(string) ([]engine.Payment, error) {
			return []engine.Payment{{TxID: "tx1", Amount: 1_000_000_000, Status: engine.PaymentReceived, Sender: testAddress, CreatedAt: seen}}, nil
		},
	}
	var subs []adminapi.Subscription
	for _, topic := range shopify.Topics[:6] { // compliance topics are in shopify.app.toml only
		subs = append(subs, adminapi.Subscription{Topic: shopify.TopicEnum(topic), CallbackURL: "http://example.com/shopify/webhook/" + topic})
	}
	return eng, &fakeShopify{conn: adminapi.ShopConnection{Name: "Tari Teas", Scopes: adminapi.Scopes}, subs: subs,
		activity: shopdata.WebhookActivity{LastAt: &seen, RecentOrders: 3}}
}
