package e2e

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"taripay/db"
	"taripay/engine"
	"taripay/internal/servetest"
)

// TestRolesCommand grants and revokes roles offline, in a real subprocess,
// against the database of TPG_DATABASE_URL.
func TestRolesCommand(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite://" + filepath.Join(dir, "roles.db")
	who := newKey(t).addr
	run := func(args ...string) (string, error) {
		out, err := servetest.Command(dir, []string{"TPG_DATABASE_URL=" + url}, append([]string{"roles"}, args...)...).CombinedOutput()
		return string(out), err
	}
	roles := func() []engine.Role {
		t.Helper()
		store, err := db.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		rs, err := engine.New(engine.Config{}, store, engine.SystemClock{}).Roles(context.Background(), who.Base58())
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(rs)
		return rs
	}

	if out, err := run("grant", who.Emoji(), "read_all", "write", "super_admin"); err != nil {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	if got := roles(); !slices.Equal(got, []engine.Role{"read_all", "super_admin", "user", "write"}) {
		t.Errorf("after grant: %v", got)
	}
	if out, err := run("revoke", who.Base58(), "write", "super_admin"); err != nil {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if got := roles(); !slices.Equal(got, []engine.Role{"read_all", "user"}) {
		t.Errorf("after revoke: %v", got)
	}
	for _, bad := range [][]string{
		{"grant", who.Base58(), "emperor"},
		{"grant", "not-an-address", "write"},
		{"grant", who.Base58()},
	} {
		out, err := run(bad...)
		if err == nil {
			t.Errorf("roles %s succeeded:\n%s", strings.Join(bad, " "), out)
		}
	}
	if got := roles(); !slices.Equal(got, []engine.Role{"read_all", "user"}) {
		t.Errorf("a refused command changed roles: %v", got)
	}
}
