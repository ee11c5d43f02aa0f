package admin

import (
	"encoding/base64"
	"testing"
)

func TestParseXTR(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1_000_000, true},
		{"12.5", 12_500_000, true},
		{" 0.000001 XTR ", 1, true},
		{"9223372036853.775807", 9_223_372_036_853_775_807, true},
		{"9223372036854", 0, false}, // would overflow int64 µT
		{"0", 0, false},
		{"-1", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
		{"1.2345678", 0, false},
		{"1e6", 0, false},
		{"1,5", 0, false},
		{"１", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseXTR(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("parseXTR(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestXTR(t *testing.T) {
	for in, want := range map[int64]string{0: "0.000000 XTR", 1: "0.000001 XTR", 1_234_567_890_123: "1,234,567.890123 XTR", -2_500_000: "-2.500000 XTR"} {
		if got := xtr(in); got != want {
			t.Errorf("xtr(%d) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseXTR(f *testing.F) {
	for _, s := range []string{"1", "12.5", "0.000001", "99999999999999999999", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseXTR(s)
		if err != nil {
			return
		}
		if v <= 0 {
			t.Fatalf("parseXTR(%q) = %d", s, v)
		}
		// formatting and parsing again gives the same amount: no rounding anywhere
		again, err := parseXTR(xtrPlain(v))
		if err != nil || again != v {
			t.Fatalf("round trip of %d: %d, %v", v, again, err)
		}
	})
}

// xtrPlain is xtr without grouping, as staff would type it.
func xtrPlain(v int64) string {
	s := xtr(v)
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s) && s[i] != ' '; i++ {
		if s[i] != ',' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

func TestAdminHost(t *testing.T) {
	enc := func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		param, want string
		ok          bool
	}{
		{enc("admin.shopify.com/store/test-shop"), "admin.shopify.com/store/test-shop", true},
		{base64.StdEncoding.EncodeToString([]byte("test-shop.myshopify.com/admin")), "test-shop.myshopify.com/admin", true},
		{enc("evil.example.com"), "", false},
		{enc("admin.shopify.com.evil.com/x"), "", false},
		{enc("admin.shopify.com@evil.com"), "", false},
		{enc("admin.shopify.com/store/x?y=1"), "", false},
		{"%%%", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := adminHost(tt.param)
		if ok != tt.ok || got != tt.want {
			t.Errorf("adminHost(%q) = %q, %v; want %q, %v", tt.param, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzAdminHost(f *testing.F) {
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/x")))
	f.Fuzz(func(t *testing.T, param string) {
		host, ok := adminHost(param)
		if !ok {
			return
		}
		name := host
		for i := range host {
			if host[i] == '/' {
				name = host[:i]
				break
			}
		}
		if name != "admin.shopify.com" && !ValidShop(name) {
			t.Fatalf("accepted host %q", host)
		}
	})
}
