package serde

import "testing"

func TestAppendStringMatchesSerde(t *testing.T) {
	tests := []struct{ in, want string }{
		{"payment001", `"payment001"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"</script>&", `"</script>&"`},
		{"\u2028\u2029", "\"\u2028\u2029\""},
		{"ünïcode 🐢", `"ünïcode 🐢"`},
	}
	for _, tc := range tests {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
