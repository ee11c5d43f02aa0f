// Package admin serves the embedded admin inside Shopify admin: install and
// session-token auth, the app-session header, framing headers, and one file
// per page or action under /admin.
package admin

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/export"
	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/install"
	"taripay/app/shopify/sessiontoken"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// Config is the admin's part of the server configuration, parsed once by the caller.
type Config struct {
	// ClientID is the app's API key (TPG_SHOPIFY_API_KEY); session tokens
	// must name it as their audience.
	ClientID string
	// ClientSecrets verify session tokens: the current secret
	// (TPG_SHOPIFY_API_SECRET) first, then an old one during a rotation.
	ClientSecrets []string
	// Shop, when set, is the only shop allowed in (TPG_SHOPIFY_SHOP).
	Shop string
	// AppBridgeURL is App Bridge's script; empty omits it (tests, offline).
	AppBridgeURL string
	// HtmxURL is where the page loads htmx from.
	HtmxURL string
	// FrameAncestors are extra origins allowed to frame the admin (tests).
	FrameAncestors []string
	// SessionTTL is the absolute lifetime of a server-minted app session:
	// only a Shopify session token mints one, and nothing renews it.
	SessionTTL time.Duration
	// PageSize is how many orders one page of the order list shows.
	PageSize int
	// PublicURL is the server's public origin (TPG_PUBLIC_URL): the outbox
	// writes each order's pay link, starting with it, into the order's
	// taripay.pay_url metafield, and skips that without it.
	PublicURL string
}

// DefaultAppBridgeURL is Shopify's CDN copy of App Bridge.
const DefaultAppBridgeURL = "https://cdn.shopify.com/shopifycloud/app-bridge.js"

// Deps are the collaborators the admin calls.
type Deps struct {
	Engine  Engine
	Install Installer
	Shopify Shopify
	// Rates sets exchange rates; nil uses Engine. The Shopify integration
	// passes itself, so a rate set here also reaches storefront prices.
	Rates RateSetter
	// Webhooks are the Shopify deliveries whose processing failed; nil
	// leaves them off the dashboard.
	Webhooks Webhooks
	// Snippet returns the order-email snippet with the claim link, for the
	// server at baseURL.
	Snippet func(baseURL string) string
	// PayLink returns the order's link in the order email, for the
	// server at baseURL; "" when there is none (no link secret), and the
	// order page then shows the pay page's own URL.
	PayLink func(baseURL, orderID string) string
	Now     func() time.Time
	Log     *slog.Logger
}

// Installer makes sure a shop has a usable offline Admin API token,
// exchanging a session token for one when needed.
type Installer interface {
	Ensure(ctx context.Context, shop, idToken string) error
	Status(ctx context.Context, shop string) (install.Connection, error)
}

// Shopify is the live connection, the storefront's webhook set-up and
// whether the order pages render app extensions, for the setup checklist (its methods return shopify.ErrNotConfigured without
// an Admin API client), and the count of orders paid another way than
// Tari, for the dashboard, and the customers' names and emails from their
// latest orders, for the customer pages.
type Shopify interface {
	Connection(ctx context.Context) (adminapi.ShopConnection, error)
	Subscriptions(ctx context.Context) ([]adminapi.Subscription, error)
	OrderPagesExtensible(ctx context.Context) (bool, error)
	EnsureWebhooks(ctx context.Context, publicURL string) ([]shopify.EnsureResult, error)
	OtherOrders(ctx context.Context) (int, error)
	Contacts(ctx context.Context, shop string, customerIDs []string) (map[string]shopify.Contact, error)
	WebhookActivity(ctx context.Context, shop string) (shopdata.WebhookActivity, error)
}

// Handler serves the embedded admin pages.
type Handler struct {
	cfg      Config
	deps     Deps
	tokens   sessiontoken.Verifier
	sessions AppSessions
}

// New builds the admin handler.
func New(cfg Config, deps Deps) *Handler {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 30 * time.Minute
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = 50
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Rates == nil {
		deps.Rates = deps.Engine
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	var key []byte
	if len(cfg.ClientSecrets) > 0 {
		key = AppSessionKey(cfg.ClientSecrets[0])
	}
	return &Handler{
		cfg:      cfg,
		deps:     deps,
		tokens:   sessiontoken.Verifier{ClientID: cfg.ClientID, Secrets: cfg.ClientSecrets, Shop: cfg.Shop, Now: deps.Now},
		sessions: AppSessions{Key: key, TTL: cfg.SessionTTL, Shop: cfg.Shop, Now: deps.Now},
	}
}

// Register adds every admin route; the whole admin surface reads here.
// Every staff user of the shop reads every page; an action also needs the
// role named on its route (staff roles: docs/security.md).
func (h *Handler) Register(r fiber.Router) {
	r.Get("/admin/assets/:name", h.asset)
	r.Get("/admin/bounce", h.headers, h.bounce)

	write, superAdmin := h.need(engine.RoleWrite), h.need(engine.RoleSuperAdmin)
	g := r.Group("/admin", h.headers, h.authenticate, h.errorPage)
	g.Get("", h.dashboard) // "/admin" itself: the app routes strictly
	g.Get("/orders", h.orderList)
	g.Get("/orders/:id", h.orderShow)
	g.Get("/orders/:id/facts", h.orderFactsShow)
	g.Post("/orders/:id/fulfill", write, h.orderFulfill)
	g.Post("/orders/:id/cancel", write, h.orderCancel)
	g.Post("/orders/:id/price", write, h.orderPrice)
	g.Post("/orders/:id/memo", write, h.orderMemo)
	g.Post("/orders/:id/reassign", write, h.orderReassign)
	g.Post("/orders/:id/reset", write, h.orderReset)
	g.Post("/orders/:id/refund-overpayment", write, h.orderRefundOverpayment)
	g.Post("/orders/:id/sync/:job/retry", write, h.syncRetry)
	g.Post("/webhooks/:id/retry", write, h.webhookRetry)
	g.Get("/customers", h.customerList)
	g.Get("/customers/:id", h.customerShow)
	g.Post("/customers/:id/credit", write, h.creditIssue)
	g.Post("/customers/:id/settle", write, h.customerSettle)
	g.Get("/refunds", h.refundList)
	g.Post("/refunds/:id/sent", write, h.refundSend)
	g.Post("/refunds/:id/credit", write, h.refundCredit)
	g.Post("/late-payments/:txid/refund", write, h.latePaymentRefund)
	g.Post("/late-payments/:txid/keep", write, h.latePaymentKeep)
	g.Get("/addresses/:address", h.addressShow)
	g.Post("/addresses/:address/settle", write, h.addressSettle)
	g.Get("/wallets", h.walletList)
	g.Post("/wallets", superAdmin, h.walletAuthorize)
	g.Post("/wallets/:address/revoke", superAdmin, h.walletRevoke)
	g.Get("/rates", h.rateList)
	g.Post("/rates", write, h.rateSet)
	g.Get("/roles", h.roleShow)
	g.Post("/roles", superAdmin, h.roleGrant)
	// the engine also checks that the staff user holds the role they change
	g.Post("/staff", write, h.staffGrant)
	g.Get("/setup", h.setupShow)
	for _, kind := range export.Kinds {
		g.Get("/export/"+kind.Filename(), h.exportDownload(kind))
	}
	g.Post("/setup/webhooks", superAdmin, h.webhooksEnsure)
}

// Engine is everything the admin asks of the payment engine; each page file
// declares the slice it uses.
type Engine interface {
	orderReader
	orderActions
	syncService
	customerService
	refundService
	latePaymentService
	addressService
	walletService
	rateService
	roleService
	shopService
	staffService
	reportService
	setupService
	export.Source
}

type (
	staffKey   struct{}
	memberKey  struct{}
	sessionKey struct{}
)

// staffOf is the authenticated staff user.
func staffOf(c *fiber.Ctx) Staff {
	s, _ := c.Locals(staffKey{}).(Staff)
	return s
}

// memberOf is the staff user with the roles they hold at this request.
func memberOf(c *fiber.Ctx) engine.StaffMember {
	m, _ := c.Locals(memberKey{}).(engine.StaffMember)
	return m
}

// actorCtx is the request context carrying the staff user for the audit trail.
func actorCtx(c *fiber.Ctx) context.Context {
	return engine.WithActor(c.UserContext(), staffOf(c).Actor())
}

var _ Engine = (*engine.Engine)(nil)
