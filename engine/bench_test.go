package engine_test

import (
	"fmt"
	"testing"
)

// BenchmarkReceiveConfirm measures one payment's two wallet calls, each
// paying one order, per backend.
func BenchmarkReceiveConfirm(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			en := newEnv(b, backend, defaultConfig)
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("o%d", i)
				en.order(id, "c", 1, nil)
				if _, err := en.e.Claim(en.ctx, id, "addr"); err != nil {
					b.Fatal(err)
				}
				en.receive("tx"+id, "addr", 1, nil, nil)
				en.confirm("tx" + id)
			}
		})
	}
}
