// Package shopdata holds the records of the Shopify integration that the
// database keeps: a shop's Admin API token, and what the webhook inbox
// reports about the stored deliveries. db stores them (db/shop_tokens.go,
// db/shopify_webhooks.go), app/shopify uses them and the admin shows them;
// this leaf lets them share the types while db imports nothing of app/ and
// the engine stays free of Shopify.
package shopdata

import "time"

// WebhookFailure is a delivery whose processing failed, for the admin to see and
// run again.
type WebhookFailure struct {
	ID         int64
	Topic      string
	Shop       string
	OrderID    string // "" when the delivery is not about an order
	Final      bool   // failed for good; otherwise it is retried by itself
	Attempts   int
	LastError  string
	ReceivedAt time.Time
}

// WebhookActivity is what the stored deliveries say about the shop's set-up, for
// the admin's setup checklist: when the last one arrived, and how many of
// the latest orders/create deliveries came without a customer (Shopify
// withholds it from apps without protected customer data access).
type WebhookActivity struct {
	LastAt          *time.Time // nil: none yet
	RecentOrders    int
	WithoutCustomer int
}
