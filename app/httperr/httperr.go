// Package httperr is the one table from an error to an HTTP reply. Each
// engine code (engine/errors.go) has one status, which the API's JSON, the
// admin pages, the pay pages and the webhooks all answer with; the API's
// message keeps the reference's wording where Tari clients match on it
// (docs/api.md, "Errors").
package httperr

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"taripay/engine"
)

// Code is one row of the table: an engine code, its status, and the prefix
// the reference puts before the message on the API's wire.
type Code struct {
	Code   string
	Status int
	Prefix string
}

// Codes is the table. EINVALID is 400, as the API has always answered it:
// the admin and pay pages, which answered 422, now answer 400 too.
var Codes = []Code{
	{engine.EINVALID, http.StatusBadRequest, "Cannot complete this request. "},
	{engine.EUNAUTHORIZED, http.StatusUnauthorized, "Authentication Error. Login token signature is invalid. "},
	{engine.EFORBIDDEN, http.StatusForbidden, "Insufficient Permissions. "},
	{engine.ENOTFOUND, http.StatusNotFound, "The data was not found. "},
	{engine.ECONFLICT, http.StatusConflict, "Cannot complete this request. "},
	// The shop's settings do not allow it yet: 503 without Retry-After, as
	// only the merchant can fix it.
	{engine.EUNCONFIGURED, http.StatusServiceUnavailable, "This shop is not ready to take Tari yet. "},
}

// Texts of the replies that are not an engine code's.
const (
	InternalText    = "An error occurred on the backend of the server. Internal error."
	UnavailableText = "An error occurred on the backend of the server. The database is unavailable; try again."
)

// RetryAfter is the Retry-After, in seconds, sent with every 503 caused by
// a storage fault.
const RetryAfter = "5"

// kinds are the reference's exact texts for particular engine errors, which
// its clients match on. A text applies only to its kind under its code, so
// the status is always the code's.
var kinds = []struct {
	kind error
	code string
	text func(e *engine.Error, ref string) string
}{
	{engine.ErrInsufficientFunds, engine.EINVALID, fixed("Insufficient funds to complete the transaction")},
	{engine.ErrOrderNoOp, engine.EINVALID, fixed("The requested order change would result in a no-op.")},
	{engine.ErrOrderForbidden, engine.EINVALID, fixed("The requested order change is forbidden.")},
	{engine.ErrOrderNotFound, engine.ENOTFOUND, requested("order")},
	{engine.ErrPaymentNotFound, engine.ENOTFOUND, requested("payment")},
	{engine.ErrWalletNotFound, engine.ENOTFOUND, fixed("Wallet not found")},
	{engine.ErrUnsupportedCurrency, engine.ENOTFOUND, func(e *engine.Error, _ string) string { return e.Message }},
	{engine.ErrInvalidNonce, engine.EUNAUTHORIZED, fixed("Nonce is not strictly increasing.")},
}

func fixed(s string) func(*engine.Error, string) string {
	return func(*engine.Error, string) string { return s }
}

// requested is the reference's not-found wording for the request's order
// or payment.
func requested(what string) func(*engine.Error, string) string {
	return func(_ *engine.Error, ref string) string {
		return "The requested " + what + " " + ref + " does not exist"
	}
}

func row(code string) (Code, bool) {
	for _, c := range Codes {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

// For is the table's row of code; any other code is internal, a 500.
func For(code string) Code {
	if c, ok := row(code); ok {
		return c
	}
	return Code{Code: engine.EINTERNAL, Status: http.StatusInternalServerError}
}

// Status is err's one HTTP status: 503 for a storage fault, its code's
// for an engine error, and 500 for anything else, a bug.
func Status(err error) int {
	if errors.Is(err, engine.ErrUnavailable) {
		return http.StatusServiceUnavailable
	}
	if c, ok := row(engine.ErrorCode(err)); ok {
		return c.Status
	}
	return http.StatusInternalServerError
}

// Internal reports whether err is a bug: it is answered 500 with a request
// ID that names the log line holding its cause.
func Internal(err error) bool { return Status(err) == http.StatusInternalServerError }

// Retry reports whether the reply to err carries Retry-After: a storage
// fault clears by itself, while a missing setting lasts until the merchant
// acts.
func Retry(err error) bool { return errors.Is(err, engine.ErrUnavailable) }

// Text is the API's message for err, in the reference's words. ref names
// the order (or payment) the request was about, for its not-found wording.
func Text(err error, ref string) string {
	if errors.Is(err, engine.ErrUnavailable) {
		return UnavailableText
	}
	var e *engine.Error
	if !errors.As(err, &e) {
		return InternalText
	}
	c, ok := row(e.Code)
	if !ok {
		return InternalText
	}
	for _, k := range kinds {
		if k.code == e.Code && errors.Is(err, k.kind) {
			return c.Prefix + k.text(e, ref)
		}
	}
	return c.Prefix + sentence(e.Message)
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

// NewRequestID names one failed request in the log and in its reply.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
