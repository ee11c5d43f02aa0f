package xtr

import (
	"math"
	"testing"

	"taripay/engine"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		in   engine.MicroTari
		want string
	}{
		{0, "0 XTR"},
		{1, "0.000001 XTR"},
		{999_999, "0.999999 XTR"},
		{1_000_000, "1 XTR"},
		{2_400_500_000, "2,400.5 XTR"},
		{123_456_789_012, "123,456.789012 XTR"},
		{-1_500_000, "-1.5 XTR"},
		{math.MaxInt64, "9,223,372,036,854.775807 XTR"},
		{math.MinInt64, "-9,223,372,036,854.775808 XTR"},
	} {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want engine.MicroTari
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
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "12.5", "0.000001", "99999999999999999999", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if v <= 0 {
			t.Fatalf("Parse(%q) = %d", s, v)
		}
		// formatting and parsing again gives the same amount: no rounding anywhere
		again, err := Parse(plain(v))
		if err != nil || again != v {
			t.Fatalf("round trip of %d: %d, %v", v, again, err)
		}
	})
}

// plain is Format without grouping, as staff would type it.
func plain(v engine.MicroTari) string {
	s := Format(v)
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s) && s[i] != ' '; i++ {
		if s[i] != ',' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
