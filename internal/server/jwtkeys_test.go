package server

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taripay/engine/tari"
)

// TestJWTKeyFile: the first call makes a pair and stores it as one JSON
// line readable by its owner only; the next reads the same pair back; a
// damaged file is an error, not a new pair.
func TestJWTKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jwt-signing-key.json")
	keys, created, err := jwtKeyFile(rand.Reader, path)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "}\n") || strings.Count(string(data), "\n") != 1 {
		t.Fatalf("file is not one JSON line: %q", data)
	}
	var f struct {
		Signing      string `json:"jwt_signing_key"`
		Verification string `json:"jwt_verification_key"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if again, err := tari.ParseJWTKeys(f.Signing, f.Verification); err != nil || again != keys {
		t.Fatalf("written keys do not load back: %v", err)
	}
	again, created, err := jwtKeyFile(rand.Reader, path)
	if err != nil || created || again != keys {
		t.Fatalf("second call: created %v, err %v, same keys %v", created, err, again == keys)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
	if err := os.WriteFile(path, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := jwtKeyFile(rand.Reader, path); err == nil {
		t.Error("a damaged key file was accepted")
	}
	if _, _, err := jwtKeyFile(rand.Reader, filepath.Join(dir, "missing", "key.json")); err == nil {
		t.Error("a missing directory was accepted")
	}
}
