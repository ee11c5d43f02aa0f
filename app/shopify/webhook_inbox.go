package shopify

import (
	"context"
	"log/slog"
	"time"

	"taripay/app/shopify/adminapi"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// Engine is what webhook processing asks of the payment engine.
type Engine interface {
	ReceiveOrder(ctx context.Context, o engine.NewOrder) (engine.Order, bool, error)
	AnnulFromStorefront(ctx context.Context, orderID, reason string) (engine.Order, error)
	RecordRefund(ctx context.Context, r engine.NewRefund) (engine.Refund, bool, error)
	SearchOrders(ctx context.Context, q engine.OrderQuery) ([]engine.Order, error)
	RedactCustomer(ctx context.Context, customerID string, orderIDs []string) (int, error)
	// CheckShop refuses a shop this server does not serve (engine.ErrOtherShop).
	CheckShop(ctx context.Context, shop string) error
}

// Inbox keeps verified deliveries until they are processed, so none is lost
// to a crash between the 200 and the work.
type Inbox interface {
	SaveWebhook(ctx context.Context, eventID, webhookID, topic, shop string, body []byte, at time.Time, lease time.Duration) (int64, bool, error)
	TagWebhook(ctx context.Context, id int64, orderID, customerID string) error
	ClaimWebhooks(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]int64, error)
	// Webhook returns a stored delivery and how many attempts it has had.
	Webhook(ctx context.Context, id int64) (topic, shop string, body []byte, attempts int, err error)
	// FinishWebhook records an attempt: done when cause is "", failed for
	// good when final, else pending again from retryAt.
	FinishWebhook(ctx context.Context, id int64, cause string, final bool, retryAt, now time.Time) error
	// WebhookFailures lists the deliveries whose last attempt failed,
	// newest first, for the admin.
	WebhookFailures(ctx context.Context, limit int) ([]shopdata.WebhookFailure, error)
	// RetryWebhook makes a delivery that failed for good pending again,
	// leased until at+lease; false when it had not failed for good.
	RetryWebhook(ctx context.Context, id int64, at time.Time, lease time.Duration) (bool, error)
}

// Records keeps card authorisations, installs and compliance data.
type Records interface {
	SaveAuthorization(ctx context.Context, txID, orderID, amount, currency string, test bool, at time.Time) error
	SetUninstalled(ctx context.Context, shop string, at time.Time) error
	RedactCustomer(ctx context.Context, shop, customerID string, orderIDs []string, at time.Time) (int64, error)
	RedactShop(ctx context.Context, shop string, at time.Time) (int64, error)
	CustomerPayloads(ctx context.Context, shop, customerID string, orderIDs []string) ([][]byte, error)
	SaveDataReport(ctx context.Context, shop, customerID string, report []byte, at time.Time) error
	SaveOtherOrder(ctx context.Context, shop, orderID string, gateways []string, financialStatus string, at time.Time) error
}

// ProductSync brings a product's variant Tari prices up to date.
type ProductSync interface {
	SyncProduct(ctx context.Context, productID string, variantIDs []string) error
}

// OrderReader reads an order's live state through the Admin API.
type OrderReader interface {
	Order(ctx context.Context, orderID string) (adminapi.LiveOrder, error)
}

// Topics are the webhook topics taripay handles, each served at
// /shopify/webhook/{topic}.
var Topics = []string{
	"orders/create", "orders/updated", "orders/cancelled", "order_transactions/create", "refunds/create",
	"products/update", "app/uninstalled", "customers/data_request", "customers/redact", "shop/redact",
}

// webhookLease is how long a delivery belongs to the process working it,
// and the wait before its first retry.
const webhookLease = time.Minute

// A delivery whose processing keeps failing is retried with backoff, as the
// outbox's jobs are: the wait doubles from webhookLease up to
// webhookMaxBackoff, and after webhookMaxAttempts (about four hours) it has
// failed for good. It is then listed on the admin dashboard with its error
// and a retry button, as a delivery that failed for good at once is.
const (
	webhookMaxAttempts = 10
	webhookMaxBackoff  = time.Hour
)

// Handler receives Shopify webhooks: verified by Gate, stored, answered,
// then processed.
type Handler struct {
	cfg     Config
	engine  Engine
	inbox   Inbox
	records Records
	prices  ProductSync // nil without Shopify settings
	orders  OrderReader // nil without Shopify settings
	now     func() time.Time
	log     *slog.Logger
	queue   chan int64
}

// HandlerDeps are the webhook handler's collaborators.
type HandlerDeps struct {
	Engine  Engine
	Inbox   Inbox
	Records Records
	Prices  ProductSync // nil without the Admin API
	Orders  OrderReader // nil without the Admin API
	Now     func() time.Time
	Log     *slog.Logger
}

// NewHandler builds the webhook handler.
func NewHandler(cfg Config, d HandlerDeps) *Handler {
	return &Handler{cfg: cfg, engine: d.Engine, inbox: d.Inbox, records: d.Records, prices: d.Prices, orders: d.Orders,
		now: d.Now, log: d.Log, queue: make(chan int64, 256)}
}

// Run processes queued deliveries, and those left behind by a crash or a
// failed attempt, until ctx ends.
func (h *Handler) Run(ctx context.Context) error {
	tick := time.NewTicker(webhookLease / 4)
	defer tick.Stop()
	for {
		if err := h.ProcessDue(ctx); err != nil && ctx.Err() == nil {
			h.log.Error("process stored webhooks", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case id := <-h.queue:
			h.processStored(ctx, id)
		case <-tick.C:
		}
	}
}

// ProcessDue processes every stored delivery whose lease has lapsed.
func (h *Handler) ProcessDue(ctx context.Context) error {
	for {
		ids, err := h.inbox.ClaimWebhooks(ctx, 20, webhookLease, h.now())
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			h.processStored(ctx, id)
		}
	}
}

func (h *Handler) processStored(ctx context.Context, id int64) {
	topic, shop, body, attempts, err := h.inbox.Webhook(ctx, id)
	if err != nil {
		h.log.Error("load webhook", "id", id, "err", err)
		return
	}
	h.process(ctx, id, attempts, topic, shop, body)
}

// process handles one leased delivery, which has had attempts attempts
// before this one, and records the outcome.
func (h *Handler) process(ctx context.Context, id int64, attempts int, topic, shop string, body []byte) (string, error) {
	msg, err := h.handle(ctx, topic, shop, body)
	log := h.log.With("topic", topic, "shop", shop, "webhook", id, "attempt", attempts+1)
	final := err != nil && (!retryable(err) || attempts+1 >= webhookMaxAttempts)
	now := h.now()
	retryAt := now.Add(retryDelay(webhookLease, webhookMaxBackoff, attempts, err))
	switch {
	case err == nil:
		log.Info("webhook processed", "result", msg)
	case final && retryable(err):
		log.Error("webhook failed for good: out of retries; it can be retried from the admin", "err", err)
	case final:
		log.Warn("webhook failed", "err", err)
	default:
		log.Error("webhook processing will be retried", "err", err, "retry_at", retryAt)
	}
	cause := ""
	if err != nil {
		cause = err.Error()
	}
	if ferr := h.inbox.FinishWebhook(ctx, id, cause, final, retryAt, now); ferr != nil {
		log.Error("record webhook outcome", "err", ferr)
	}
	return msg, err
}

// Retry processes a delivery that failed for good again, in the
// background as a fresh one is; false when it had not failed for good.
func (h *Handler) Retry(ctx context.Context, id int64) (bool, error) {
	ok, err := h.inbox.RetryWebhook(ctx, id, h.now(), webhookLease)
	if err != nil || !ok {
		return ok, err
	}
	h.log.Info("webhook retry requested", "webhook", id, "actor", engine.ActorFrom(ctx))
	select {
	case h.queue <- id:
	default: // Run picks it up when the lease lapses
	}
	return true, nil
}
