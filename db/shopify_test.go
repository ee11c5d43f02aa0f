package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/internal/shopdata"
)

func eachShopifyStore(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, dbtest.Open(t, b)) })
	}
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestShopifyWebhookInbox(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		body := []byte(`{"id":820982911946154508}`)
		id, fresh, err := s.SaveWebhook(ctx, "ev-1", "wh-1", "orders/create", "a.myshopify.com", body, t0, time.Minute)
		if err != nil || !fresh || id == 0 {
			t.Fatalf("save = %d, %v, %v", id, fresh, err)
		}
		id2, fresh, err := s.SaveWebhook(ctx, "ev-1", "wh-2", "orders/create", "a.myshopify.com", []byte(`{}`), t0, time.Minute)
		if err != nil || fresh || id2 != id {
			t.Fatalf("duplicate save = %d, %v, %v; want %d, false", id2, fresh, err, id)
		}
		topic, shop, got, attempts, err := s.Webhook(ctx, id)
		if err != nil || topic != "orders/create" || shop != "a.myshopify.com" || string(got) != string(body) || attempts != 0 {
			t.Fatalf("webhook = %s %s %s %d %v", topic, shop, got, attempts, err)
		}

		// Leased to the receiver: not claimable until the lease lapses.
		if ids, err := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(59*time.Second)); err != nil || len(ids) != 0 {
			t.Fatalf("claimed %v, %v during the receiver's lease", ids, err)
		}
		ids, err := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(time.Minute))
		if err != nil || !slices.Equal(ids, []int64{id}) {
			t.Fatalf("claim = %v, %v", ids, err)
		}
		if again, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(time.Minute)); len(again) != 0 {
			t.Fatalf("claimed twice: %v", again)
		}
		// A failed attempt is retried from its retry time, not before.
		if err := s.FinishWebhook(ctx, id, "db down", false, t0.Add(5*time.Minute), t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if ids, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(4*time.Minute)); len(ids) != 0 {
			t.Fatalf("failed attempt retried before its retry time: %v", ids)
		}
		if _, _, _, attempts, _ := s.Webhook(ctx, id); attempts != 1 {
			t.Fatalf("attempts = %d after one failure", attempts)
		}
		if ids, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(5*time.Minute)); len(ids) != 1 {
			t.Fatalf("failed attempt not retried: %v", ids)
		}
		if err := s.FinishWebhook(ctx, id, "", false, t0, t0.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		state, attempts, _, err := s.WebhookState(ctx, "ev-1")
		if err != nil || state != "done" || attempts != 2 {
			t.Fatalf("state = %s after %d, %v", state, attempts, err)
		}
		if ids, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(time.Hour)); len(ids) != 0 {
			t.Fatalf("done delivery claimed: %v", ids)
		}

		id3, _, _ := s.SaveWebhook(ctx, "ev-3", "", "orders/create", "a.myshopify.com", body, t0, 0)
		if err := s.FinishWebhook(ctx, id3, "bad payload", true, t0, t0); err != nil {
			t.Fatal(err)
		}
		if state, _, cause, _ := s.WebhookState(ctx, "ev-3"); state != "failed" || cause != "bad payload" {
			t.Fatalf("state = %s (%s)", state, cause)
		}
	})
}

// A failed delivery is listed for the admin, and a retry makes it pending
// again, leased to the retrying process.
func TestShopifyWebhookFailures(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		save := func(event string) int64 {
			t.Helper()
			id, _, err := s.SaveWebhook(ctx, event, "", "orders/create", "a.myshopify.com", []byte(`{"id":1}`), t0, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TagWebhook(ctx, id, "1", ""); err != nil {
				t.Fatal(err)
			}
			return id
		}
		done, failed, retrying := save("ev-done"), save("ev-failed"), save("ev-retrying")
		for id, outcome := range map[int64]struct {
			cause string
			final bool
		}{done: {"", false}, failed: {"order 1: created_at: bad", true}, retrying: {"db down", false}} {
			if err := s.FinishWebhook(ctx, id, outcome.cause, outcome.final, t0, t0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.WebhookFailures(ctx, 10)
		if err != nil || len(got) != 2 {
			t.Fatalf("failures = %+v, %v", got, err)
		}
		if w := got[1]; w.ID != failed || !w.Final || w.LastError != "order 1: created_at: bad" || w.OrderID != "1" ||
			w.Topic != "orders/create" || w.Attempts != 1 || !w.ReceivedAt.Equal(t0) {
			t.Errorf("failed delivery = %+v", w)
		}
		if w := got[0]; w.ID != retrying || w.Final {
			t.Errorf("retrying delivery = %+v", w)
		}

		for _, id := range []int64{done, retrying, 999} {
			if ok, err := s.RetryWebhook(ctx, id, t0, time.Minute); ok || err != nil {
				t.Errorf("retry of %d (not failed) = %v, %v", id, ok, err)
			}
		}
		if ok, err := s.RetryWebhook(ctx, failed, t0.Add(time.Hour), time.Minute); !ok || err != nil {
			t.Fatalf("retry = %v, %v", ok, err)
		}
		if state, _, _, _ := s.WebhookState(ctx, "ev-failed"); state != "pending" {
			t.Fatalf("retried delivery is %s", state)
		}
		if ids, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(time.Hour+59*time.Second)); slices.Contains(ids, failed) {
			t.Fatal("a retried delivery was claimed during the retrying process's lease")
		}
		if ids, _ := s.ClaimWebhooks(ctx, 10, time.Minute, t0.Add(time.Hour+time.Minute)); !slices.Contains(ids, failed) {
			t.Fatalf("a retried delivery was not claimed after the lease: %v", ids)
		}
	})
}

func TestShopifyAuthorizations(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		for range 2 {
			if err := s.SaveAuthorization(ctx, "7084112355540", "5796499259604", "6.90", "USD", true, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkCaptured(ctx, "7084112355540", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkCaptured(ctx, "unknown", t0); err != nil {
			t.Fatal(err)
		}
		got, err := s.Authorizations(ctx, "5796499259604")
		if err != nil || len(got) != 1 || !got["7084112355540"] {
			t.Fatalf("authorisations = %v, %v", got, err)
		}
	})
}

func TestShopifyRedaction(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		save := func(ev, shop, order, customer string) int64 {
			id, _, err := s.SaveWebhook(ctx, ev, "", "orders/create", shop, []byte(`{"email":"alice@example.com"}`), t0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TagWebhook(ctx, id, order, customer); err != nil {
				t.Fatal(err)
			}
			return id
		}
		save("a1", "a.myshopify.com", "1", "alice")
		save("a2", "a.myshopify.com", "2", "")      // customerless, named by the request
		save("b1", "a.myshopify.com", "3", "bob")   // another customer
		save("c1", "c.myshopify.com", "4", "alice") // another shop

		if p, err := s.CustomerPayloads(ctx, "a.myshopify.com", "alice", []string{"2"}); err != nil || len(p) != 2 {
			t.Fatalf("payloads = %d, %v", len(p), err)
		}
		n, err := s.RedactCustomer(ctx, "a.myshopify.com", "alice", []string{"2"}, t0)
		if err != nil || n != 2 {
			t.Fatalf("redacted %d, %v; want 2", n, err)
		}
		if p, _ := s.CustomerPayloads(ctx, "a.myshopify.com", "alice", []string{"2"}); len(p) != 0 {
			t.Fatalf("%d payloads left", len(p))
		}
		if p, _ := s.CustomerPayloads(ctx, "a.myshopify.com", "bob", nil); len(p) != 1 {
			t.Fatal("bob's payload was redacted")
		}
		if _, _, body, _, _ := s.Webhook(ctx, 1); string(body) != `{"redacted":true}` {
			t.Fatalf("body = %s", body)
		}
		if n, err := s.RedactShop(ctx, "a.myshopify.com", t0); err != nil || n != 1 {
			t.Fatalf("shop redaction = %d, %v; want 1 (bob)", n, err)
		}
		if p, _ := s.CustomerPayloads(ctx, "c.myshopify.com", "alice", nil); len(p) != 1 {
			t.Fatal("another shop's payload was redacted")
		}

		tokens := db.NewShopTokenStore(s.Bun())
		for _, shop := range []string{"a.myshopify.com", "c.myshopify.com"} {
			if err := tokens.SaveShopToken(ctx, shopdata.Token{Shop: shop, AccessToken: "shpat_" + shop, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetUninstalled(ctx, "a.myshopify.com", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := tokens.ShopToken(ctx, "a.myshopify.com"); !errors.Is(err, shopdata.ErrTokenNotFound) {
			t.Fatalf("token after uninstall: %v, want shopdata.ErrTokenNotFound", err)
		}
		if tok, err := tokens.ShopToken(ctx, "c.myshopify.com"); err != nil || tok.AccessToken == "" {
			t.Fatalf("another shop's token: %+v, %v", tok, err)
		}
		if gone, err := s.Uninstalled(ctx, "a.myshopify.com"); err != nil || !gone {
			t.Fatalf("uninstalled = %v, %v", gone, err)
		}
		if gone, _ := s.Uninstalled(ctx, "c.myshopify.com"); gone {
			t.Fatal("c uninstalled")
		}
		if err := s.SaveDataReport(ctx, "a.myshopify.com", "alice", []byte(`{"orders":[]}`), t0); err != nil {
			t.Fatal(err)
		}
		if r, err := s.DataReports(ctx, "a.myshopify.com", "alice"); err != nil || len(r) != 1 {
			t.Fatalf("reports = %v, %v", r, err)
		}
	})
}

// TestShopifyLatestCustomerPayloads finds each customer's newest order
// payload of the shop, and none once redacted.
func TestShopifyLatestCustomerPayloads(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		save := func(ev, topic, shop, customer, body string) {
			id, _, err := s.SaveWebhook(ctx, ev, "", topic, shop, []byte(body), t0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TagWebhook(ctx, id, ev, customer); err != nil {
				t.Fatal(err)
			}
		}
		save("1", "orders/create", "a.myshopify.com", "alice", `{"n":"alice old"}`)
		save("2", "orders/updated", "a.myshopify.com", "alice", `{"n":"alice new"}`)
		save("3", "customers/data_request", "a.myshopify.com", "alice", `{"n":"not an order"}`)
		save("4", "orders/create", "a.myshopify.com", "bob", `{"n":"bob"}`)
		save("5", "orders/create", "c.myshopify.com", "carol", `{"n":"another shop"}`)

		got, err := s.LatestCustomerPayloads(ctx, "a.myshopify.com", []string{"alice", "bob", "carol", "dave"})
		if err != nil || len(got) != 2 || string(got["alice"]) != `{"n":"alice new"}` || string(got["bob"]) != `{"n":"bob"}` {
			t.Fatalf("payloads = %q, %v", got, err)
		}
		if _, err := s.RedactCustomer(ctx, "a.myshopify.com", "alice", nil, t0); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LatestCustomerPayloads(ctx, "a.myshopify.com", []string{"alice"}); err != nil || len(got) != 0 {
			t.Fatalf("after redaction: %q, %v", got, err)
		}
	})
}

// TestShopifyWebhookActivity finds the shop's last delivery and counts
// its latest orders that came without a customer.
func TestShopifyWebhookActivity(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		const shop = "a.myshopify.com"
		if a, err := s.WebhookActivity(ctx, shop, 3); err != nil || a.LastAt != nil || a.RecentOrders != 0 {
			t.Fatalf("no delivery yet: %+v, %v", a, err)
		}
		save := func(ev, topic, shop, customer string, at time.Time) {
			id, _, err := s.SaveWebhook(ctx, ev, "", topic, shop, []byte(`{}`), at, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TagWebhook(ctx, id, ev, customer); err != nil {
				t.Fatal(err)
			}
		}
		save("1", "orders/create", shop, "", t0) // too old to count among the latest 3
		save("2", "orders/create", shop, "alice", t0.Add(time.Minute))
		save("3", "orders/create", shop, "", t0.Add(2*time.Minute))
		save("4", "orders/create", shop, "bob", t0.Add(3*time.Minute))
		save("5", "products/update", shop, "", t0.Add(4*time.Minute))
		save("6", "orders/create", "c.myshopify.com", "", t0.Add(5*time.Minute))
		a, err := s.WebhookActivity(ctx, shop, 3)
		if err != nil || a.LastAt == nil || !a.LastAt.Equal(t0.Add(4*time.Minute)) || a.RecentOrders != 3 || a.WithoutCustomer != 1 {
			t.Fatalf("activity = %+v, %v", a, err)
		}
	})
}

func TestShopifyOtherOrders(t *testing.T) {
	eachShopifyStore(t, func(t *testing.T, s *db.DB) {
		ctx := context.Background()
		if n, err := s.OtherOrders(ctx); err != nil || n != 0 {
			t.Fatalf("empty store counts %d, %v", n, err)
		}
		for _, o := range []struct {
			id       string
			gateways []string
		}{
			{"5796499259611", []string{"shopify_payments"}},
			{"5796499259611", []string{"shopify_payments"}}, // the same order again, from another route
			{"5796499259612", []string{"Cash on Delivery (COD)", "gift_card"}},
			{"5796499259613", nil},
		} {
			if err := s.SaveOtherOrder(ctx, "a.myshopify.com", o.id, o.gateways, "authorized", t0); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.OtherOrders(ctx); err != nil || n != 3 {
			t.Errorf("counted %d, %v; want 3 orders", n, err)
		}
	})
}
