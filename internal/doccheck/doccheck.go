// Package doccheck finds citations of documents that a clone of the repo
// does not have. A comment or a doc cites a Markdown file by its path from
// the repo's root (docs/engine.md, README.md), optionally followed by a
// section's heading in quotes: (docs/security.md, "Webhooks"). Check
// reports every such path that is not a file of the tree, every quoted
// heading the file does not have, and every section cited by number (§),
// which no heading carries.
package doccheck

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Problem is one citation that does not lead anywhere.
type Problem struct {
	File     string // the citing file, from the repo's root
	Citation string
	Why      string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.File, p.Citation, p.Why) }

// scanned reports whether a file may cite docs: source, templates, docs,
// the Taskfile and the CI scripts. Test data is not read.
func scanned(name string) bool {
	if strings.Contains("/"+name, "/testdata/") {
		return false
	}
	switch path.Ext(name) {
	case ".go", ".templ", ".md", ".yml", ".yaml", ".toml", ".sql":
		return true
	}
	return strings.HasPrefix(name, ".ci/")
}

// skippedDirs are never walked: the repository's own metadata and what a
// run leaves behind.
var skippedDirs = []string{".git", "data", "node_modules"}

// Check walks the tree in fsys (the repo's root) and returns every citation
// that does not resolve, in file order. skip names files not to read (the
// check's own test, whose table plants bad citations).
func Check(fsys fs.FS, skip ...string) ([]Problem, error) {
	var problems []Problem
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." && slices.Contains(skippedDirs, d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !scanned(name) || slices.Contains(skip, name) {
			return nil
		}
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		problems = append(problems, checkText(fsys, name, string(text))...)
		return nil
	})
	return problems, err
}

// citation is a Markdown path, then optionally its closing backtick and a
// section: a quoted heading or a § number.
var citation = regexp.MustCompile("([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\\.md)\\b`?(?:,? +\"([^\"]+)\"| +(§ ?[0-9A-Z][0-9.]*))?")

func checkText(fsys fs.FS, name, text string) []Problem {
	var problems []Problem
	joined := joinComments(text)
	for _, m := range citation.FindAllStringSubmatchIndex(joined, -1) {
		cited := joined[m[2]:m[3]]
		if inURL(joined, m[2]) || m[2] > 0 && joined[m[2]-1] == '/' {
			continue // a URL or an absolute path: not a file of the repo
		}
		report := func(why string) {
			problems = append(problems, Problem{File: name, Citation: strings.TrimRight(joined[m[0]:m[1]], "`. "), Why: why})
		}
		body, err := fs.ReadFile(fsys, cited)
		if err != nil {
			report("no such file in the repo (cite a doc by its path from the repo's root)")
			continue
		}
		switch {
		case m[6] >= 0:
			report("sections are cited by their heading in quotes, not by number")
		case m[4] >= 0:
			if heading := joined[m[4]:m[5]]; !hasHeading(string(body), heading) {
				report(fmt.Sprintf("%s has no heading %q", cited, heading))
			}
		}
	}
	return problems
}

// joinComments joins the lines of text into one, dropping each line's
// indentation and comment marker, so that a citation wrapped over two
// comment lines reads as one.
func joinComments(text string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		for _, marker := range []string{"//", "#", "--", "*"} {
			if rest, ok := strings.CutPrefix(line, marker); ok && !strings.HasPrefix(rest, "#") {
				line = strings.TrimSpace(rest)
				break
			}
		}
		b.WriteString(line)
		b.WriteByte(' ')
	}
	return b.String()
}

// inURL reports whether the path at i is part of a URL (a link to a file
// of another repository, say), which the check leaves alone.
func inURL(s string, i int) bool {
	start := strings.LastIndexAny(s[:i], " \t(<[`'\"") + 1
	return strings.Contains(s[start:i], "://")
}

// hasHeading reports whether Markdown doc has a heading whose text is
// heading, ignoring case.
func hasHeading(doc, heading string) bool {
	for line := range strings.Lines(doc) {
		text, ok := strings.CutPrefix(strings.TrimSpace(line), "#")
		if !ok {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(strings.TrimLeft(text, "#")), heading) {
			return true
		}
	}
	return false
}
