package pay

import (
	"testing"
	"time"
)

func TestFormatLeft(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{30 * time.Second, "less than a minute"},
		{time.Minute, "1 minute"},
		{59*time.Minute + 59*time.Second, "59 minutes"},
		{time.Hour, "1 hour"},
		{2*time.Hour + time.Minute, "2 hours 1 minute"},
	} {
		if got := formatLeft(tc.in); got != tc.want {
			t.Errorf("formatLeft(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPaymentURI(t *testing.T) {
	_, a := key(t, 9)
	got := PaymentURI(a, 5, "order #1001 & co")
	want := "tari://mainnet/transactions/send?tariAddress=" + a.Base58() + "&amount=5&note=order%20%231001%20%26%20co"
	if got != want {
		t.Errorf("PaymentURI = %q, want %q", got, want)
	}
}
