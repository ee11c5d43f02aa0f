package db

import "testing"

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://app:s3cret@127.0.0.1:5432/test", "postgres://app:xxxxx@127.0.0.1:5432/test"},
		{"postgres://app@127.0.0.1/test", "postgres://app@127.0.0.1/test"},
		{"postgres://127.0.0.1/test?sslmode=disable", "postgres://127.0.0.1/test?sslmode=disable"},
		{"sqlite://data/taripay.db", "sqlite://data/taripay.db"},
		// Does not parse as a URL (a bare "%" in the password): still redacted.
		{"postgres://app:50%off@db/test", "postgres://app:xxxxx@db/test"},
		{"not a url", "not a url"},
	} {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
