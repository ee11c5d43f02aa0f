package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"taripay/app/api"
)

// WebhookBodyLimit caps a Shopify webhook body: an order with many line
// items is larger than api.BodyLimit, and Shopify never sends it again if
// it is refused. It is the server's own limit; limitBody holds every other
// route to api.BodyLimit.
const WebhookBodyLimit = 5 << 20

// webhookPrefix is where the Shopify webhooks are routed (registerRoutes).
const webhookPrefix = "/shopify/"

// limitBody answers 413 for a body over its route's limit.
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > api.BodyLimit && !strings.HasPrefix(c.Path(), webhookPrefix) {
		return api.ErrBodyTooLarge
	}
	return c.Next()
}

// ErrEncodedBody refuses a compressed request body: inflating one costs
// what the sender chooses (a kilobyte inflates to gigabytes), and no client
// of taripay compresses what it sends.
var ErrEncodedBody = &api.Error{Status: http.StatusUnsupportedMediaType,
	Message: "Content-Encoding is not accepted on requests: send the body uncompressed."}

// refuseEncodedBody answers 415 for a request with a Content-Encoding other
// than identity, before anything reads its body.
func refuseEncodedBody(c *fiber.Ctx) error {
	if enc := strings.TrimSpace(c.Get(fiber.HeaderContentEncoding)); enc != "" && !strings.EqualFold(enc, "identity") {
		return ErrEncodedBody
	}
	return c.Next()
}

// recoverPanics turns a handler's panic into an error for errorHandler (a
// 500 with a request id), logging the stack; the server goes on serving.
func recoverPanics(log *slog.Logger) fiber.Handler {
	return recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, p any) {
			log.Error("handler panicked", "method", c.Method(), "path", c.Path(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		},
	})
}
