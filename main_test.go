package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary run as taripay itself: a test that starts
// os.Args[0] with TARIPAY_TEST_MAIN=1 drives the real main in a real
// subprocess, with no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("TARIPAY_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
