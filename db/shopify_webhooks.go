package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"taripay/internal/shopdata"

	"github.com/uptrace/bun"
)

// The shopify_*.go files are the Shopify store: what Shopify sends
// taripay. This one keeps the verified webhook deliveries (the inbox) and
// blanks their payloads on redaction; shopify_authorizations.go keeps card
// authorisations, shopify_shops.go installs, shopify_data_requests.go
// compliance reports and shopify_other_orders.go the orders paid another
// way. Their methods take plain values so package shopify can declare the
// small interfaces it needs without importing db.

// shopifyWebhook is one verified delivery.
type shopifyWebhook struct {
	bun.BaseModel `bun:"table:shopify_webhooks"`

	ID          int64      `bun:"id,pk,autoincrement"`
	EventID     string     `bun:"event_id"`
	WebhookID   string     `bun:"webhook_id"`
	Topic       string     `bun:"topic"`
	Shop        string     `bun:"shop"`
	Body        []byte     `bun:"body"`
	OrderID     string     `bun:"order_id"`
	CustomerID  string     `bun:"customer_id"`
	State       string     `bun:"state"`
	Attempts    int        `bun:"attempts"`
	LastError   string     `bun:"last_error"`
	DueAt       time.Time  `bun:"due_at"`
	ReceivedAt  time.Time  `bun:"received_at"`
	ProcessedAt *time.Time `bun:"processed_at"`
	RedactedAt  *time.Time `bun:"redacted_at"`
}

// redactedBody replaces a redacted delivery's payload.
var redactedBody = []byte(`{"redacted":true}`)

// SaveWebhook stores a verified delivery, leased to the receiver until
// at+lease. fresh is false, and nothing changes, when eventID was seen
// before. It runs in InTx, queued with the other writes: a storage fault
// comes back as engine.ErrUnavailable.
func (d *DB) SaveWebhook(ctx context.Context, eventID, webhookID, topic, shop string, body []byte, at time.Time, lease time.Duration) (id int64, fresh bool, err error) {
	err = d.InTx(ctx, func(tx bun.Tx) error {
		w := &shopifyWebhook{
			EventID: eventID, WebhookID: webhookID, Topic: topic, Shop: shop, Body: body,
			State: "pending", DueAt: at.Add(lease).UTC(), ReceivedAt: at.UTC(),
		}
		res, err := tx.NewInsert().Model(w).
			ExcludeColumn("id", "processed_at", "redacted_at").
			On("CONFLICT (event_id) DO NOTHING").
			Returning("id").Exec(ctx)
		inserted := err == nil
		switch {
		case errors.Is(err, sql.ErrNoRows): // the conflict returned no id
		case err != nil:
			return fmt.Errorf("save webhook %s: %w", eventID, err)
		default:
			n, _ := res.RowsAffected()
			inserted = n == 1
		}
		if inserted {
			id, fresh = w.ID, true
			return nil
		}
		var old shopifyWebhook
		if err := tx.NewSelect().Model(&old).Column("id").Where("event_id = ?", eventID).Scan(ctx); err != nil {
			return fmt.Errorf("find webhook %s: %w", eventID, err)
		}
		id, fresh = old.ID, false
		return nil
	})
	return id, fresh, err
}

// TagWebhook records which order and customer a delivery concerns, so a
// redaction can find it.
func (d *DB) TagWebhook(ctx context.Context, id int64, orderID, customerID string) error {
	err := d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*shopifyWebhook)(nil)).
			Set("order_id = ?", orderID).Set("customer_id = ?", customerID).
			Where("id = ?", id).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("tag webhook %d: %w", id, err)
	}
	return nil
}

// ClaimWebhooks leases up to limit pending deliveries that are due at now:
// their receiver died, or an earlier attempt failed. Each lease is a
// conditional update, so two processes never take the same delivery.
func (d *DB) ClaimWebhooks(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]int64, error) {
	var claimed []int64
	err := d.InTx(ctx, func(tx bun.Tx) error {
		claimed = nil // InTx may run this again
		var due []int64
		err := tx.NewSelect().Model((*shopifyWebhook)(nil)).Column("id").
			Where("state = 'pending'").Where("due_at <= ?", now.UTC()).
			OrderExpr("id").Limit(int64(limit)).Scan(ctx, &due)
		if err != nil {
			return fmt.Errorf("find due webhooks: %w", err)
		}
		for _, id := range due {
			res, err := tx.NewUpdate().Model((*shopifyWebhook)(nil)).
				Set("due_at = ?", now.Add(lease).UTC()).
				Where("id = ?", id).Where("state = 'pending'").Where("due_at <= ?", now.UTC()).
				Exec(ctx)
			if err != nil {
				return fmt.Errorf("lease webhook %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				claimed = append(claimed, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// Webhook returns a stored delivery and how many attempts it has had.
func (d *DB) Webhook(ctx context.Context, id int64) (topic, shop string, body []byte, attempts int, err error) {
	var w shopifyWebhook
	if err := d.bun.NewSelect().Model(&w).Where("id = ?", id).Scan(ctx); err != nil {
		return "", "", nil, 0, fmt.Errorf("load webhook %d: %w", id, unavailable(err))
	}
	return w.Topic, w.Shop, w.Body, w.Attempts, nil
}

// FinishWebhook records an attempt: done when cause is "", else failed for
// good when final, else pending again from retryAt.
func (d *DB) FinishWebhook(ctx context.Context, id int64, cause string, final bool, retryAt, now time.Time) error {
	err := d.InTx(ctx, func(tx bun.Tx) error {
		q := tx.NewUpdate().Model((*shopifyWebhook)(nil)).
			Set("attempts = attempts + 1").Set("last_error = ?", cause).Where("id = ?", id)
		switch {
		case cause == "":
			q = q.Set("state = 'done'").Set("processed_at = ?", now.UTC())
		case final:
			q = q.Set("state = 'failed'").Set("processed_at = ?", now.UTC())
		default:
			q = q.Set("due_at = ?", retryAt.UTC())
		}
		_, err := q.Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish webhook %d: %w", id, err)
	}
	return nil
}

// WebhookFailures lists, newest first, up to limit deliveries whose last
// attempt failed: for good, or so far (pending, retried once its lease
// lapses).
func (d *DB) WebhookFailures(ctx context.Context, limit int) ([]shopdata.WebhookFailure, error) {
	var rows []shopifyWebhook
	err := d.bun.NewSelect().Model(&rows).ExcludeColumn("body").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("state = 'failed'").WhereOr("state = 'pending' AND last_error <> ''")
		}).
		OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list failed webhooks: %w", unavailable(err))
	}
	out := make([]shopdata.WebhookFailure, len(rows))
	for i, w := range rows {
		out[i] = shopdata.WebhookFailure{ID: w.ID, Topic: w.Topic, Shop: w.Shop, OrderID: w.OrderID, Final: w.State == "failed",
			Attempts: w.Attempts, LastError: w.LastError, ReceivedAt: w.ReceivedAt}
	}
	return out, nil
}

// RetryWebhook makes a delivery that failed for good pending again, leased
// to the caller until at+lease as a fresh delivery is. It reports false,
// changing nothing, when the delivery has not failed for good.
func (d *DB) RetryWebhook(ctx context.Context, id int64, at time.Time, lease time.Duration) (bool, error) {
	var ok bool
	err := d.InTx(ctx, func(tx bun.Tx) error {
		n, err := rowsChanged(tx.NewUpdate().Model((*shopifyWebhook)(nil)).
			Set("state = 'pending'").Set("due_at = ?", at.Add(lease).UTC()).Set("processed_at = NULL").
			Where("id = ?", id).Where("state = 'failed'").Exec(ctx))
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("retry webhook %d: %w", id, err)
	}
	return ok, nil
}

// WebhookState returns a delivery's state, attempts and last error.
func (d *DB) WebhookState(ctx context.Context, eventID string) (state string, attempts int, lastError string, err error) {
	var w shopifyWebhook
	if err := d.bun.NewSelect().Model(&w).Where("event_id = ?", eventID).Scan(ctx); err != nil {
		return "", 0, "", fmt.Errorf("load webhook %s: %w", eventID, unavailable(err))
	}
	return w.State, w.Attempts, w.LastError, nil
}

// RedactCustomer blanks the stored payloads about a customer, or about the
// listed orders, and returns how many it blanked. Orders, payments and
// authorisations (the financial records) are kept.
func (d *DB) RedactCustomer(ctx context.Context, shop, customerID string, orderIDs []string, at time.Time) (int64, error) {
	var n int64
	err := d.InTx(ctx, func(tx bun.Tx) error {
		var err error
		n, err = rowsChanged(tx.NewUpdate().Model((*shopifyWebhook)(nil)).
			Set("body = ?", redactedBody).Set("redacted_at = ?", at.UTC()).
			Where("shop = ?", shop).Where("redacted_at IS NULL").
			WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
				q = q.Where("customer_id = ?", customerID)
				if len(orderIDs) > 0 {
					q = q.WhereOr("order_id IN (?)", bun.In(orderIDs))
				}
				return q
			}).Exec(ctx))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("redact payloads of customer %s: %w", customerID, err)
	}
	return n, nil
}

// RedactShop blanks every stored payload of a shop, 48 hours after it
// uninstalled the app, and marks the shop redacted.
func (d *DB) RedactShop(ctx context.Context, shop string, at time.Time) (int64, error) {
	var n int64
	err := d.InTx(ctx, func(tx bun.Tx) error {
		var err error
		n, err = rowsChanged(tx.NewUpdate().Model((*shopifyWebhook)(nil)).
			Set("body = ?", redactedBody).Set("redacted_at = ?", at.UTC()).
			Where("shop = ?", shop).Where("redacted_at IS NULL").Exec(ctx))
		if err != nil {
			return err
		}
		at := at.UTC()
		_, err = tx.NewInsert().Model(&shopifyShop{Shop: shop, RedactedAt: &at, UpdatedAt: at}).
			ExcludeColumn("uninstalled_at").
			On("CONFLICT (shop) DO UPDATE").Set("redacted_at = EXCLUDED.redacted_at").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("redact shop %s: %w", shop, err)
	}
	return n, nil
}

// CustomerPayloads returns the unredacted stored payloads about a customer
// or the listed orders, oldest first, for a data request.
func (d *DB) CustomerPayloads(ctx context.Context, shop, customerID string, orderIDs []string) ([][]byte, error) {
	var rows []shopifyWebhook
	q := d.bun.NewSelect().Model(&rows).Column("body").
		Where("shop = ?", shop).Where("redacted_at IS NULL").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("customer_id = ?", customerID)
			if len(orderIDs) > 0 {
				q = q.WhereOr("order_id IN (?)", bun.In(orderIDs))
			}
			return q
		}).OrderExpr("id")
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("find payloads of customer %s: %w", customerID, unavailable(err))
	}
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = r.Body
	}
	return out, nil
}

// LatestCustomerPayloads returns, for each of the shop's customers named,
// the newest stored order payload (orders/create, orders/updated or
// orders/cancelled) that is not redacted, for the admin to show the name
// and email it carries. A customer with none is left out.
func (d *DB) LatestCustomerPayloads(ctx context.Context, shop string, customerIDs []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(customerIDs) == 0 {
		return out, nil
	}
	var rows []shopifyWebhook
	err := d.bun.NewSelect().Model(&rows).Column("customer_id", "body").
		Where("shop = ?", shop).Where("customer_id IN (?)", bun.In(customerIDs)).
		Where("topic IN (?)", bun.In([]string{"orders/create", "orders/updated", "orders/cancelled"})).
		Where("redacted_at IS NULL").OrderExpr("id DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("find the latest payloads of %d customers: %w", len(customerIDs), unavailable(err))
	}
	for _, r := range rows {
		if _, ok := out[r.CustomerID]; !ok {
			out[r.CustomerID] = r.Body
		}
	}
	return out, nil
}

// WebhookActivity says when the shop's last delivery arrived, and how many
// of its latest recent orders/create deliveries named no customer.
func (d *DB) WebhookActivity(ctx context.Context, shop string, recent int) (shopdata.WebhookActivity, error) {
	var out shopdata.WebhookActivity
	var last []shopifyWebhook
	err := d.bun.NewSelect().Model(&last).Column("received_at").Where("shop = ?", shop).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return out, fmt.Errorf("find the last webhook: %w", unavailable(err))
	}
	if len(last) == 1 {
		at := last[0].ReceivedAt.UTC()
		out.LastAt = &at
	}
	var orders []shopifyWebhook
	err = d.bun.NewSelect().Model(&orders).Column("customer_id").Where("shop = ?", shop).
		Where("topic = ?", "orders/create").OrderExpr("id DESC").Limit(int64(recent)).Scan(ctx)
	if err != nil {
		return out, fmt.Errorf("find the latest orders' customers: %w", unavailable(err))
	}
	out.RecentOrders = len(orders)
	for _, o := range orders {
		if o.CustomerID == "" {
			out.WithoutCustomer++
		}
	}
	return out, nil
}

func rowsChanged(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
