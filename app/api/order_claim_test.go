package api

import (
	"testing"
	"time"

	"taripay/engine"
)

func TestExpiresAt(t *testing.T) {
	at := time.Date(2024, 9, 2, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		status engine.OrderStatus
		want   time.Time
	}{
		{engine.OrderNew, at.Add(6 * time.Hour)},
		{engine.OrderUnclaimed, at.Add(2 * time.Hour)},
		{engine.OrderPaid, at},
		{engine.OrderExpired, at},
	}
	for _, tt := range tests {
		if got := expiresAt(engine.Order{Status: tt.status, UpdatedAt: at}); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.status, got, tt.want)
		}
	}
}
