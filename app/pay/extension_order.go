package pay

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/app/xtr"
	"taripay/engine"
)

// BuyerTokens verifies the session token of Shopify's checkout and
// customer-account UI extensions (sessiontoken.Verifier.VerifyBuyer): the
// shop it was issued for, and the signed-in customer's GID, or "".
type BuyerTokens interface {
	VerifyBuyer(token string) (shop, customer string, err error)
}

// CheckoutTokenHeader carries the Thank-you page's checkout token, the
// buyer's proof that the order is theirs (docs/shopify-setup.md).
const CheckoutTokenHeader = "X-Taripay-Checkout-Token"

// ExtensionOrder is the JSON answer of GET /shopify/extension/orders/{id}.
type ExtensionOrder struct {
	OrderID string `json:"order_id"`
	Name    string `json:"name"`
	// State is "open", "paid", "expired", "cancelled", or "waiting_for_price"
	// while the shop has no exchange rate for the order's currency.
	State string `json:"state"`
	// Status is the engine's status: Unclaimed, New, Paid, Expired,
	// Cancelled; "" while the order waits for its price.
	Status          string           `json:"status"`
	AmountMicroTari engine.MicroTari `json:"amount_micro_tari"`
	Amount          string           `json:"amount"` // exactly, as XTR text: "2,400.5 XTR"
	// ExpiresAt and SecondsLeft are set for an open order that expires.
	ExpiresAt   *time.Time `json:"expires_at"`
	SecondsLeft int64      `json:"seconds_left"`
	// Note and QRURL are set for an order that may be paid now.
	Note   string `json:"note"`
	QRURL  string `json:"qr_url"`
	PayURL string `json:"pay_url"`
}

// orderIDPattern is a Shopify order id; anything else is the same 404 as
// an unknown order.
var orderIDPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// customerGID is how a session token's sub names a customer.
const customerGID = "gid://shopify/Customer/"

// ExtensionOrder serves GET /shopify/extension/orders/{id} to the checkout
// UI extension (extensions/taripay-pay): the order's state, amount, expiry
// and pay link. The session token proves only the shop; the buyer proves
// the order is theirs with the checkout token of the Thank-you page, or as
// the signed-in customer of the order on the Order status page. Another
// shop's order, an unknown id and a failed proof are the same 404; a bad or
// expired token is 401. baseURL is the server's public URL ("" takes the
// request's).
func (h *Handler) ExtensionOrder(tokens BuyerTokens, baseURL string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set(fiber.HeaderVary, "Authorization, "+CheckoutTokenHeader)
		bearer, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		shop, customer, err := tokens.VerifyBuyer(strings.TrimSpace(bearer))
		if err != nil {
			h.log.InfoContext(c.UserContext(), "extension order: session token refused", "err", err)
			return c.Status(http.StatusUnauthorized).JSON(fiber.Map{"error": "Invalid or expired session token"})
		}
		id := c.Params("id")
		notFound := func() error { return c.Status(http.StatusNotFound).JSON(fiber.Map{"error": "Order not found"}) }
		if !orderIDPattern.MatchString(id) || (h.cfg.Shop != "" && shop != h.cfg.Shop) {
			return notFound()
		}
		ctx := c.UserContext()
		if h.cfg.Shop == "" { // else the shop was checked against TPG_SHOPIFY_SHOP, with no read
			switch err := h.eng.CheckShop(ctx, shop); {
			case errors.Is(err, engine.ErrOtherShop):
				return notFound()
			case err != nil:
				return h.extensionFault(c, err)
			}
		}
		checkout := c.Get(CheckoutTokenHeader)
		base := strings.TrimSuffix(baseURL, "/")
		if base == "" {
			base = c.BaseURL()
		}
		answer := func(v ExtensionOrder) error {
			c.Set(fiber.HeaderCacheControl, "private, max-age=5") // one indexed read, cacheable for moments
			return c.JSON(v)
		}
		o, err := h.eng.Order(ctx, id, false)
		switch {
		case errors.Is(err, engine.ErrOrderNotFound):
			w, werr := h.eng.WaitingOrder(ctx, id)
			switch {
			case errors.Is(werr, engine.ErrOrderNotFound):
				return notFound()
			case werr != nil:
				return h.extensionFault(c, werr)
			case !owns(w.CheckoutToken, w.CustomerID, checkout, customer):
				return notFound()
			}
			return answer(ExtensionOrder{OrderID: w.OrderID, Name: orderName(w.OrderID, w.AltID),
				State: "waiting_for_price", PayURL: base + "/pay/" + w.ClaimToken})
		case err != nil:
			return h.extensionFault(c, err)
		case !owns(o.CheckoutToken, o.CustomerID, checkout, customer):
			return notFound()
		}
		return answer(h.extensionOrder(o, base))
	}
}

// extensionOrder describes o for the extension, as its pay page does.
func (h *Handler) extensionOrder(o engine.Order, base string) ExtensionOrder {
	now := h.now()
	out := ExtensionOrder{
		OrderID: o.OrderID, Name: orderName(o.OrderID, o.AltID), Status: string(o.Status),
		AmountMicroTari: o.TotalPrice, Amount: xtr.Format(o.TotalPrice),
		PayURL: base + "/pay/" + o.ClaimToken,
	}
	switch {
	case o.Status == engine.OrderPaid:
		out.State = "paid"
	case o.Status == engine.OrderCancelled:
		out.State = "cancelled"
	case o.Status == engine.OrderExpired, h.expired(o, now):
		out.State = "expired"
	default:
		out.State = "open"
		out.Note = h.paymentNote(o)
		out.QRURL = base + "/pay/" + o.ClaimToken + "/qr.png"
		if t, ok := h.eng.Deadline(o); ok {
			t = t.UTC()
			out.ExpiresAt, out.SecondsLeft = &t, int64(t.Sub(now)/time.Second)
		}
	}
	return out
}

// owns reports whether the buyer proved the order is theirs: the checkout
// token of the Thank-you page equals the order's, or the signed-in
// customer's GID names the order's customer. An order stored without a
// checkout token, or without a customer, is proven only the other way.
func owns(orderCheckout, orderCustomer, checkout, customer string) bool {
	if checkout != "" && orderCheckout != "" && subtle.ConstantTimeCompare([]byte(checkout), []byte(orderCheckout)) == 1 {
		return true
	}
	id, ok := strings.CutPrefix(customer, customerGID)
	return ok && id != "" && id == orderCustomer
}

// extensionFault logs an unexpected failure and answers JSON with its
// status in the one table (httperr): 503 while the store is unavailable.
func (h *Handler) extensionFault(c *fiber.Ctx, err error) error {
	h.logFailure(c, "extension order", err)
	if httperr.Retry(err) {
		c.Set(fiber.HeaderRetryAfter, httperr.RetryAfter)
	}
	return c.Status(httperr.Status(err)).JSON(fiber.Map{"error": "The order cannot be read right now"})
}
