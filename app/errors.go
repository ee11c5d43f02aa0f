package app

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/api"
	"taripay/app/httperr"
)

// errorHandler is the one place an API error becomes an HTTP answer:
// always {"error": "<message>"}. An *api.Error carries its status; any
// other error takes its status and message from the one table (httperr),
// so that anything that is not an engine error is a bug, logged with its
// cause and answered with a generic 500.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var ae *api.Error
		var fe *fiber.Error
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &fe):
			ae = fromFiber(fe)
		default:
			ae = api.FromEngine(err, "")
		}
		// A storage fault clears by itself, so clients are told when to
		// retry. A 503 for a missing setting carries no Retry-After: it
		// lasts until the merchant acts, and retrying sooner is no use.
		if ae.Status == http.StatusServiceUnavailable && httperr.Retry(err) {
			c.Set(fiber.HeaderRetryAfter, httperr.RetryAfter)
		}
		// A struct, not a map: the keys keep one order on the wire.
		reply := struct {
			Error     string `json:"error"`
			RequestID string `json:"request_id,omitempty"`
		}{Error: ae.Message}
		switch {
		case ae.Status == http.StatusInternalServerError:
			// A bug: the reply names the log line that holds its cause.
			id := httperr.NewRequestID()
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "status", ae.Status, "request_id", id, "err", err)
			reply.RequestID = id
			c.Set(fiber.HeaderXRequestID, id)
		case ae.Status > http.StatusInternalServerError:
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "status", ae.Status, "err", err)
		}
		if ae.Status == http.StatusRequestEntityTooLarge && strings.HasPrefix(c.Path(), webhookPrefix) {
			// Shopify will not send it again: say which delivery was lost.
			log.Error("webhook refused: body too large", "path", c.Path(), "topic", c.Get("X-Shopify-Topic"),
				"event_id", c.Get("X-Shopify-Event-Id"), "shop", c.Get("X-Shopify-Shop-Domain"), "limit", WebhookBodyLimit)
		}
		c.Status(ae.Status)
		return api.Render(c, reply)
	}
}

// fromFiber maps the framework's own errors. A wrong method is a 404 as in
// the reference, never a 405.
func fromFiber(fe *fiber.Error) *api.Error {
	switch fe.Code {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return api.ErrRouteMissing
	case http.StatusRequestEntityTooLarge:
		return api.ErrBodyTooLarge
	}
	return &api.Error{Status: fe.Code, Message: fe.Message}
}
