// Package e2e tests the real taripay binary, built with default settings
// (internal/servetest): the server over HTTP on loopback, and the
// command-line tools as a merchant runs them.
package e2e

import (
	"testing"

	"taripay/internal/servetest"
)

func TestMain(m *testing.M) {
	servetest.Main(m)
}
