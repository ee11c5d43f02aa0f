package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core's axe.min.js, vendored from the npm package
// axe-core (MPL-2.0: testdata/axe-core.LICENSE). Update it with
// `npm pack axe-core@4` and copy package/axe.min.js here.
//
//go:embed testdata/axe.min.js
var axeScript string

// Violation is one axe-core rule that the page breaks, with the elements
// that break it.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
}

// axeRun runs every axe-core rule on the document and lists the
// violations; each node reads "selector: what to fix".
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ")),
})))`

// Axe injects axe-core into the page that ctx drives, unless it is there
// already, and returns its violations: none is an empty slice.
func Axe(ctx context.Context) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("look for axe-core: %w", err)
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeScript)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	return vs, nil
}

// NoAxeViolations fails the test when axe-core finds any violation on the
// page that ctx drives, naming the page, each rule and each element.
func NoAxeViolations(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	vs, err := Axe(ctx)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("axe-core on %s: %s", page, v)
	}
}
