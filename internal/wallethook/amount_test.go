package wallethook

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// display writes n as Tari's MicroMinotari Display does (tari_amount.rs):
// "<n> µT" below one Tari, else Minotari's "{:.6} T", with no separators.
func display(n int64) string {
	if n < 1_000_000 {
		return fmt.Sprintf("%d \u00b5T", n)
	}
	return fmt.Sprintf("%d.%06d T", n/1_000_000, n%1_000_000)
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		// The strings of Tari's own micro_tari_display test.
		{"1234 \u00b5T", 1234},
		{"1.000000 T", 1_000_000},
		{"99.100000 T", 99_100_000},
		{"1000.000000 T", 1_000_000_000},
		{"1000 T", 1_000_000_000}, // {:.0}
		// What the hook passes.
		{"12.500000 T", 12_500_000},
		{"0.000001 T", 1},
		{"500 \u00b5T", 500},
		{"0 \u00b5T", 0},
		{"999999 \u00b5T", 999_999},
		{"500 \u03bcT", 500}, // Greek mu, after NFKC
		{"12.5 T", 12_500_000},
		{"2500000000", 2_500_000_000}, // plain microTari, as before
		{"0", 0},
		{"9223372036854.775807 T", math.MaxInt64},
		{"9223372036854775807", math.MaxInt64},
		{"9223372036854775807 \u00b5T", math.MaxInt64},
	}
	for _, tc := range tests {
		got, err := ParseAmount(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
		if again, err := ParseAmount(display(tc.want)); err != nil || again != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v", display(tc.want), again, err)
		}
	}
}

func TestParseAmountRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"-5 T", "-5", "-5 \u00b5T", "+5", "+5 T",
		"1.2345678 T",                  // seven decimals
		"18446744073709.551615 T",      // u64::MAX µT: more than int64
		"9223372036854.775808 T",       // MaxInt64 + 1
		"9223372036854775808",          // MaxInt64 + 1
		"99999999999999999999 \u00b5T", // overflow
		"12. T", ".5 T", "12.500000T", "12.500000  T", "12.500000 T ", " 12.500000 T",
		"1,000.000000 T", "1,000 \u00b5T", "1_000", // no separators
		"12.500000 t", "500 uT", "500 \u00b5t", "500 \u00b5", "500 T\u00b5",
		"5e6", "0x10", "1.5", "\uff11\uff12 T", "12.-5 T", "1.2.3 T",
		strings.Repeat("1", maxAmountLen+1),
	} {
		if got, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", in, got)
		}
	}
}
