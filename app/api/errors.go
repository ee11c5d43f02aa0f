package api

import (
	"fmt"
	"net/http"

	"taripay/app/httperr"
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

// Unavailable answers a storage fault: 503, so that the client retries.
func Unavailable(cause error) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Message: httperr.UnavailableText, Cause: cause}
}

// coded answers with the status and the reference's prefix of an engine
// code (httperr.Codes), followed by s.
func coded(code, s string) *Error {
	c := httperr.For(code)
	return &Error{Status: c.Status, Message: c.Prefix + s}
}

func errInvalidRequestPath(s string) *Error {
	return &Error{Status: http.StatusBadRequest, Message: "Could not read request path: " + s}
}

func errLoginToken(status int, msg string) *Error { return &Error{Status: status, Message: msg} }

func errAuthValidation(s string) *Error { return coded(engine.EUNAUTHORIZED, s) }

func errInsufficientPermissions(s string) *Error { return coded(engine.EFORBIDDEN, s) }

func errNotFound(s string) *Error { return coded(engine.ENOTFOUND, s) }

func errCannotComplete(s string) *Error { return coded(engine.EINVALID, s) }

func errConflict(s string) *Error { return coded(engine.ECONFLICT, s) }

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

// FromEngine answers an engine error with the status and the reference's
// message of the one table (httperr). ref names the order (or payment) the
// request was about, for the reference's not-found wording. Any other error
// is a bug (500), unless the store says it is unavailable (a full disk, a
// lost database connection): 503, so that clients retry.
func FromEngine(err error, ref string) *Error {
	return &Error{Status: httperr.Status(err), Message: httperr.Text(err, ref), Cause: err}
}

// Unsupported answers a route this configuration cannot serve.
func Unsupported(why string) *Error {
	return &Error{Status: http.StatusNotImplemented, Message: "This endpoint is not supported on this configuration. " + why}
}
