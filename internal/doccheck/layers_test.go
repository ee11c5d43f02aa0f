package doccheck

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestLayers holds the dependency direction README and docs/design.md
// promise, app → engine ← db: the engine reaches no HTTP, SQL, Shopify or
// outer package; db reaches nothing of app; app reaches no store directly.
func TestLayers(t *testing.T) {
	for _, rule := range []struct {
		packages  string
		forbidden []string // import path prefixes
		allowed   []string // exceptions to forbidden
	}{
		{"taripay/engine/...", []string{"taripay/app", "taripay/db", "taripay/internal", "taripay/migrations", "taripay/views",
			"net/http", "database/sql", "github.com/uptrace/bun", "github.com/gofiber", "github.com/bold-commerce"},
			// the reference's JSON, a leaf that imports no taripay package
			// (TestDependencyDirection, internal/tariwire)
			[]string{"taripay/internal/serde"}},
		{"taripay/db/...", []string{"taripay/app", "taripay/views", "github.com/gofiber", "github.com/bold-commerce"}, nil},
		{"taripay/app/...", []string{"taripay/db", "taripay/migrations", "taripay/internal/cli", "taripay/internal/server"}, nil},
	} {
		for pkg, imports := range directImports(t, rule.packages) {
			for _, imp := range imports {
				if slices.Contains(rule.allowed, imp) {
					continue
				}
				for _, f := range rule.forbidden {
					if imp == f || strings.HasPrefix(imp, f+"/") {
						t.Errorf("%s imports %s", pkg, imp)
					}
				}
			}
		}
	}
}

// directImports lists what each package matching pattern imports, its
// tests left out.
func directImports(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, pattern).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	if len(imports) == 0 {
		t.Fatalf("go list %s listed no package", pattern)
	}
	return imports
}
