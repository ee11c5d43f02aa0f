package engine_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"

	"taripay/engine"
)

func TestToMicroTari(t *testing.T) {
	tests := []struct {
		amount, currency string
		rate             engine.MicroTari
		want             engine.MicroTari
	}{
		{"10.5", "USD", 10_000_000, 105_000_000},
		{"10.50", "USD", 10_000_000, 105_000_000},
		{"0.1", "USD", 10_000_000, 1_000_000},
		{"0.01", "USD", 3, 0}, // truncates toward zero
		{"1.99", "USD", 3, 5}, // 3×199/100 = 5.97
		{"1500", "JPY", 65_000, 97_500_000},
		{"1500.00", "JPY", 65_000, 97_500_000},
		{"12.345", "KWD", 32_000_000, 395_040_000},
		{"12.3", "KWD", 32_000_000, 393_600_000},
		{"190.00", "qar", 2_750_000, 522_500_000},
		{"2.5", "XTR", 0, 2_500_000},
		{"2.5", "xtr", 42, 2_500_000},
		{"0", "USD", 10_000_000, 0},
		{".5", "USD", 10_000_000, 5_000_000},
		{"7.", "USD", 10_000_000, 70_000_000},
		{"92233720368.54", "USD", 100_000_000, 9_223_372_036_854_000_000},
	}
	for _, tt := range tests {
		got, err := engine.ToMicroTari(tt.amount, tt.currency, tt.rate)
		if err != nil {
			t.Errorf("ToMicroTari(%q, %s, %d): %v", tt.amount, tt.currency, tt.rate, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ToMicroTari(%q, %s, %d) = %d, want %d", tt.amount, tt.currency, tt.rate, got, tt.want)
		}
	}
}

func TestToMicroTariRejects(t *testing.T) {
	tests := []struct {
		amount, currency string
		rate             engine.MicroTari
	}{
		{"-1.50", "USD", 10},
		{"+1.50", "USD", 10},
		{"", "USD", 10},
		{".", "USD", 10},
		{"1e3", "USD", 10},
		{"1,5", "USD", 10},
		{" 1.5", "USD", 10},
		{"1.005", "USD", 10},  // precision would be lost
		{"1500.5", "JPY", 10}, // JPY has no minor unit
		{"1.2345", "KWD", 10},
		{"10", "USD", 0},
		{"10", "USD", -5},
		{"92233720368547758.08", "USD", 1_000_000_000}, // overflows int64 µT
	}
	for _, tt := range tests {
		if got, err := engine.ToMicroTari(tt.amount, tt.currency, tt.rate); !errors.Is(err, engine.ErrInvalidAmount) {
			t.Errorf("ToMicroTari(%q, %s, %d) = %d, %v; want ErrInvalidAmount", tt.amount, tt.currency, tt.rate, got, err)
		}
	}
}

func TestExponent(t *testing.T) {
	for cur, want := range map[string]int{"USD": 2, "jpy": 0, "KWD": 3, "CLF": 4, "XTR": 6, "EUR": 2} {
		if got := engine.Exponent(cur); got != want {
			t.Errorf("Exponent(%s) = %d, want %d", cur, got, want)
		}
	}
}

func FuzzToMicroTari(f *testing.F) {
	for _, s := range []string{"10.5", "0.1", "1500", "12.345", "-1", "1e9", "."} {
		f.Add(s, "USD", int64(10_000_000))
	}
	f.Fuzz(func(t *testing.T, amount, currency string, rate int64) {
		got, err := engine.ToMicroTari(amount, currency, engine.MicroTari(rate))
		if err == nil && got < 0 {
			t.Fatalf("ToMicroTari(%q, %q, %d) = %d: negative", amount, currency, rate, got)
		}
	})
}

// MicroTari writes as the whole number of µT it is, as an int64 did before
// it became a type of its own: audit values and exports rely on it.
func TestMicroTariString(t *testing.T) {
	for _, m := range []engine.MicroTari{0, 12_500_000, -1, math.MaxInt64, math.MinInt64} {
		if got, want := m.String(), strconv.FormatInt(int64(m), 10); got != want || fmt.Sprint(m) != want {
			t.Errorf("%d.String() = %q, fmt.Sprint = %q; want %q", int64(m), got, fmt.Sprint(m), want)
		}
	}
}
