package engine

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status once, at the edge
// (app/httperr).
const (
	ECONFLICT     = "conflict"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	// EUNCONFIGURED: the shop's settings do not allow this yet; it works
	// once the merchant completes them, not by retrying.
	EUNCONFIGURED = "unconfigured"
)

// Error is the engine's one coded domain error. Kind optionally names the
// precise reference error (see the Err* sentinels) so the edge can reproduce
// the reference's exact messages.
type Error struct {
	Code    string
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is lets errors.Is match both the sentinel kind and another *Error of the same kind.
func (e *Error) Is(target error) bool {
	if e.Kind != nil && e.Kind == target {
		return true
	}
	t, ok := target.(*Error)
	return ok && t.Kind != nil && t.Kind == e.Kind
}

// Sentinel kinds, matched with errors.Is.
var (
	ErrOrderNotFound       = errors.New("order not found")
	ErrOrderExists         = errors.New("order already exists")
	ErrOrderForbidden      = errors.New("the requested order change is forbidden")
	ErrOrderNoOp           = errors.New("the requested order change would result in a no-op")
	ErrOrderClosed         = errors.New("order is closed")
	ErrClaimedByOther      = errors.New("order is claimed by another address")
	ErrPaymentNotFound     = errors.New("payment not found")
	ErrPaymentStatus       = errors.New("illegal payment status change")
	ErrInsufficientFunds   = errors.New("insufficient funds")
	ErrInvalidNonce        = errors.New("nonce is not strictly increasing")
	ErrWalletNotFound      = errors.New("wallet not authorised")
	ErrRoleNotAllowed      = errors.New("role not allowed")
	ErrUnsupportedCurrency = errors.New("unsupported currency")
	ErrInvalidAmount       = errors.New("invalid amount")
	ErrUnavailable         = errors.New("storage unavailable")
	ErrNoPaymentAddress    = errors.New("no payment address")
)

// Errorf builds a coded error of the given kind.
func Errorf(code string, kind error, format string, args ...any) *Error {
	return &Error{Code: code, Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an engine error, or EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
