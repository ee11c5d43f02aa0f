package engine

import (
	"crypto/rand"
	"strings"
	"testing"

	"taripay/engine/tari"
)

// How a payment gets its order id (docs/engine.md, "How a payment names an order").
func TestPaymentOrderRef(t *testing.T) {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	addr := tari.NewAddress(tari.MainNet, k.Public())
	sig, err := tari.SignMemo(rand.Reader, k, addr, "signed-1")
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := sig.MarshalJSON()
	bad := strings.Replace(string(signed), "signed-1", "signed-2", 1)
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		name           string
		memo, supplied *string
		noSig, byName  bool
		want           string
	}{
		{name: "no memo keeps the wallet's id", supplied: s("w1"), want: "w1"},
		{name: "no memo, no id", want: ""},
		{name: "signed memo wins", memo: s(string(signed)), supplied: s("w1"), want: "signed-1"},
		{name: "bad signature keeps the wallet's id", memo: s(bad), supplied: s("w1"), want: "w1"},
		{name: "bad signature, checks off: no raw fallback", memo: s(bad), noSig: true, want: ""},
		{name: "a note that names no order keeps the wallet's id", memo: s("thanks!"), supplied: s("w1"), want: "w1"},
		{name: "the pay page's note", memo: s("order 5550001"), want: "5550001"},
		{name: "the pay page's note by name", memo: s("order #1001"), want: "#1001"},
		{name: "a typed name", memo: s("Order #1001, thanks"), supplied: s("w1"), want: "#1001"},
		{name: "the wallet's payment id text", supplied: s("order 5550001"), want: "5550001"},
		{name: "the payment id wins over the note", memo: s("order 1"), supplied: s("order: 2"), want: "2"},
		{name: "a bare number, name mode", memo: s("1001"), byName: true, want: "#1001"},
		{name: "checks off: the first digits win over the payment id", memo: s("order #12345"), noSig: true, supplied: s("w1"), want: "12345"},
		{name: "checks off, name mode", memo: s("order#: 1007"), noSig: true, byName: true, want: "#1007"},
		{name: "checks off: words and number", memo: s("Order number 1002"), noSig: true, want: "1002"},
		{name: "checks off: no digits keeps the wallet's id", memo: s("thanks!"), noSig: true, supplied: s("w1"), want: "w1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := &Engine{cfg: Config{DisableMemoSignature: c.noSig, OrderIDFieldName: c.byName}}
			got := e.paymentOrderRef(NewPayment{Memo: c.memo, OrderID: c.supplied})
			if (got == nil && c.want != "") || (got != nil && *got != c.want) {
				t.Fatalf("order ref = %v, want %q", got, c.want)
			}
		})
	}
}

func FuzzPaymentOrderRef(f *testing.F) {
	for _, m := range []string{"order #12345", `{"address":"x","order_id":"1","signature":"00"}`, "#", "{", "1", "order of 3"} {
		f.Add(m, false, false)
	}
	f.Fuzz(func(t *testing.T, memo string, byName, noSig bool) {
		e := &Engine{cfg: Config{DisableMemoSignature: noSig, OrderIDFieldName: byName}}
		ref := e.paymentOrderRef(NewPayment{Memo: &memo})
		if ref == nil || strings.HasPrefix(strings.TrimSpace(memo), "{") {
			return
		}
		if len(*ref) > MaxOrderRefLen || strings.Trim(*ref, "#") == "" || !strings.ContainsAny(*ref, "0123456789") {
			t.Fatalf("memo %q gave order ref %q", memo, *ref)
		}
	})
}

// Every form the pay page writes, and those people type, names the order.
func TestParseOrderRef(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"order 5550001", "5550001"},
		{"order #1001", "#1001"},
		{"order: 1001", "1001"},
		{"Order: 1001", "1001"},
		{"ORDER ID: 1001", "1001"},
		{"order_id: 1001", "1001"},
		{"order id 1001", "1001"},
		{"order_id=1001", "1001"},
		{"Order #1001", "#1001"},
		{"order#: 1007", "#1007"},
		{"order no. 1001", "1001"},
		{"Order number 1002", "1002"},
		{"#1001", "#1001"},
		{"1001", "1001"},
		{" 5550001 ", "5550001"},
		{"paying for order 1001, thanks", "1001"},
		{"order EU-1001", "EU-1001"},
		{"order of 3 items, order 42", "42"},
		{"", ""},
		{"thanks!", ""},
		{"order", ""},
		{"order of 3", ""},
		{"reorder 1001", ""},
		{"#", ""},
		{"abc", ""},
		{"order " + strings.Repeat("1", MaxOrderRefLen+1), ""},
		{strings.Repeat(" ", 2000) + "1001", ""},
	} {
		got, ok := ParseOrderRef(c.text)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseOrderRef(%q) = %q, %v; want %q", c.text, got, ok, c.want)
		}
	}
}

// What the pay page writes, ParseOrderRef reads back.
func TestPaymentNoteRoundTrip(t *testing.T) {
	name := "#1001"
	o := Order{OrderID: "5550001", AltID: &name}
	for _, c := range []struct {
		byName bool
		want   string
	}{{false, "5550001"}, {true, "#1001"}} {
		note := PaymentNote(o, c.byName)
		if got, ok := ParseOrderRef(note); !ok || got != c.want {
			t.Errorf("PaymentNote(byName=%v) = %q, read back as %q, %v; want %q", c.byName, note, got, ok, c.want)
		}
	}
}

func FuzzParseOrderRef(f *testing.F) {
	for _, s := range []string{"order 1001", "#1001", "order#: 7", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ref, ok := ParseOrderRef(text)
		if !ok {
			return
		}
		if len(ref) > MaxOrderRefLen || !strings.ContainsAny(ref, "0123456789") {
			t.Fatalf("%q gave %q", text, ref)
		}
		// A reference written back as a note reads the same.
		if again, ok := ParseOrderRef("order " + ref); !ok || again != ref {
			t.Fatalf("%q gave %q, but %q gives %q", text, ref, "order "+ref, again)
		}
	})
}

// An order's own address is the merchant's dual address carrying the
// order's note, which ParseOrderRef reads back from the payment id.
func TestOrderAddress(t *testing.T) {
	view, spend := newKey(t), newKey(t)
	dual := tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, view.Public(), spend.Public())
	single := tari.NewAddress(tari.MainNet, spend.Public())
	o := Order{OrderID: "5796499259604"}

	a, ok := OrderAddress(dual, o, false)
	if !ok {
		t.Fatal("a dual address carries no payment id")
	}
	parsed, err := tari.ParseAddress(a.Base58())
	if err != nil {
		t.Fatal(err)
	}
	if ref, ok := ParseOrderRef(string(parsed.PaymentID())); !ok || ref != o.OrderID {
		t.Errorf("payment id %q reads as %q", parsed.PaymentID(), ref)
	}
	if parsed.SpendKey() != dual.SpendKey() || parsed.Network() != dual.Network() {
		t.Errorf("the order's address %s is not the merchant's %s", parsed, dual)
	}
	if a, ok := OrderAddress(single, o, false); ok || a != single {
		t.Errorf("a single address became %s, %v", a, ok)
	}
}

func newKey(t *testing.T) tari.SecretKey {
	t.Helper()
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
