package shopify

import (
	"context"
	"testing"

	"taripay/app/shopify/shopifytest"
)

func TestEnsureWebhooks(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.admin.CreateSubscription(ctx, "ORDERS_CREATE", "https://old.example/hook"); err != nil {
		t.Fatal(err)
	}
	res, err := EnsureWebhooks(ctx, h.admin, "https://tps.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, r := range res {
		actions[r.Topic] = r.Action
	}
	want := map[string]string{
		"orders/create": "updated", "orders/updated": "created", "orders/cancelled": "created",
		"order_transactions/create": "created", "refunds/create": "created", "products/update": "created",
		"app/uninstalled": "created",
	}
	for topic, action := range want {
		if actions[topic] != action {
			t.Errorf("%s: %q, want %q", topic, actions[topic], action)
		}
	}
	if len(res) != len(want) {
		t.Errorf("%d results, want %d (compliance topics cannot be subscribed by API)", len(res), len(want))
	}
	subs := h.fake.Subscriptions()
	if subs["ORDER_TRANSACTIONS_CREATE"] != "https://tps.example.com/shopify/webhook/order_transactions/create" ||
		subs["ORDERS_CREATE"] != "https://tps.example.com/shopify/webhook/orders/create" ||
		subs["REFUNDS_CREATE"] != "https://tps.example.com/shopify/webhook/refunds/create" {
		t.Errorf("subscriptions = %v", subs)
	}
	// A second run changes nothing.
	res, err = EnsureWebhooks(ctx, h.admin, "https://tps.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Action != "present" {
			t.Errorf("rerun: %s %s", r.Topic, r.Action)
		}
	}
	if n := len(h.fake.Calls("CreateWebhook")); n != 7 {
		t.Errorf("%d creates, want 7", n)
	}
}

// TestEnsuredTopicsAreSchemaEnums registers taripay's webhooks through the
// fake and checks each topic against the schema's WebhookSubscriptionTopic.
func TestEnsuredTopicsAreSchemaEnums(t *testing.T) {
	schema, err := shopifytest.AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	enum := schema.Types["WebhookSubscriptionTopic"]
	h := newHarness(t)
	if _, err := EnsureWebhooks(context.Background(), h.admin, "https://x.example"); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("CreateWebhook")
	if len(calls) == 0 {
		t.Fatal("no subscriptions created")
	}
	for _, c := range calls {
		if topic, _ := c.Variables["topic"].(string); enum.EnumValues.ForName(topic) == nil {
			t.Errorf("topic %q is not a %s WebhookSubscriptionTopic", topic, schema.Version)
		}
	}
}
