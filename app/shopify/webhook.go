package shopify

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/engine"
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
	WebhookFailures(ctx context.Context, limit int) ([]engine.WebhookFailure, error)
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
	SyncProduct(ctx context.Context, p Product) error
}

// OrderReader reads an order's live state through the Admin API.
type OrderReader interface {
	Order(ctx context.Context, orderID string) (LiveOrder, error)
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

// Health answers GET /shopify/health like GET /health.
func (h *Handler) Health(c *fiber.Ctx) error { return c.SendString("👍️\n") }

// NoOp answers POST /shopify/webhook/no_op, where the reference points orders/updated.
func (h *Handler) NoOp(c *fiber.Ctx) error {
	if !json.Valid(c.BodyRaw()) {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "body is not JSON"})
	}
	return c.SendStatus(fiber.StatusOK)
}

// ProductUpdated answers the reference's /shopify/webhook/product_updated.
func (h *Handler) ProductUpdated(c *fiber.Ctx) error { return h.receive(c, "products/update") }

// TransactionCreate answers the reference's /shopify/webhook/transaction_create.
func (h *Handler) TransactionCreate(c *fiber.Ctx) error {
	return h.receive(c, "order_transactions/create")
}

// Topic answers /shopify/webhook/:resource/:event, e.g. orders/cancelled.
func (h *Handler) Topic(c *fiber.Ctx) error {
	topic := c.Params("resource") + "/" + c.Params("event")
	if !slices.Contains(Topics, topic) {
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "unknown webhook topic " + topic})
	}
	return h.receive(c, topic)
}

// webhookReply is the reference's JsonResponse.
type webhookReply struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

// CheckoutCreate answers /shopify/webhook/checkout_create (topic
// orders/create) as the reference does: the order is stored and processed
// before the reply, which says how it went.
func (h *Handler) CheckoutCreate(c *fiber.Ctx) error {
	const topic = "orders/create"
	d, refused := h.accept(c, topic)
	if refused != nil {
		return refuse(c, refused)
	}
	if !d.fresh {
		return c.JSON(webhookReply{true, "Order already exists."})
	}
	msg, err := h.process(c.UserContext(), d.id, 0, topic, d.shop, d.body)
	if err != nil {
		return c.JSON(webhookReply{false, replyMessage(err)})
	}
	return c.JSON(webhookReply{true, msg})
}

// receive stores a delivery, answers 200, and queues it for processing.
func (h *Handler) receive(c *fiber.Ctx, topic string) error {
	d, refused := h.accept(c, topic)
	if refused != nil {
		return refuse(c, refused)
	}
	if d.fresh {
		select {
		case h.queue <- d.id:
		default: // Run picks it up when the lease lapses
		}
	}
	return c.SendStatus(fiber.StatusOK)
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

// refuse answers a delivery that accept refused. A 503 (it could not be
// stored) carries Retry-After, as every storage-fault 503 of the server does.
func refuse(c *fiber.Ctx, e *fiber.Error) error {
	if e.Code == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, httperr.RetryAfter)
	}
	return c.Status(e.Code).JSON(fiber.Map{"error": e.Message})
}

type delivery struct {
	id    int64
	fresh bool
	shop  string
	body  []byte
}

// accept checks a delivery and stores it once per event id. A refusal is
// the HTTP answer to give; a body that does not fit its route is refused
// with a 400 and logged with its event id, and nothing is stored.
func (h *Handler) accept(c *fiber.Ctx, topic string) (delivery, *fiber.Error) {
	// fiber reuses its buffers after the handler returns: the body and the
	// header strings outlive it.
	body := slices.Clone(c.BodyRaw())
	webhookID := strings.Clone(c.Get("X-Shopify-Webhook-Id"))
	eventID := strings.Clone(c.Get("X-Shopify-Event-Id"))
	if eventID == "" {
		eventID = webhookID
	}
	if eventID == "" {
		sum := sha256.Sum256(append([]byte(topic+"\n"), body...))
		eventID = "sha256:" + hex.EncodeToString(sum[:])
	}
	shopHeader := strings.Clone(c.Get("X-Shopify-Shop-Domain"))
	if !engine.ValidText(eventID) || !engine.ValidText(webhookID) {
		h.log.Warn("webhook refused: its event or webhook id is not text", "topic", topic, "event_id", strings.ToValidUTF8(eventID, "?"))
		return delivery{}, fiber.NewError(fiber.StatusBadRequest, "X-Shopify-Event-Id and X-Shopify-Webhook-Id must be text, without NUL")
	}
	log := h.log.With("topic", topic, "event_id", eventID)
	s, err := h.subject(topic, c.Get("X-Shopify-Topic"), shopHeader, body)
	if err != nil {
		log.Warn("webhook refused: it does not fit its route", "shop_header", shopHeader, "err", err)
		return delivery{}, fiber.NewError(fiber.StatusBadRequest, err.Error())
	}
	log = log.With("shop", s.shop, "order_id", s.orderID)
	// One shop per database: a delivery about another is refused.
	if err := h.checkShop(c.UserContext(), s.shop); err != nil {
		log.Warn("webhook refused", "err", err)
		return delivery{}, err
	}
	id, fresh, err := h.inbox.SaveWebhook(c.UserContext(), eventID, webhookID, topic, s.shop, body, h.now(), webhookLease)
	switch {
	case errors.Is(err, engine.ErrUnavailable):
		// A full disk or a lost database: Shopify retries the 503.
		log.Error("store webhook", "err", err)
		return delivery{}, fiber.NewError(fiber.StatusServiceUnavailable, "could not store the webhook; retry later")
	case err != nil:
		log.Error("store webhook", "err", err)
		return delivery{}, fiber.NewError(fiber.StatusInternalServerError, "could not store the webhook")
	}
	if !fresh {
		log.Info("duplicate webhook ignored")
		return delivery{id: id, shop: s.shop}, nil
	}
	if s.orderID != "" || s.customerID != "" {
		if err := h.inbox.TagWebhook(c.UserContext(), id, s.orderID, s.customerID); err != nil {
			log.Error("tag webhook", "err", err)
		}
	}
	log.Info("webhook stored")
	return delivery{id: id, fresh: true, shop: s.shop, body: body}, nil
}

// subject is what a delivery concerns, read from its signed body.
type subject struct {
	orderID, customerID string
	shop                string // the shop the delivery is stored under
}

// subject checks a delivery before it is stored. Shopify signs the body
// alone; the route, X-Shopify-Topic and X-Shopify-Shop-Domain are not. So
// the topic header, when present, must name the route's topic, and the body
// must fit that topic (decode). A body that names its shop (app/uninstalled
// and the compliance topics) must name the shop header's, when there is
// one, and the delivery is stored under the shop the body names; any other
// is stored under the header's shop when it is a shop domain, else the
// configured one.
func (h *Handler) subject(topic, topicHeader, shopHeader string, body []byte) (subject, error) {
	if topicHeader != "" && !strings.EqualFold(strings.TrimSpace(topicHeader), topic) {
		return subject{}, fmt.Errorf("X-Shopify-Topic %q is not this route's topic %s", topicHeader, topic)
	}
	headerShop, err := ValidateShop(shopHeader)
	if err != nil {
		headerShop = ""
	}
	s := subject{shop: cmp.Or(headerShop, h.cfg.Shop)}
	named := "" // the shop the body names
	switch {
	case strings.HasPrefix(topic, "orders/"):
		var o Order
		if err := decode(body, &o); err != nil {
			return subject{}, err
		}
		if o.Customer != nil {
			s.customerID = string(o.Customer.ID)
		}
		s.orderID = string(o.ID)
	case topic == "order_transactions/create":
		var t Transaction
		if err := decode(body, &t); err != nil {
			return subject{}, err
		}
		s.orderID = string(t.OrderID)
	case topic == "refunds/create":
		var r Refund
		if err := decode(body, &r); err != nil {
			return subject{}, err
		}
		s.orderID = string(r.OrderID)
	case topic == "products/update":
		if err := decode(body, &Product{}); err != nil {
			return subject{}, err
		}
	case topic == "app/uninstalled":
		var p Shop
		if err := decode(body, &p); err != nil {
			return subject{}, err
		}
		named = p.MyshopifyDomain
	case strings.HasPrefix(topic, "customers/"):
		// Tagged so that a later redaction also blanks the request itself.
		var r Redaction
		if err := decode(body, &r); err != nil {
			return subject{}, err
		}
		s.customerID, named = string(r.Customer.ID), r.ShopDomain
	case topic == "shop/redact":
		var r ShopRedaction
		if err := decode(body, &r); err != nil {
			return subject{}, err
		}
		named = r.ShopDomain
	default:
		return subject{}, fmt.Errorf("unknown topic %q", topic)
	}
	if named != "" {
		if shopHeader != "" && named != headerShop {
			return subject{}, fmt.Errorf("the body is about shop %s, not %q (X-Shopify-Shop-Domain)", named, shopHeader)
		}
		s.shop = named
	}
	return s, nil
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

func (h *Handler) handle(ctx context.Context, topic, shop string, body []byte) (string, error) {
	now := h.now()
	switch topic {
	case "orders/create":
		var o Order
		if err := decode(body, &o); err != nil {
			return "", permanent(err)
		}
		return h.createOrder(ctx, shop, o)
	case "orders/updated":
		return "Order updates are not tracked.", nil
	case "orders/cancelled":
		var o Order
		if err := decode(body, &o); err != nil {
			return "", permanent(err)
		}
		return h.cancelOrder(ctx, o)
	case "order_transactions/create":
		var t Transaction
		if err := decode(body, &t); err != nil {
			return "", permanent(err)
		}
		if !strings.EqualFold(t.Kind, "authorization") || !strings.EqualFold(t.Status, "success") {
			return "Transaction ignored.", nil
		}
		if err := h.records.SaveAuthorization(ctx, string(t.ID), string(t.OrderID), t.Amount, t.Currency, t.Test, now); err != nil {
			return "", err
		}
		return "Authorisation recorded.", nil
	case "refunds/create":
		var r Refund
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		return h.recordRefund(ctx, r)
	case "products/update":
		var p Product
		if err := decode(body, &p); err != nil {
			return "", permanent(err)
		}
		if h.prices == nil {
			return "Price sync skipped: Shopify is not configured.", nil
		}
		return "Prices checked.", h.prices.SyncProduct(ctx, p)
	case "app/uninstalled":
		var p Shop
		if err := decode(body, &p); err != nil {
			return "", permanent(err)
		}
		return "Uninstall recorded.", h.records.SetUninstalled(ctx, p.MyshopifyDomain, now)
	case "customers/data_request":
		return h.dataRequest(ctx, body)
	case "customers/redact":
		var r Redaction
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		notes, err := h.engine.RedactCustomer(ctx, string(r.Customer.ID), ids(r.OrdersToRedact))
		if err != nil {
			return "", err
		}
		n, err := h.records.RedactCustomer(ctx, r.ShopDomain, string(r.Customer.ID), ids(r.OrdersToRedact), now)
		return fmt.Sprintf("%d stored payloads and %d order notes redacted; financial records kept.", n, notes), err
	case "shop/redact":
		var r ShopRedaction
		if err := decode(body, &r); err != nil {
			return "", permanent(err)
		}
		n, err := h.records.RedactShop(ctx, r.ShopDomain, now)
		return fmt.Sprintf("%d stored payloads redacted; financial records kept.", n), err
	}
	return "", permanent(fmt.Errorf("unknown topic %q", topic))
}

// createOrder turns a Shopify order into an engine order, if it is a Tari
// order; every route that receives orders comes through here. One whose
// currency has no exchange rate yet is stored too, and waits for the rate
// (the reference refused it as an unsupported currency); a malformed one is
// a permanent failure.
func (h *Handler) createOrder(ctx context.Context, shop string, o Order) (string, error) {
	if mended := o.mend(); len(mended) > 0 {
		h.log.Warn("order text held NUL or invalid UTF-8: stored with U+FFFD in its place", "order_id", string(o.ID),
			"shop", shop, "fields", mended)
	}
	if !h.cfg.TariOrder(o) {
		return h.otherOrder(ctx, shop, o)
	}
	n, err := h.cfg.NewOrder(o)
	if err != nil {
		return "", permanent(err)
	}
	_, waiting, err := h.engine.ReceiveOrder(engine.WithActor(ctx, "shopify"), n)
	switch {
	case errors.Is(err, engine.ErrOrderExists):
		return "Order already exists.", nil
	case engine.ErrorCode(err) == engine.EINVALID:
		return "", permanent(err)
	case err != nil:
		return "", err
	case waiting:
		return "Order stored. It waits for a " + n.Currency + " exchange rate and is priced as soon as one is set.", nil
	}
	return "Order processed successfully.", nil
}

// otherOrder acknowledges an order paid another way (a card, cash on
// delivery, a bank transfer): it is counted for the dashboard, and never
// becomes a Tari order, so nothing in taripay can expire or cancel it.
func (h *Handler) otherOrder(ctx context.Context, shop string, o Order) (string, error) {
	if err := h.records.SaveOtherOrder(ctx, shop, string(o.ID), o.PaymentGatewayNames, o.FinancialStatus, h.now()); err != nil {
		return "", err
	}
	gateways := gatewayList(o.PaymentGatewayNames)
	h.log.Info("order paid another way: not a Tari order", "order_id", string(o.ID), "shop", shop,
		"gateways", gateways, "financial_status", o.FinancialStatus)
	return "Not a Tari order (payment gateways: " + gateways + "); left to Shopify.", nil
}

// cancelOrder annuls an order cancelled in Shopify. The body says so with
// its cancelled_at; one without (an orders/create body posted to this
// route, say: the route is not signed) annuls nothing unless the order,
// read again through the Admin API, is cancelled. The engine marks the
// annulment as coming from the storefront, so nothing is sent back.
func (h *Handler) cancelOrder(ctx context.Context, o Order) (string, error) {
	if o.CancelledAt == nil || strings.TrimSpace(*o.CancelledAt) == "" {
		if h.orders == nil {
			return "", permanent(fmt.Errorf("order %s: the body has no cancelled_at, and without the Admin API taripay cannot check that the order is cancelled", o.ID))
		}
		live, err := h.orders.Order(ctx, string(o.ID))
		if err != nil {
			return "", fmt.Errorf("re-read order %s: %w", o.ID, err)
		}
		if !live.Cancelled {
			h.log.Warn("orders/cancelled without cancelled_at for an order open in Shopify: nothing done", "order_id", string(o.ID))
			return "Order " + string(o.ID) + " is not cancelled in Shopify; nothing done.", nil
		}
	}
	_, err := h.engine.AnnulFromStorefront(engine.WithActor(ctx, "shopify"), string(o.ID), "cancelled in Shopify")
	switch {
	case err == nil:
		return "Order annulled.", nil
	case errors.Is(err, engine.ErrOrderNotFound):
		return "Order not known here.", nil
	case errors.Is(err, engine.ErrOrderClosed), errors.Is(err, engine.ErrOrderForbidden), errors.Is(err, engine.ErrOrderNoOp):
		return "Order already closed here: " + err.Error(), nil
	}
	return "", err
}

// dataReport is what taripay holds about a customer, for the merchant to
// pass on.
type dataReport struct {
	Shop       string            `json:"shop"`
	CustomerID string            `json:"customer_id"`
	Orders     []dataReportOrder `json:"orders"`
	Payloads   []json.RawMessage `json:"payloads"`
}

type dataReportOrder struct {
	OrderID    string `json:"order_id"`
	AltID      string `json:"alt_id,omitempty"`
	Status     string `json:"status"`
	TotalPrice int64  `json:"total_price"`
	Memo       string `json:"memo,omitempty"`
	CreatedAt  string `json:"created_at"`
}

func (h *Handler) dataRequest(ctx context.Context, body []byte) (string, error) {
	var r Redaction
	if err := decode(body, &r); err != nil {
		return "", permanent(err)
	}
	shop := r.ShopDomain
	customer := string(r.Customer.ID)
	var orders []engine.Order
	for page := (engine.OrderQuery{CustomerID: customer, Limit: engine.MaxPageSize}); ; page.Offset += page.Limit {
		more, err := h.engine.SearchOrders(ctx, page)
		if err != nil {
			return "", err
		}
		orders = append(orders, more...)
		if len(more) < page.Limit {
			break
		}
	}
	payloads, err := h.records.CustomerPayloads(ctx, shop, customer, ids(r.OrdersRequested))
	if err != nil {
		return "", err
	}
	rep := dataReport{Shop: shop, CustomerID: customer, Orders: []dataReportOrder{}, Payloads: []json.RawMessage{}}
	for _, o := range orders {
		ro := dataReportOrder{OrderID: o.OrderID, Status: string(o.Status), TotalPrice: o.TotalPrice, CreatedAt: o.CreatedAt.Format(time.RFC3339)}
		if o.AltID != nil {
			ro.AltID = *o.AltID
		}
		if o.Memo != nil {
			ro.Memo = *o.Memo
		}
		rep.Orders = append(rep.Orders, ro)
	}
	for _, p := range payloads {
		if json.Valid(p) {
			// Kept verbatim, but the report is text: bytes that are not
			// UTF-8 (which the JSON decoder let through) are mended.
			rep.Payloads = append(rep.Payloads, []byte(strings.ToValidUTF8(string(p), "\uFFFD")))
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return "", err
	}
	if err := h.records.SaveDataReport(ctx, shop, customer, b, h.now()); err != nil {
		return "", err
	}
	h.log.Info("customer data request recorded for the merchant", "shop", shop, "customer_id", customer, "orders", len(rep.Orders))
	return fmt.Sprintf("Data report with %d orders recorded.", len(rep.Orders)), nil
}

func ids(in []ID) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = string(id)
	}
	return out
}

// replyMessage is the checkout_create reply for a failure.
func replyMessage(err error) string {
	var pe permanentError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return "Unexpected error handling order."
}
