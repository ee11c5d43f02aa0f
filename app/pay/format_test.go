package pay

import (
	"math"
	"testing"
	"time"
)

func TestFormatXTR(t *testing.T) {
	for _, tc := range []struct {
		in   int64
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
		if got := FormatXTR(tc.in); got != tc.want {
			t.Errorf("FormatXTR(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

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
