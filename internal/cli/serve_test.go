package cli

import (
	"strings"
	"testing"

	"taripay/app/config"
)

// TestServeHelpListsEveryVariable: `taripay serve --help` carries the
// table of config.Vars, the one docs/configuration.md holds.
func TestServeHelpListsEveryVariable(t *testing.T) {
	out, err := runCLI(t, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, config.Help()) {
		t.Errorf("serve --help lacks the variables table:\n%s", out)
	}
	for _, v := range config.Vars() {
		if !strings.Contains(out, v.Name) {
			t.Errorf("serve --help does not name %s", v.Name)
		}
	}
}
