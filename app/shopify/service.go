// Package shopify is taripay's Shopify integration: verified webhooks in
// (orders, transactions, products, compliance), order conversion to µT,
// exactly-once side effects out through the engine's outbox (mark paid,
// capture, cancel), and storefront Tari prices kept in step with the rates.
package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/pricesync"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// ServiceEngine is what the integration needs from the payment engine.
type ServiceEngine interface {
	Engine
	Outbox
	ClaimTokens
	SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error)
	ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error)
	Subscribe(fn func(context.Context, engine.Envelope))
}

// Store is taripay's record of what Shopify sent.
type Store interface {
	Inbox
	Records
	CaptureLog
	OtherOrders(ctx context.Context) (int, error)
	// LatestCustomerPayloads returns each named customer's newest stored
	// order payload that is not redacted.
	LatestCustomerPayloads(ctx context.Context, shop string, customerIDs []string) (map[string][]byte, error)
	// WebhookActivity says when the shop's last delivery arrived and how
	// many of its latest recent orders came without a customer.
	WebhookActivity(ctx context.Context, shop string, recent int) (shopdata.WebhookActivity, error)
}

// Deps are the integration's collaborators.
type Deps struct {
	Config Config
	Engine ServiceEngine
	Store  Store
	// Tokens supplies the Admin API token (token exchange); nil means the
	// static Config.AccessToken.
	Tokens     adminapi.TokenSource
	HTTPClient *http.Client // nil: a client with a 30 s timeout
	// PublicURL is the server's public origin (TPG_PUBLIC_URL), which the
	// pay links written onto orders start with.
	PublicURL string
	Now       func() time.Time
	Log       *slog.Logger
	// RateSyncBackoff is the first wait after a failed storefront price
	// sync, doubled after each further failure up to 30 minutes; 5 s when
	// zero.
	RateSyncBackoff time.Duration
}

// Service is the running Shopify integration.
type Service struct {
	engine  ServiceEngine
	store   Store
	admin   *adminapi.Client // nil without Shopify settings
	prices  *pricesync.Prices
	handler *Handler
	worker  *Worker
	log     *slog.Logger
	backoff time.Duration // Deps.RateSyncBackoff
	// shopNames is nil without Shopify settings.
	shopNames *shopNames

	mu      sync.Mutex
	pending map[string]bool // currencies whose rate awaits a storefront sync
	wake    chan struct{}
}

// New builds the integration. Without Shopify settings it still receives
// webhooks, and logs its side effects as skipped.
func New(d Deps) (*Service, error) {
	s := &Service{engine: d.Engine, store: d.Store, log: d.Log, backoff: d.RateSyncBackoff,
		pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	if s.backoff <= 0 {
		s.backoff = 5 * time.Second
	}
	var orderAdmin OrderAdmin
	if d.Config.reachable() && (d.Tokens != nil || d.Config.AccessToken != "") {
		a, err := adminapi.New(d.Config.AdminAPI(), d.Tokens, d.HTTPClient, d.Log)
		if err != nil {
			return nil, fmt.Errorf("shopify: %w", err)
		}
		s.admin, orderAdmin = a, a
		s.prices = pricesync.New(a, d.Engine, d.Log)
		s.shopNames = &shopNames{read: a.ShopName, now: d.Now, log: d.Log}
	}
	hd := HandlerDeps{Engine: d.Engine, Inbox: d.Store, Records: d.Store, Now: d.Now, Log: d.Log}
	if s.admin != nil {
		hd.Prices, hd.Orders = s.prices, s.admin
	}
	s.handler = NewHandler(d.Config, hd)
	s.worker = NewWorker(WorkerConfig{CapturePayments: d.Config.CapturePayments, Restock: d.Config.Restock,
		PaymentMethod: d.Config.PaymentMethod, PublicURL: d.PublicURL}, d.Engine, d.Engine, orderAdmin, d.Store, d.Now, d.Log)
	d.Engine.Subscribe(s.worker.Notify)
	return s, nil
}

// SideEffects reports whether the integration calls the Admin API (marks
// orders paid, cancels them, pushes prices); without it they are skipped.
func (s *Service) SideEffects() bool { return s.admin != nil }

// Handler is the webhook handler that app/routes.go mounts behind Gate.
func (s *Service) Handler() *Handler { return s.handler }

// Run processes webhooks, outbox jobs and rate syncs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{s.handler.Run, s.worker.Run, s.runRateSyncs} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil {
				s.log.Error("shopify worker stopped", "err", err)
			}
		}()
	}
	wg.Wait()
	return nil
}

// SetExchangeRate stores a rate through the engine, then queues the
// storefront sync of product prices and the rate metaobject; Shopify being
// slow or down never fails the rate change. POST /api/exchange_rate uses it
// in place of the engine's.
func (s *Service) SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error) {
	r, err := s.engine.SetExchangeRate(ctx, currency, rate)
	if err != nil {
		return r, err
	}
	s.RateChanged(currency)
	return r, nil
}

// ExchangeRate reads a stored rate.
func (s *Service) ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error) {
	return s.engine.ExchangeRate(ctx, currency)
}

// RateChanged queues a storefront sync for currency.
func (s *Service) RateChanged(currency string) {
	if s.prices == nil {
		s.log.Info("shopify price sync skipped: Shopify is not configured", "currency", currency)
		return
	}
	s.mu.Lock()
	s.pending[currency] = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Sync pushes currency's rate to the storefront now, for the admin page.
func (s *Service) Sync(ctx context.Context, currency string) (pricesync.SyncResult, error) {
	if s.prices == nil {
		return pricesync.SyncResult{Currency: currency}, ErrNotConfigured
	}
	return s.prices.Sync(ctx, currency)
}

// EnsureWebhooks subscribes the shop to taripay's topics at publicURL, for
// the admin page.
func (s *Service) EnsureWebhooks(ctx context.Context, publicURL string) ([]EnsureResult, error) {
	if s.admin == nil {
		return nil, ErrNotConfigured
	}
	return EnsureWebhooks(ctx, s.admin, publicURL)
}

// Subscriptions lists the shop's webhook subscriptions, for the admin's
// setup checklist.
func (s *Service) Subscriptions(ctx context.Context) ([]adminapi.Subscription, error) {
	if s.admin == nil {
		return nil, ErrNotConfigured
	}
	return s.admin.Subscriptions(ctx)
}

// Connection makes one cheap live Admin API call, for the admin's setup
// checklist.
func (s *Service) Connection(ctx context.Context) (adminapi.ShopConnection, error) {
	if s.admin == nil {
		return adminapi.ShopConnection{}, ErrNotConfigured
	}
	return s.admin.Connection(ctx)
}

// OrderPagesExtensible says whether the Thank-you and Order status pages
// render app extensions, for the admin's setup checklist.
func (s *Service) OrderPagesExtensible(ctx context.Context) (bool, error) {
	if s.admin == nil {
		return false, ErrNotConfigured
	}
	return s.admin.OrderPagesExtensible(ctx)
}

// WebhookActivity says when the shop's last webhook arrived and how many of
// its latest 20 orders came without a customer, for the admin's setup
// checklist.
func (s *Service) WebhookActivity(ctx context.Context, shop string) (shopdata.WebhookActivity, error) {
	return s.store.WebhookActivity(ctx, shop, 20)
}

// RescanOpenOrders answers POST /api/rescan_open_orders: every open
// Shopify order goes through the orders/create logic, and the reply lists a
// JsonResponse per order, as the reference's does. It is nil without the Admin API.
func (s *Service) RescanOpenOrders() fiber.Handler {
	if s.admin == nil {
		return nil
	}
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		replies := []webhookReply{}
		for after := ""; ; {
			orders, next, err := s.openOrders(ctx, after)
			if err != nil {
				s.log.Error("rescan open orders", "err", err)
				return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "Cannot complete this request. " + err.Error()})
			}
			for _, o := range orders {
				msg, err := s.handler.createOrder(ctx, s.handler.cfg.Shop, o)
				if err != nil {
					s.log.Warn("rescanned order not stored", "order_id", string(o.ID), "err", err)
					replies = append(replies, webhookReply{false, replyMessage(err)})
					continue
				}
				replies = append(replies, webhookReply{true, msg})
			}
			if after = next; after == "" {
				return c.JSON(replies)
			}
		}
	}
}

// WebhookFailures lists the deliveries whose last attempt failed, newest
// first, for the admin's dashboard.
func (s *Service) WebhookFailures(ctx context.Context, limit int) ([]shopdata.WebhookFailure, error) {
	return s.handler.inbox.WebhookFailures(ctx, limit)
}

// RetryWebhook processes a delivery that failed for good again, for the
// admin; false when it had not failed for good.
func (s *Service) RetryWebhook(ctx context.Context, id int64) (bool, error) {
	return s.handler.Retry(ctx, id)
}

// OtherOrders counts the Shopify orders paid another way than Tari, which
// taripay acknowledged and left alone, for the admin's dashboard.
func (s *Service) OtherOrders(ctx context.Context) (int, error) {
	return s.store.OtherOrders(ctx)
}

// ErrNotConfigured is returned by admin actions that need the Admin API.
var ErrNotConfigured = errors.New("shopify is not configured")

// runRateSyncs works queued rate syncs, retrying failures with backoff.
func (s *Service) runRateSyncs(ctx context.Context) error {
	if s.prices == nil {
		<-ctx.Done()
		return nil
	}
	delay := s.backoff
	failures := map[string]int{} // consecutive failed syncs, by currency
	for {
		s.mu.Lock()
		var todo []string
		for cur := range s.pending {
			todo = append(todo, cur)
		}
		s.pending = map[string]bool{}
		s.mu.Unlock()
		failed := false
		for _, cur := range todo {
			_, err := s.prices.Sync(ctx, cur)
			switch {
			case err == nil:
				if n := failures[cur]; n > 0 {
					s.log.Info("shopify price sync recovered", "currency", cur, "failures", n)
				}
				delete(failures, cur)
			case !retryable(err):
				delete(failures, cur)
				s.log.Error("shopify price sync failed", "currency", cur, "err", err)
			default:
				// Once per backoff step, counted: a shop that stays
				// unreachable is a warning, not an error every few seconds.
				failures[cur]++
				s.log.Warn("shopify price sync failed; will retry", "currency", cur, "failures", failures[cur],
					"retry_in", delay, "err", err)
				s.mu.Lock()
				s.pending[cur] = true
				s.mu.Unlock()
				failed = true
			}
		}
		var retry <-chan time.Time // nil: wait for the next rate change
		if failed {
			retry = time.After(delay)
			delay = min(2*delay, 30*time.Minute)
		} else {
			delay = s.backoff
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-retry:
		}
	}
}
