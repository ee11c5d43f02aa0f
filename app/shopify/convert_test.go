package shopify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taripay/engine"
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
		orderID    string
		altID      string
		customerID string
		currency   string
		price      string
		memo       string // substring; "" means no memo
		checkout   string // the checkout token the extension proves with
	}{
		{"orders_create.json", PriceOutstanding, "5796499259604", "#1140", "7221372846292", "USD", "23.90", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		{"orders_create.json", PriceTotal, "5796499259604", "#1140", "7221372846292", "USD", "23.90", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		// part paid by gift card: Tari bills what is still owed, or the whole total on request.
		{"orders_create_gift_card.json", PriceOutstanding, "5796499259700", "#1141", "7221372846292", "USD", "13.90", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		{"orders_create_gift_card.json", PriceTotal, "5796499259700", "#1141", "7221372846292", "USD", "23.90", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		{"orders_create_gift_card_full.json", PriceOutstanding, "5796499259701", "#1142", "7221372846292", "USD", "0.00", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		{"orders_create.json", PriceSubtotal, "5796499259604", "#1140", "7221372846292", "USD", "17.00", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		{"orders_create.json", PriceLineItems, "5796499259604", "#1140", "7221372846292", "USD", "17.00", "", "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2"},
		// presentment EUR on a USD shop: the USD amount; ids above 2^53 kept exactly.
		{"orders_create_presentment.json", PriceTotal, "820982911946154508", "#9999", "115310627314723954", "USD", "12.30", `"order_id":"820982911946154508"`, ""},
		{"orders_create_kwd.json", PriceTotal, "6100000000001", "#2001", "order-6100000000001", "KWD", "12.345", `"signature":"bb"`, ""},
		{"orders_create_jpy.json", PriceTotal, "6200000000002", "#3002", "order-6200000000002", "JPY", "1500", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.field), func(t *testing.T) {
			o := readOrder(t, tt.file)
			n, err := Config{PriceField: tt.field}.NewOrder(o)
			if err != nil {
				t.Fatal(err)
			}
			if n.OrderID != tt.orderID || n.AltID == nil || *n.AltID != tt.altID {
				t.Errorf("ids = %s, %v; want %s, %s", n.OrderID, n.AltID, tt.orderID, tt.altID)
			}
			if n.CustomerID != tt.customerID {
				t.Errorf("customer = %q, want %q", n.CustomerID, tt.customerID)
			}
			if n.Currency != tt.currency || *n.OriginalPrice != tt.price {
				t.Errorf("price = %s %s, want %s %s", n.Currency, *n.OriginalPrice, tt.currency, tt.price)
			}
			if n.CheckoutToken != tt.checkout {
				t.Errorf("checkout token = %q, want %q", n.CheckoutToken, tt.checkout)
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

func TestNewOrderRejectsBadCreatedAt(t *testing.T) {
	o := Order{ID: "1", CreatedAt: "yesterday", Currency: "USD", TotalPrice: "1.00"}
	if _, err := (Config{}).NewOrder(o); err == nil {
		t.Errorf("converted %+v", o)
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
		if err := json.Unmarshal([]byte(in), &o); err != nil {
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
		n, err := Config{PriceField: PriceTotal}.NewOrder(o)
		if err != nil {
			return
		}
		if total, err := engine.ToMicroTari(*n.OriginalPrice, n.Currency, 10_000_000); err == nil && total < 0 {
			t.Fatalf("negative price %d from %q", total, o.TotalPrice)
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
	for _, name := range []string{"orders_create.json", "order_transactions_create.json", "refunds_create.json", "products_update.json", "customers_redact.json", "shop_redact.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, topic := range Topics {
			f.Add(topic, b)
		}
	}
	h := &Handler{cfg: Config{Shop: "test-shop.myshopify.com"}}
	f.Fuzz(func(t *testing.T, topic string, body []byte) {
		s, err := h.subject(topic, topic, "test-shop.myshopify.com", body)
		if err != nil {
			return
		}
		for _, id := range []string{s.orderID, s.customerID} {
			if !digits(id) {
				t.Fatalf("%s: non-numeric id %q accepted", topic, id)
			}
		}
		if s.shop != "test-shop.myshopify.com" {
			t.Fatalf("%s: stored under shop %q, not the header's", topic, s.shop)
		}
	})
}
