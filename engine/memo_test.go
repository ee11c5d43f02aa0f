package engine

import (
	"crypto/rand"
	"strings"
	"testing"

	"taripay/engine/tari"
)

// How a payment gets its order id (api.md §6.6).
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
		{name: "raw memo ignored with checks on", memo: s("order #12345"), supplied: s("w1"), want: "w1"},
		{name: "raw digits, id mode", memo: s("order #12345"), noSig: true, supplied: s("w1"), want: "12345"},
		{name: "raw digits, name mode", memo: s("order#: 1007"), noSig: true, byName: true, want: "#1007"},
		{name: "words and number", memo: s("Order number 1002"), noSig: true, want: "1002"},
		{name: "no digits keeps the wallet's id", memo: s("thanks!"), noSig: true, supplied: s("w1"), want: "w1"},
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
	for _, m := range []string{"order #12345", `{"address":"x","order_id":"1","signature":"00"}`, "#", "{", "1"} {
		f.Add(m, false)
	}
	f.Fuzz(func(t *testing.T, memo string, byName bool) {
		e := &Engine{cfg: Config{DisableMemoSignature: true, OrderIDFieldName: byName}}
		ref := e.paymentOrderRef(NewPayment{Memo: &memo})
		if ref == nil {
			return
		}
		digits := strings.TrimPrefix(*ref, "#")
		if digits == "" || strings.Trim(digits, "0123456789") != "" && !strings.HasPrefix(strings.TrimSpace(memo), "{") {
			t.Fatalf("memo %q gave order ref %q", memo, *ref)
		}
	})
}
