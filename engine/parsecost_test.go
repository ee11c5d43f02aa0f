package engine_test

import (
	"testing"

	"taripay/engine"
	"taripay/internal/parsecost"
)

// The engine's parsers of storefront and wallet text at 1×, 10× and 100× a
// typical input: the order reference in a payment's note, and an order's
// price. Each is refused past its bound before any work
// (docs/benchmarks.md, parser cost).
func BenchmarkParseCost(b *testing.B) {
	b.Run("order_ref", func(b *testing.B) {
		parsecost.Run(b, func(n int) string { return parsecost.Grow("order #1001 thanks", " ", n) },
			func(s string) { engine.ParseOrderRef(s) })
	})
	b.Run("price", func(b *testing.B) {
		parsecost.Run(b, func(n int) string { return parsecost.Grow("1234.50", "0", n) },
			func(s string) { _, _ = engine.ToMicroTari(s, "USD", 1_000_000) })
	})
}
