package api

import (
	"context"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// deadlines is a claimer that only knows the expiry rules.
type deadlines struct{ engine.Config }

func (deadlines) PaymentAddress(context.Context) (tari.Address, error) { return tari.Address{}, nil }
func (deadlines) Claim(context.Context, string, string) (engine.ClaimResult, error) {
	return engine.ClaimResult{}, nil
}

// TestExpiresAt: expires_at is the engine's deadline under the configured
// timeouts, not the reference's fixed 6 h and 2 h; a closed order, or one
// that never expires, gives its updated_at.
func TestExpiresAt(t *testing.T) {
	at := time.Date(2024, 9, 2, 14, 0, 0, 0, time.UTC)
	recorded, claimed := at.Add(-time.Hour), at.Add(-30*time.Minute)
	timeouts := deadlines{engine.Config{UnclaimedOrderTimeout: 3 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}}
	tests := []struct {
		e      claimer
		status engine.OrderStatus
		want   time.Time
	}{
		{timeouts, engine.OrderNew, claimed.Add(48 * time.Hour)},
		{timeouts, engine.OrderUnclaimed, recorded.Add(3 * time.Hour)},
		{timeouts, engine.OrderPaid, at},
		{timeouts, engine.OrderExpired, at},
		{deadlines{}, engine.OrderNew, at},
	}
	for _, tt := range tests {
		o := engine.Order{Status: tt.status, UpdatedAt: at, RecordedAt: recorded, ClaimedAt: &claimed}
		if got := expiresAt(tt.e, o); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.status, got, tt.want)
		}
	}
}
