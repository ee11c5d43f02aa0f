// Package parsecost benchmarks a parser of untrusted input at 1×, 10× and
// 100× a typical input's size, so that `go test -bench` shows its cost
// growing at most linearly, or flat where oversize input is refused before
// any work (docs/benchmarks.md, parser cost).
package parsecost

import (
	"fmt"
	"strings"
	"testing"
)

// Scales are the input sizes benchmarked, in multiples of the typical one.
var Scales = []int{1, 10, 100}

// Grow makes typical n times as long, by repeating its last filler
// characters: a parser sees the same shape, only longer.
func Grow(typical, filler string, n int) string {
	if n <= 1 {
		return typical
	}
	return typical + strings.Repeat(filler, (n-1)*len(typical)/max(len(filler), 1))
}

// Run benchmarks parse on input(n) for each of Scales, as sub-benchmarks
// named 1x, 10x and 100x, and reports the cost per input byte next to the
// cost per call.
func Run(b *testing.B, input func(n int) string, parse func(string)) {
	for _, n := range Scales {
		in := input(n)
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				parse(in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in)), "ns/byte")
		})
	}
}
