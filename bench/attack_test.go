package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"taripay/db/dbtest"
)

// A short attacked run: every honest request succeeds, quiet and under
// attack. The latencies are reported by `taripay bench --attack`, never
// asserted.
func TestAttackHonestTrafficSucceeds(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			var out bytes.Buffer
			o := Options{Duration: 500 * time.Millisecond, Concurrency: 2, Backends: []string{backend}, MaxOps: 60}
			results, err := Attack(context.Background(), o, &out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			r := results[0]
			if r.Quiet.ops == 0 || r.Attacked.ops == 0 {
				t.Fatalf("no honest requests ran: %s", out.String())
			}
			if !strings.HasPrefix(out.String(), "attack backend="+backend) {
				t.Errorf("report: %q", out.String())
			}
		})
	}
}
