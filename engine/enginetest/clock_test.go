package enginetest_test

import (
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/enginetest"
)

var _ engine.Clock = (*enginetest.Clock)(nil)

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := enginetest.NewClock(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	c.Add(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("after Add: Now() = %v, want %v", got, want)
	}
}
