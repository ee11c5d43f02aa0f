package cli

import (
	"os"
	"testing"
)

// TestMain lets the test binary run as taripay itself: a test that starts
// os.Args[0] with TARIPAY_TEST_MAIN=1 drives the real command tree in a
// real subprocess, with no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("TARIPAY_TEST_MAIN") == "1" {
		if err := NewRootCmd().Execute(); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	// The notifier keeps its last nonce in the user's cache directory: the
	// tests, and the subprocesses they start, keep theirs in a directory of
	// their own.
	cache, err := os.MkdirTemp("", "taripay-test-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}
