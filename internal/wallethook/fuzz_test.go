package wallethook

import (
	"strings"
	"testing"
)

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.500000 T", "500 \u00b5T", "500 \u03bcT", "2500000000", "9223372036854.775807 T", "1.2345678 T", "-5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseAmount(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseAmount(%q) = %d", s, n)
		}
		if again, err := ParseAmount(display(n)); err != nil || again != n {
			t.Fatalf("%q is %d, but the wallet's form %q gives %d, %v", s, n, display(n), again, err)
		}
	})
}

func FuzzParsePaymentID(f *testing.F) {
	for _, s := range []string{
		"None", "u256(1)", "data(6f726465722031303031)", "address_and_data(" + mainAddr + ",6f72)",
		"type(PaymentToOther), data(order 1001)",
		"sender_address(" + dualAddr + "), sender_one_sided(true), fee(25 \u00b5T), type(PaymentToOther), data(order (1001))",
		"Raw(0102)", "order 1001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePaymentID(s)
		if err != nil {
			return
		}
		if p.Raw != s || p.Form == "" || p.Data != nil && len(p.Data) == 0 {
			t.Fatalf("ParsePaymentID(%q) = %+v", s, p)
		}
		if p.Form == FormText && string(p.Data) != s {
			t.Fatalf("text %q gives data %q", s, p.Data)
		}
	})
}

// FuzzParse takes the arguments joined by "\x1f".
func FuzzParse(f *testing.F) {
	for _, args := range [][]string{
		complete("received", "12.500000 T", "type(PaymentToOther), data(order 1001)", "Completed", "", "Inbound"),
		complete("confirmation", "500 \u00b5T", "None", "Mined Unconfirmed", "1", "Inbound"),
		{"received", "500000 \u00b5T", "42", "order 1001", "deadbeef", "cafe", "Completed", "", "", "", "", "Inbound"},
		{"sent", "1.000000 T", "7", "thanks", mainAddr, "Pending", "outbound"},
	} {
		f.Add(strings.Join(args, "\x1f"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x1f")
		e, err := Parse(args)
		if err != nil {
			return
		}
		if e.Kind != args[0] || e.TxID != args[2] || e.Amount < 0 || e.Confirmations != nil && *e.Confirmations < 0 {
			t.Fatalf("Parse(%q) = %+v", args, e)
		}
	})
}
