package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taripay/app/config"
)

// TestStartServesUntilClose: Start serves on the given listener, over a
// fresh database in the data directory, with the start log written and a
// JWT key file made, and Close stops it cleanly.
func TestStartServesUntilClose(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TPG_DATABASE_URL": "sqlite://" + filepath.Join(dir, "taripay.db")}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	s, err := Start(context.Background(), cfg, Options{Log: slog.New(slog.NewTextHandler(&log, nil)), Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "http://"+ln.Addr().String() {
		t.Errorf("URL %s, want the listener's", s.URL)
	}
	res, err := http.Get(s.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("/health: %d", res.StatusCode)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if !strings.Contains(log.String(), "taripay serving: open "+s.URL+"/") {
		t.Errorf("no start log:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "jwt-signing-key.json")); err != nil {
		t.Errorf("no JWT key file in the data directory: %v", err)
	}
	if _, err := http.Get(s.URL + "/health"); err == nil {
		t.Error("still serving after Close")
	}
}
