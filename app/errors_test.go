package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// TestErrorHandler checks the one mapping from a handler's error to the
// answer: storage faults are 503 with Retry-After, anything unexplained is
// 500, and both are JSON.
func TestErrorHandler(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		body       string
		retryAfter string
	}{
		{"storage unavailable", fmt.Errorf("confirm tx-1: %w", fmt.Errorf("%w: disk I/O error", engine.ErrUnavailable)), 503,
			`{"error":"An error occurred on the backend of the server. The database is unavailable; try again."}`, "5"},
		{"a bug", errors.New("nil map"), 500,
			`{"error":"An error occurred on the backend of the server. Internal error.","request_id":"$id"}`, ""},
		{"a domain error", engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "order not found"), 500,
			`{"error":"An error occurred on the backend of the server. Internal error.","request_id":"$id"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
			f.Get("/", func(*fiber.Ctx) error { return tt.err })
			resp, err := f.Test(httptest.NewRequest(http.MethodGet, "/", nil))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			// A 500 names its log line; only a 500 does.
			id := resp.Header.Get(fiber.HeaderXRequestID)
			if (id != "") != (tt.status == 500) {
				t.Errorf("X-Request-Id = %q on a %d", id, resp.StatusCode)
			}
			if want := strings.Replace(tt.body, "$id", id, 1); resp.StatusCode != tt.status || string(body) != want {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, want)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
		})
	}
}
