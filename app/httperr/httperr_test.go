package httperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"taripay/engine"
)

// TestStatus checks the table itself: each code has one status, however the
// error is wrapped; a storage fault is 503 with Retry-After; anything the
// table does not hold is a 500, a bug.
func TestStatus(t *testing.T) {
	for _, c := range Codes {
		t.Run(c.Code, func(t *testing.T) {
			for _, err := range []error{
				engine.Errorf(c.Code, nil, "refused"),
				fmt.Errorf("context: %w", engine.Errorf(c.Code, engine.ErrOrderNotFound, "refused")),
			} {
				if got := Status(err); got != c.Status || Internal(err) || Retry(err) {
					t.Errorf("Status(%v) = %d, internal %v, retry %v; want %d", err, got, Internal(err), Retry(err), c.Status)
				}
			}
			if For(c.Code) != c {
				t.Errorf("For(%s) = %+v", c.Code, For(c.Code))
			}
		})
	}
	unavailable := fmt.Errorf("%w: disk I/O error", engine.ErrUnavailable)
	if Status(unavailable) != http.StatusServiceUnavailable || !Retry(unavailable) || Text(unavailable, "") != UnavailableText {
		t.Errorf("storage fault: %d, retry %v, %q", Status(unavailable), Retry(unavailable), Text(unavailable, ""))
	}
	for _, err := range []error{errors.New("nil map"), engine.Errorf(engine.EINTERNAL, nil, "bug"), engine.Errorf("bogus", nil, "bug")} {
		if Status(err) != http.StatusInternalServerError || !Internal(err) || Text(err, "") != InternalText {
			t.Errorf("%v: %d, internal %v, %q", err, Status(err), Internal(err), Text(err, ""))
		}
	}
}

// TestText pins the API's wire text: the reference's exact words, which
// Tari clients match on.
func TestText(t *testing.T) {
	tests := []struct {
		err  error
		ref  string
		want string
	}{
		{engine.Errorf(engine.EINVALID, engine.ErrInsufficientFunds, "the balance of a cannot go below zero"), "",
			"Cannot complete this request. Insufficient funds to complete the transaction"},
		{engine.Errorf(engine.EINVALID, engine.ErrOrderNoOp, "no change"), "1",
			"Cannot complete this request. The requested order change would result in a no-op."},
		{engine.Errorf(engine.EINVALID, engine.ErrOrderForbidden, "forbidden"), "1",
			"Cannot complete this request. The requested order change is forbidden."},
		{engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "Order 1 does not exist"), "1",
			"The data was not found. The requested order 1 does not exist"},
		{engine.Errorf(engine.ENOTFOUND, engine.ErrPaymentNotFound, "Payment tx does not exist"), "tx",
			"The data was not found. The requested payment tx does not exist"},
		{engine.Errorf(engine.ENOTFOUND, engine.ErrWalletNotFound, "Wallet w is not authorised"), "",
			"The data was not found. Wallet not found"},
		{engine.Errorf(engine.ENOTFOUND, engine.ErrUnsupportedCurrency, "Unsupported currency: XYZ"), "",
			"The data was not found. Unsupported currency: XYZ"},
		{engine.Errorf(engine.EUNAUTHORIZED, engine.ErrInvalidNonce, "the nonce is old"), "",
			"Authentication Error. Login token signature is invalid. Nonce is not strictly increasing."},
		{engine.Errorf(engine.ECONFLICT, engine.ErrOrderClosed, "order 1 is Paid and can no longer be claimed"), "1",
			"Cannot complete this request. Order 1 is Paid and can no longer be claimed."},
		{engine.Errorf(engine.EFORBIDDEN, engine.ErrOtherShop, "another shop"), "",
			"Insufficient Permissions. Another shop."},
		{engine.Errorf(engine.EUNCONFIGURED, engine.ErrNoPaymentAddress, "no payment address is set"), "",
			"This shop is not ready to take Tari yet. No payment address is set."},
		// A kind's text applies under its own code only: the status stays the code's.
		{engine.Errorf(engine.EINVALID, engine.ErrUnsupportedCurrency, "An exchange rate needs a currency"), "",
			"Cannot complete this request. An exchange rate needs a currency."},
	}
	for _, tt := range tests {
		if got := Text(tt.err, tt.ref); got != tt.want {
			t.Errorf("Text(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
