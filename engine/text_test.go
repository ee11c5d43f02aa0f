package engine

import (
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"order 1001", "order 1001", false},
		{"ünïcode ✓", "ünïcode ✓", false},
		{"", "", false},
		{"a\x00b", "a\uFFFDb", true},
		{"\x00\x01", "\uFFFD\x01", true},
		{"bad \xff\xfe end", "bad \uFFFD end", true},
		{"\xc3(", "\uFFFD(", true},
	}
	for _, tt := range tests {
		got, changed := CleanText(tt.in)
		if got != tt.want || changed != tt.changed {
			t.Errorf("CleanText(%q) = %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
		}
		if ValidText(tt.in) == tt.changed {
			t.Errorf("ValidText(%q) = %v", tt.in, !tt.changed)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"order 1001", "a\x00b", "\xff", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := CleanText(s)
		if !ValidText(got) || !utf8.ValidString(got) {
			t.Fatalf("CleanText(%q) = %q, not valid text", s, got)
		}
		if changed == (got == s) {
			t.Fatalf("CleanText(%q) = %q, changed %v", s, got, changed)
		}
	})
}
