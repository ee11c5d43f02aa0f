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

	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"taripay/app/api"
	"taripay/app/httperr"
	"taripay/engine"
)

// TestErrorHandler checks the one mapping from a handler's error to the
// answer: storage faults are 503 with Retry-After, an engine error takes its
// code's status (httperr), anything unexplained is 500, and all are JSON.
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
		{"a domain error", engine.Errorf(engine.ENOTFOUND, nil, "order not found"), 404,
			`{"error":"The data was not found. Order not found."}`, ""},
		{"an engine bug", engine.Errorf(engine.EINTERNAL, nil, "broken invariant"), 500,
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

// TestErrorStatusAPI checks that the API answers each engine code with the
// one table's status (httperr.Codes), as JSON; the admin and pay pages
// answer the same statuses (TestErrorStatusAdmin in app/admin,
// TestErrorStatusPay in app/pay).
func TestErrorStatusAPI(t *testing.T) {
	f := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	var fail error
	f.Get("/", func(*fiber.Ctx) error { return api.FromEngine(fail, "") })
	for _, c := range append(httperr.Codes, httperr.Code{Code: "unmapped", Status: http.StatusInternalServerError}) {
		t.Run(c.Code, func(t *testing.T) {
			fail = engine.Errorf(c.Code, nil, "refused")
			resp, err := f.Test(httptest.NewRequest(http.MethodGet, "/", nil))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			var reply struct {
				Error     string `json:"error"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal(body, &reply); err != nil || resp.StatusCode != c.Status || reply.Error == "" {
				t.Fatalf("got %d %s, want %d with a JSON error", resp.StatusCode, body, c.Status)
			}
			if c.Status == http.StatusInternalServerError && (reply.RequestID == "" || resp.Header.Get(fiber.HeaderXRequestID) != reply.RequestID) {
				t.Errorf("a 500 without its request id: %s", body)
			}
		})
	}
}
