package shopify

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"taripay/app/httperr"
	"taripay/app/shopify/adminapi"
	"taripay/engine"

	"github.com/gofiber/fiber/v2"
)

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
	headerShop, err := adminapi.ValidateShop(shopHeader)
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
