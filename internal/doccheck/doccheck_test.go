package doccheck

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// thisTest is this file, from the repo's root: its table plants bad
// citations on purpose, so the check of the tree does not read it.
const thisTest = "internal/doccheck/doccheck_test.go"

// TestDocCitations: every doc a comment, a template, a doc, the Taskfile or
// a CI script of the repo cites, and every section it names, is in the repo.
func TestDocCitations(t *testing.T) {
	problems, err := Check(os.DirFS("../.."), thisTest)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestCheck plants citations in a tree held in memory: the check reports
// each one that does not resolve, and nothing else.
func TestCheck(t *testing.T) {
	docs := fstest.MapFS{
		"README.md":        {Data: []byte("# taripay\n\nSee `docs/engine.md`.\n")},
		"docs/engine.md":   {Data: []byte("# The engine\n\n## Orders and their states\n\n### Expiry\n")},
		"docs/security.md": {Data: []byte("# Security\n\n## Webhooks\n")},
	}
	for _, tc := range []struct {
		name, file, text string
		want             []string // the citations reported, in order
	}{
		{"a doc of the repo", "engine/a.go", "// The states are in docs/engine.md.\n", nil},
		{"in backticks, with a heading", "app/a.go", "// (`docs/security.md`, \"Webhooks\")\n", nil},
		{"a heading in another case, wrapped over two comment lines", "app/a.go",
			"// as docs/engine.md, \"orders and\n// their states\" says\n", nil},
		{"a deeper heading", "engine/a.go", "// docs/engine.md \"Expiry\"\n", nil},
		{"the root README", "docs/x.md", "See README.md.\n", nil},
		{"a link to another repository", "a.go", "// https://github.com/tari-project/tari/blob/main/README.md\n", nil},
		{"an absolute path", "docs/x.md", "go run . bench --out /tmp/bench.md\n", nil},
		{"a doc that is not in the repo", "app/a.go", "// See docs/api.md for the routes.\n", []string{"docs/api.md"}},
		{"a bare spec name", "app/a.go", "// (api.md)\n", []string{"api.md"}},
		{"a path relative to the citing file", "docs/x.md", "See engine.md.\n", []string{"engine.md"}},
		{"a section cited by number", "engine/a.go", "// docs/engine.md §3.1\n", []string{"docs/engine.md §3.1"}},
		{"a missing doc cited by section", "engine/a.go", "// DESIGN.md §2\n", []string{"DESIGN.md §2"}},
		{"a heading the doc does not have", "app/a.go", "// (`docs/security.md`, \"Proxies\")\n",
			[]string{"docs/security.md`, \"Proxies\""}},
		{"in a template", "views/a.templ", "// engine.md §9\n", []string{"engine.md §9"}},
		{"in the Taskfile", "Taskfile.yml", "desc: see shared/spec/api.md\n", []string{"shared/spec/api.md"}},
		{"in a CI script", ".ci/run", "# docs/testing.md\n", []string{"docs/testing.md"}},
		{"two in one comment", "app/a.go", "// docs/engine.md and crypto.md and docs/nope.md\n",
			[]string{"crypto.md", "docs/nope.md"}},
		{"test data is not read", "app/testdata/a.md", "api.md\n", nil},
		{"nor other files", "static/a.js", "// api.md\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{tc.file: {Data: []byte(tc.text)}}
			for name, f := range docs {
				fsys[name] = f
			}
			problems, err := Check(fsys)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range problems {
				if p.File != tc.file {
					t.Errorf("%s: reported in a file without citations: %s", p.File, p)
				}
				got = append(got, p.Citation)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("reported %q, want %q:\n%s", got, tc.want, strings.Join(strs(problems), "\n"))
			}
		})
	}
}

func strs(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
