// Package inbox holds what the webhook inbox reports about the stored
// Shopify deliveries. db stores them (db/shopify_webhooks.go), app/shopify
// processes them and the admin shows them; this leaf lets all three share
// the types without importing each other, and keeps them out of the engine.
package inbox

import "time"

// Failure is a delivery whose processing failed, for the admin to see and
// run again.
type Failure struct {
	ID         int64
	Topic      string
	Shop       string
	OrderID    string // "" when the delivery is not about an order
	Final      bool   // failed for good; otherwise it is retried by itself
	Attempts   int
	LastError  string
	ReceivedAt time.Time
}

// Activity is what the stored deliveries say about the shop's set-up, for
// the admin's setup checklist: when the last one arrived, and how many of
// the latest orders/create deliveries came without a customer (Shopify
// withholds it from apps without protected customer data access).
type Activity struct {
	LastAt          *time.Time // nil: none yet
	RecentOrders    int
	WithoutCustomer int
}
