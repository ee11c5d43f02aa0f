package tariwire

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The wallet bodies are protocol: the domain must not reach them, and the
// JSON package under them must stay a leaf (docs/design.md, "Package map").
func TestDependencyDirection(t *testing.T) {
	deps := func(pattern string) []string {
		t.Helper()
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goBin, "list", "-deps", "-test", pattern).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pattern, err)
		}
		return strings.Fields(string(out))
	}
	if slices.Contains(deps("taripay/engine/..."), "taripay/internal/tariwire") {
		t.Error("a package under engine/ imports internal/tariwire")
	}
	for _, d := range deps("taripay/internal/serde") {
		if strings.HasPrefix(d, "taripay/") && !strings.HasPrefix(d, "taripay/internal/serde") {
			t.Errorf("internal/serde imports %s; it must import no taripay package", d)
		}
	}
}
