package shopify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readOrder(t *testing.T, name string) Order {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var o Order
	if err := decode(body, &o); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return o
}

func TestNewOrder(t *testing.T) {
	tests := []struct {
		file       string
		field      PriceField
		rate       int64
		orderID    string
		altID      string
		customerID string
		currency   string
		price      string
		total      int64
		memo       string // substring; "" means no memo
	}{
		{"orders_create.json", PriceTotal, 10_000_000, "5796499259604", "#1140", "7221372846292", "USD", "23.90", 239_000_000, ""},
		{"orders_create.json", PriceSubtotal, 10_000_000, "5796499259604", "#1140", "7221372846292", "USD", "17.00", 170_000_000, ""},
		{"orders_create.json", PriceLineItems, 3, "5796499259604", "#1140", "7221372846292", "USD", "17.00", 51, ""},
		// presentment EUR on a USD shop: the USD amount at the USD rate; ids above 2^53 kept exactly.
		{"orders_create_presentment.json", PriceTotal, 10_000_000, "820982911946154508", "#9999", "115310627314723954", "USD", "12.30", 123_000_000, `"order_id":"820982911946154508"`},
		{"orders_create_kwd.json", PriceTotal, 32_000_000, "6100000000001", "#2001", "order-6100000000001", "KWD", "12.345", 395_040_000, `"signature":"bb"`},
		{"orders_create_jpy.json", PriceTotal, 65_000, "6200000000002", "#3002", "order-6200000000002", "JPY", "1500", 97_500_000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.field), func(t *testing.T) {
			o := readOrder(t, tt.file)
			n, err := Config{PriceField: tt.field}.NewOrder(o, tt.rate)
			if err != nil {
				t.Fatal(err)
			}
			if n.OrderID != tt.orderID || n.AltID == nil || *n.AltID != tt.altID {
				t.Errorf("ids = %s, %v; want %s, %s", n.OrderID, n.AltID, tt.orderID, tt.altID)
			}
			if n.CustomerID != tt.customerID {
				t.Errorf("customer = %q, want %q", n.CustomerID, tt.customerID)
			}
			if n.Currency != tt.currency || *n.OriginalPrice != tt.price || n.TotalPrice != tt.total {
				t.Errorf("price = %s %s → %d µT, want %s %s → %d", n.Currency, *n.OriginalPrice, n.TotalPrice, tt.currency, tt.price, tt.total)
			}
			if n.ExchangeRate != tt.rate {
				t.Errorf("rate = %d, want %d", n.ExchangeRate, tt.rate)
			}
			if n.CreatedAt.Location() != time.UTC {
				t.Errorf("created_at not UTC: %v", n.CreatedAt)
			}
			switch {
			case tt.memo == "" && n.Memo != nil:
				t.Errorf("memo = %q, want none", *n.Memo)
			case tt.memo != "" && (n.Memo == nil || !strings.Contains(*n.Memo, tt.memo)):
				t.Errorf("memo = %v, want it to contain %s", n.Memo, tt.memo)
			}
		})
	}
}

func TestNewOrderXTRAtParity(t *testing.T) {
	o := Order{ID: "1", CreatedAt: "2026-01-01T00:00:00Z", Currency: "xtr", TotalPrice: "2.5"}
	n, err := Config{}.NewOrder(o, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n.TotalPrice != 2_500_000 || n.Currency != "XTR" || n.ExchangeRate != 1_000_000 {
		t.Errorf("got %d µT %s at %d", n.TotalPrice, n.Currency, n.ExchangeRate)
	}
}

func TestNewOrderRejects(t *testing.T) {
	base := Order{ID: "1", CreatedAt: "2026-01-01T00:00:00Z", Currency: "USD", TotalPrice: "1.00"}
	bad := []func(*Order){
		func(o *Order) { o.TotalPrice = "-1.00" },
		func(o *Order) { o.TotalPrice = "" },
		func(o *Order) { o.TotalPrice = "1.001" },
		func(o *Order) { o.CreatedAt = "yesterday" },
	}
	for i, mutate := range bad {
		o := base
		mutate(&o)
		if _, err := (Config{}).NewOrder(o, 10); err == nil {
			t.Errorf("case %d: converted %+v", i, o)
		}
	}
}

func TestIDKeepsPrecision(t *testing.T) {
	for in, want := range map[string]ID{
		`{"id":820982911946154508}`:   "820982911946154508",
		`{"id":"820982911946154508"}`: "820982911946154508",
		`{"id":18446744073709551615}`: "18446744073709551615",
		`{"id":9007199254740993}`:     "9007199254740993",
	} {
		var o Order
		if err := decode([]byte(in), &o); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if o.ID != want {
			t.Errorf("%s: id = %s, want %s", in, o.ID, want)
		}
	}
	for _, in := range []string{`{"id":1.5}`, `{"id":-3}`, `{"id":"abc"}`, `{"id":null}`, `{}`, `[]`} {
		var o Order
		if err := decode([]byte(in), &o); err == nil {
			t.Errorf("%s decoded as id %q", in, o.ID)
		}
	}
}

func FuzzDecodeOrder(f *testing.F) {
	for _, name := range []string{"orders_create.json", "orders_create_presentment.json", "orders_create_kwd.json", "orders_create_jpy.json", "orders_cancelled.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var o Order
		if err := decode(body, &o); err != nil {
			return
		}
		if o.ID == "" || !digits(string(o.ID)) {
			t.Fatalf("accepted id %q", o.ID)
		}
		n, err := Config{PriceField: PriceTotal}.NewOrder(o, 10_000_000)
		if err == nil && n.TotalPrice < 0 {
			t.Fatalf("negative price %d from %q", n.TotalPrice, o.TotalPrice)
		}
	})
}

func FuzzDecodeTransaction(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "order_transactions_create.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, body []byte) {
		var tx Transaction
		if err := decode(body, &tx); err == nil && (tx.ID == "" || tx.OrderID == "") {
			t.Fatalf("accepted transaction without ids: %+v", tx)
		}
	})
}

func FuzzDecodeRedaction(f *testing.F) {
	for _, name := range []string{"customers_redact.json", "customers_data_request.json", "shop_redact.json", "products_update.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Redaction
		_ = decode(body, &r)
		var p Product
		if err := decode(body, &p); err == nil && p.ID == "" {
			t.Fatal("accepted product without id")
		}
	})
}

func FuzzSubject(f *testing.F) {
	for _, name := range []string{"orders_create.json", "order_transactions_create.json", "products_update.json", "customers_redact.json", "shop_redact.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, topic := range Topics {
			f.Add(topic, b)
		}
	}
	f.Fuzz(func(t *testing.T, topic string, body []byte) {
		orderID, customerID, err := subject(topic, body)
		if err != nil {
			return
		}
		for _, id := range []string{orderID, customerID} {
			if !digits(id) {
				t.Fatalf("%s: non-numeric id %q accepted", topic, id)
			}
		}
	})
}
