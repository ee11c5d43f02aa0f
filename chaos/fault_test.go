package chaos

import (
	"os"
	"testing"
)

// canStage skips a fault test when this machine cannot stage the fault
// (it needs root for mounts and file attributes, or PostgreSQL's own
// binaries), unless TPG_TEST_REQUIRE_FAULTS is set, as in .ci/run, which
// makes it fail instead. why is the reason it cannot, or nil.
func canStage(t *testing.T, why error) {
	t.Helper()
	if why == nil {
		return
	}
	if os.Getenv("TPG_TEST_REQUIRE_FAULTS") != "" {
		t.Fatalf("fault tests are required (TPG_TEST_REQUIRE_FAULTS) but this one cannot run: %v", why)
	}
	t.Skipf("cannot stage this fault here (%v); set TPG_TEST_REQUIRE_FAULTS to fail instead", why)
}
