package wallethook

import (
	"testing"

	"taripay/internal/parsecost"
)

// The wallet's notify arguments at 1×, 10× and 100× a typical payment id
// and amount: each is refused past its bound before any work
// (docs/benchmarks.md, parser cost).
func BenchmarkParseCost(b *testing.B) {
	b.Run("payment_id", func(b *testing.B) {
		parsecost.Run(b, func(n int) string { return parsecost.Grow("type(PaymentToOther), data(order 1001)", " ", n) },
			func(s string) { _, _ = ParsePaymentID(s) })
	})
	b.Run("amount", func(b *testing.B) {
		parsecost.Run(b, func(n int) string { return parsecost.Grow("12.500000 T", "0", n) },
			func(s string) { _, _ = ParseAmount(s) })
	})
	b.Run("args", func(b *testing.B) {
		parsecost.Run(b, func(n int) string { return parsecost.Grow("type(PaymentToOther), data(order 1001)", " ", n) },
			func(s string) { _, _ = Parse(complete("received", "12.500000 T", s, "Completed", "", "Inbound")) })
	})
}
