package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"taripay/engine"
)

// Error is an HTTP error with the reference's message (docs/api.md, "Errors"). Every
// failure the API sends is one of these, as {"error": Message}; the fiber
// error handler in package app writes it and logs Cause.
type Error struct {
	Status  int
	Message string
	Cause   error // logged, never sent
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// The error table. Prefixes and statuses are the reference's ServerError
// variants; the rest are the middleware and extractor messages, which the
// reference sends as plain text and we send as JSON.
// errBackend answers an error nothing else explains: a bug, unless the
// store says it is unavailable (a full disk, a lost database connection),
// which is 503 so that clients retry.
func errBackend(cause error) *Error {
	if errors.Is(cause, engine.ErrUnavailable) {
		return Unavailable(cause)
	}
	return &Error{Status: http.StatusInternalServerError, Message: "An error occurred on the backend of the server. Internal error.", Cause: cause}
}

// RetryAfter is the Retry-After, in seconds, sent with every 503 caused by
// a storage fault.
const RetryAfter = "5"

// Unavailable answers a storage fault: 503, so that the client retries.
func Unavailable(cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Message: "An error occurred on the backend of the server. The database is unavailable; try again.", Cause: cause}
}

func errInvalidRequestPath(s string) *Error {
	return &Error{Status: http.StatusBadRequest, Message: "Could not read request path: " + s}
}

func errLoginToken(status int, msg string) *Error { return &Error{Status: status, Message: msg} }

func errAuthValidation(s string) *Error {
	return &Error{Status: http.StatusUnauthorized, Message: "Authentication Error. Login token signature is invalid. " + s}
}

func errInsufficientPermissions(s string) *Error {
	return &Error{Status: http.StatusForbidden, Message: "Insufficient Permissions. " + s}
}

func errNotFound(s string) *Error {
	return &Error{Status: http.StatusNotFound, Message: "The data was not found. " + s}
}

func errCannotComplete(s string) *Error {
	return &Error{Status: http.StatusBadRequest, Message: "Cannot complete this request. " + s}
}

// errNotReady answers what the shop's settings do not allow yet: 503, but
// without Retry-After (see errorHandler in package app), as only the
// merchant can fix it.
func errNotReady(s string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Message: "This shop is not ready to take Tari yet. " + s}
}

func errConflict(s string) *Error {
	return &Error{Status: http.StatusConflict, Message: "Cannot complete this request. " + s}
}

// ErrNoToken and the other access-token errors keep the reference's debug
// wording (the one its e2e suite asserts; docs/api.md, "Access tokens").
var (
	ErrNoToken = &Error{Status: http.StatusUnauthorized,
		Message: "An error occurred, no cookie containing a jwt was found in the request. Please first authenticate with this application."}
	ErrPermissions = &Error{Status: http.StatusForbidden, Message: "Insufficient permissions."}
	// ErrWalletAuth answers every failed wallet signature or IP check; the
	// reason is only logged. ErrWalletNonce answers a correctly signed
	// notification from the right IP whose nonce is not the newest, so that
	// the notifier signs it again rather than dropping it.
	ErrWalletAuth   = &Error{Status: http.StatusUnauthorized, Message: "Authentication Error. The wallet notification is not authorised."}
	ErrWalletNonce  = &Error{Status: http.StatusUnauthorized, Message: "Authentication Error. The wallet notification's nonce is not greater than the last one."}
	ErrAuthHeader   = &Error{Status: http.StatusBadRequest, Message: "Auth token signature invalid or not provided"}
	ErrContentType  = &Error{Status: http.StatusBadRequest, Message: "Content type error"}
	ErrBodyTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("JSON payload has exceeded limit (%d bytes).", BodyLimit)}
	ErrRouteMissing = &Error{Status: http.StatusNotFound, Message: "The data was not found. No such route."}
	ErrBadAddress   = &Error{Status: http.StatusNotFound, Message: "Could not recover TariAddress from string"}
	ErrBadSignature = &Error{Status: http.StatusUnauthorized,
		Message: "Authentication Error. Login token signature is invalid. Cannot claim order because the signature is invalid."}
)

// TokenError answers an access token that is malformed (400) or fails
// validation (401).
func TokenError(malformed bool, detail string) *Error {
	if malformed {
		return &Error{Status: http.StatusBadRequest, Message: "An error occurred parsing the jwt.\n\t Error: \"" + detail + "\""}
	}
	return &Error{Status: http.StatusUnauthorized, Message: "An error occurred validating the jwt.\n\t Error: \"" + detail + "\""}
}

func errJSON(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Message: "Json deserialize error: " + msg}
}

func errQuery(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Message: "Query deserialize error: " + msg}
}

// fromEngine maps an engine error to the reference's status and message,
// once. ref names the order (or payment) the request was about, for the
// reference's not-found wording.
func fromEngine(err error, ref string) *Error {
	var e *engine.Error
	if !errors.As(err, &e) {
		return errBackend(err)
	}
	switch {
	case errors.Is(err, engine.ErrInsufficientFunds):
		return errCannotComplete("Insufficient funds to complete the transaction")
	case errors.Is(err, engine.ErrOrderNoOp):
		return errCannotComplete("The requested order change would result in a no-op.")
	case errors.Is(err, engine.ErrOrderForbidden):
		return errCannotComplete("The requested order change is forbidden.")
	case errors.Is(err, engine.ErrOrderNotFound):
		return errNotFound("The requested order " + ref + " does not exist")
	case errors.Is(err, engine.ErrPaymentNotFound):
		return errNotFound("The requested payment " + ref + " does not exist")
	case errors.Is(err, engine.ErrWalletNotFound):
		return errNotFound("Wallet not found")
	case errors.Is(err, engine.ErrUnsupportedCurrency):
		return errNotFound(e.Message)
	case errors.Is(err, engine.ErrInvalidNonce):
		return errAuthValidation("Nonce is not strictly increasing.")
	}
	switch e.Code {
	case engine.ECONFLICT:
		return errConflict(sentence(e.Message))
	case engine.EINVALID:
		return errCannotComplete(sentence(e.Message))
	case engine.ENOTFOUND:
		return errNotFound(sentence(e.Message))
	case engine.EUNAUTHORIZED:
		return errAuthValidation(sentence(e.Message))
	case engine.EFORBIDDEN:
		return errInsufficientPermissions(sentence(e.Message))
	case engine.EUNCONFIGURED:
		return errNotReady(sentence(e.Message))
	}
	return errBackend(err)
}

// sentence capitalises an engine message and ends it with a full stop, to
// read like the reference's messages.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// Unsupported answers a route this configuration cannot serve.
func Unsupported(why string) *Error {
	return &Error{Status: http.StatusNotImplemented, Message: "This endpoint is not supported on this configuration. " + why}
}
