package doccheck

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeLayout: README's layout table names every Go package directory
// of the repo, and every path it names exists, so the table stays the map
// of the tree a newcomer reads first.
func TestReadmeLayout(t *testing.T) {
	root := os.DirFS("../..")
	readme, err := fs.ReadFile(root, "README.md")
	if err != nil {
		t.Fatal(err)
	}
	named := layoutPaths(t, string(readme))
	for _, p := range named {
		if _, err := fs.Stat(root, strings.TrimSuffix(p, "/")); err != nil {
			t.Errorf("README's layout names %s, which is not in the repo", p)
		}
	}
	for _, dir := range goPackageDirs(t, root) {
		if !slices.Contains(named, dir+"/") && !slices.Contains(named, dir) {
			t.Errorf("README's layout does not name %s/", dir)
		}
	}
}

// layoutPaths returns the backticked paths in the first column of the
// "## Layout" table.
func layoutPaths(t *testing.T, readme string) []string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## Layout\n")
	if !ok {
		t.Fatal(`README has no "## Layout" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	quoted := regexp.MustCompile("`([^`]+)`")
	var paths []string
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range quoted.FindAllStringSubmatch(cells[1], -1) {
			paths = append(paths, m[1])
		}
	}
	if len(paths) == 0 {
		t.Fatal("README's layout table names no path")
	}
	return paths
}

// goPackageDirs lists the directories holding Go files, the root excepted,
// leaving out test data and the extension's node modules.
func goPackageDirs(t *testing.T, root fs.FS) []string {
	t.Helper()
	var dirs []string
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			if dir := path.Dir(p); dir != "." && !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
