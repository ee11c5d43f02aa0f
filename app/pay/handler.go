// Package pay serves the public claim-and-pay page: /pay/{token}, its live
// status fragment, its QR code, the claim form, and the order-email link.
package pay

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/views"
)

// Engine is what the pay pages need from the payment engine.
type Engine interface {
	OrderByClaimToken(ctx context.Context, token string) (engine.Order, error)
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	WaitingOrderByClaimToken(ctx context.Context, token string) (engine.WaitingOrder, error)
	WaitingOrder(ctx context.Context, orderID string) (engine.WaitingOrder, error)
	ClaimWithToken(ctx context.Context, token, address string) (engine.ClaimResult, error)
	OrderViewers(ctx context.Context, orderID string) ([]engine.OrderViewer, error)
	ReceiptsForOrder(ctx context.Context, o engine.Order) (engine.OrderReceipts, error)
	LatePayments(ctx context.Context, q engine.LatePaymentQuery) ([]engine.LatePayment, error)
	PaymentAddress(ctx context.Context) (tari.Address, error)
	ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error)
	// Deadline is when an open order expires (engine.Config.Deadline).
	Deadline(o engine.Order) (time.Time, bool)
	// CheckShop refuses a shop this server does not serve (engine.ErrOtherShop).
	CheckShop(ctx context.Context, shop string) error
}

// ShopNamer names the shop at the top of the pages: Shopify's name for it,
// cached (shopify.Service.ShopName); "" when unknown.
type ShopNamer interface {
	ShopName(ctx context.Context) string
}

// Config is the part of taripay's configuration the pay pages use.
type Config struct {
	// StrictMode (TPG_STRICT_MODE) off also accepts claims signed over the
	// order's alt_id, as /order/claim does.
	StrictMode bool
	// NoteByName (TPG_SHOPIFY_ORDER_ID_FIELD=name) puts the order name
	// rather than its id in the suggested payment message.
	NoteByName bool
	// PollInterval is how often the page polls its status; 3 s when zero.
	PollInterval time.Duration
	// LinkSecret keys the order-email links (/pay/order/{id}/{mac}); empty
	// disables them. See docs/claim-link.md.
	LinkSecret []byte
	// Shop is the shop's myshopify domain (TPG_SHOPIFY_SHOP), where the
	// page sends a customer who needs the merchant; "" when unset.
	Shop string
}

// Handler serves the pay pages. Build it with New.
type Handler struct {
	eng   Engine
	shop  ShopNamer // nil: no name, only the configured domain
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	flash flashes
}

// New builds the pay-page handlers; shop names the shop (nil for none), and
// now is the clock that deadlines are measured against.
func New(eng Engine, shop ShopNamer, cfg Config, now func() time.Time, log *slog.Logger) *Handler {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 3 * time.Second
	}
	return &Handler{eng: eng, shop: shop, cfg: cfg, now: now, log: log, flash: newFlashes(cfg.LinkSecret)}
}

// tokenPattern bounds what is worth a database lookup; anything else is the
// same 404 as an unknown token.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)

var notFoundPage = views.Message{
	Title: "Payment link not found",
	Text:  "This payment link is not valid. Check that you opened the whole link from your order email, or contact the shop.",
}

// errAnswered means the handler already wrote its error page.
var errAnswered = errors.New("pay: error page sent")

// order loads the order behind the {token} path parameter, answering the
// page itself when there is none: the order waits for its exchange rate,
// or the link is not valid.
func (h *Handler) order(c *fiber.Ctx) (engine.Order, error) {
	token := c.Params("token")
	if !tokenPattern.MatchString(token) {
		return engine.Order{}, h.notFound(c)
	}
	o, err := h.eng.OrderByClaimToken(c.UserContext(), token)
	switch {
	case errors.Is(err, engine.ErrOrderNotFound):
		return engine.Order{}, h.waitingOrNotFound(c, token)
	case err != nil:
		return engine.Order{}, h.internal(c, "load order by claim token", err)
	}
	return o, nil
}

// shopName is the shop's name, else its myshopify domain, else "".
func (h *Handler) shopName(ctx context.Context) string {
	if h.shop != nil {
		if name := h.shop.ShopName(ctx); name != "" {
			return name
		}
	}
	return h.cfg.Shop
}

func (h *Handler) notFound(c *fiber.Ctx) error {
	if err := render(c, http.StatusNotFound, views.MessagePage(notFoundPage)); err != nil {
		return err
	}
	return errAnswered
}

// internal logs an unexpected error with its cause and answers a generic
// error page with the error's status in the one table (httperr): pages get
// HTML, not the API's JSON.
func (h *Handler) internal(c *fiber.Ctx, what string, err error) error {
	if rerr := render(c, httperr.Status(err), views.MessagePage(views.Message{
		Title: "Something went wrong",
		Text:  "The payment page is unavailable right now. Please try again in a minute." + h.logFailure(c, what, err),
	})); rerr != nil {
		return rerr
	}
	return errAnswered
}

// logFailure logs an unexpected error with its cause. A bug (a 500) gets a
// request ID, as the API's 500 does: the answer names it, and the returned
// sentence shows it on the page.
func (h *Handler) logFailure(c *fiber.Ctx, what string, err error) string {
	if !httperr.Internal(err) {
		h.log.ErrorContext(c.UserContext(), "pay page: "+what, slog.String("path", c.Route().Path), slog.Any("error", err))
		return ""
	}
	id := httperr.NewRequestID()
	c.Set(fiber.HeaderXRequestID, id)
	h.log.ErrorContext(c.UserContext(), "pay page: "+what, slog.String("path", c.Route().Path), slog.String("request_id", id), slog.Any("error", err))
	return " If it persists, give the shop this reference: " + id + "."
}

// done turns an already-answered error back into success for fiber.
func done(err error) error {
	if errors.Is(err, errAnswered) {
		return nil
	}
	return err
}

// render writes a templ component as the whole HTML response. Pages carry
// the token in their URL, so they are never cached or sent as a referrer.
func render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, csp)
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// csp allows only taripay's own scripts, styles and images: the pages have
// no inline script.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
