package export

import (
	"math"
	"testing"
	"time"

	"taripay/engine"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+2", "'=1+2"},
		{"+1 555 0100", "'+1 555 0100"},
		{"-goodwill", "'-goodwill"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"-12", "-12"},
		{"-0.000001", "-0.000001"},
		{"-1.", "'-1."},
		{"-", "'-"},
		{"a=b", "a=b"},
		{"#1001", "#1001"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestXTR(t *testing.T) {
	tests := []struct {
		in   engine.MicroTari
		want string
	}{
		{0, "0.000000"},
		{1, "0.000001"},
		{12_500_001, "12.500001"},
		{-1, "-0.000001"},
		{-30_000_000, "-30.000000"},
		{math.MaxInt64, "9223372036854.775807"},
		{math.MinInt64, "-9223372036854.775808"},
	}
	for _, tt := range tests {
		if got := XTR(tt.in); got != tt.want {
			t.Errorf("XTR(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	day := time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		since, until string
		want         Window
		ok           bool
	}{
		{"", "", Window{}, true},
		{"2024-03-10T00:00:00Z", "", Window{Since: day}, true},
		{"", "2024-03-10T01:00:00+01:00", Window{Until: day}, true},
		{"2024-03-10T00:00:00Z", "2024-03-10T00:00:00Z", Window{Since: day, Until: day}, true},
		{"2024-03-10T00:00:00.5Z", "", Window{Since: day.Add(500 * time.Millisecond)}, true},
		{"2024-03-10", "", Window{}, false},
		{"yesterday", "", Window{}, false},
		{"", "2024-02-30T00:00:00Z", Window{}, false},
		{"2024-03-11T00:00:00Z", "2024-03-10T00:00:00Z", Window{}, false},
	}
	for _, tt := range tests {
		got, err := ParseWindow(tt.since, tt.until)
		if (err == nil) != tt.ok || tt.ok && (!got.Since.Equal(tt.want.Since) || !got.Until.Equal(tt.want.Until)) {
			t.Errorf("ParseWindow(%q, %q) = %+v, %v; want %+v, ok %v", tt.since, tt.until, got, err, tt.want, tt.ok)
		}
	}
}
