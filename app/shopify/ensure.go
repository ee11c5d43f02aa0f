package shopify

import (
	"context"
	"fmt"
	"strings"

	"taripay/app/shopify/adminapi"
)

// SubscriptionAdmin is the part of the Admin API that manages webhook
// subscriptions.
type SubscriptionAdmin interface {
	Subscriptions(ctx context.Context) ([]adminapi.Subscription, error)
	CreateSubscription(ctx context.Context, topic, callbackURL string) error
	UpdateSubscription(ctx context.Context, id, callbackURL string) error
}

// EnsureResult is what EnsureWebhooks did for one topic: "present",
// "created" or "updated".
type EnsureResult struct {
	Topic       string
	CallbackURL string
	Action      string
}

// EnsureWebhooks subscribes the shop to every non-compliance topic at
// {publicURL}/shopify/webhook/{topic}, creating missing subscriptions and
// repointing ones whose address changed. It serves merchants who deploy
// without the Shopify CLI; the compliance topics can only be declared in
// shopify.app.toml.
func EnsureWebhooks(ctx context.Context, admin SubscriptionAdmin, publicURL string) ([]EnsureResult, error) {
	existing, err := admin.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	byTopic := map[string]adminapi.Subscription{}
	for _, s := range existing {
		byTopic[s.Topic] = s
	}
	var out []EnsureResult
	for _, topic := range Topics {
		if strings.HasPrefix(topic, "customers/") || topic == "shop/redact" {
			continue
		}
		enum := TopicEnum(topic)
		url := strings.TrimRight(publicURL, "/") + "/shopify/webhook/" + topic
		r := EnsureResult{Topic: topic, CallbackURL: url, Action: "present"}
		switch s, ok := byTopic[enum]; {
		case !ok:
			if err := admin.CreateSubscription(ctx, enum, url); err != nil {
				return out, fmt.Errorf("subscribe to %s: %w", topic, err)
			}
			r.Action = "created"
		case s.CallbackURL != url:
			if err := admin.UpdateSubscription(ctx, s.ID, url); err != nil {
				return out, fmt.Errorf("repoint %s: %w", topic, err)
			}
			r.Action = "updated"
		}
		out = append(out, r)
	}
	return out, nil
}

// TopicEnum is a topic's GraphQL name: orders/create is ORDERS_CREATE.
func TopicEnum(topic string) string { return strings.ToUpper(strings.ReplaceAll(topic, "/", "_")) }
