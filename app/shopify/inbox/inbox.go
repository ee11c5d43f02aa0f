package engine

import "time"

// WebhookFailure is a storefront delivery whose processing failed, for the
// admin to see and run again. Deliveries belong to the storefront
// integration (db/shopify_webhooks.go, app/shopify); the type lives here so that
// both share it without importing each other.
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

// WebhookActivity is what the stored Shopify deliveries say about the
// shop's set-up, for the admin's setup checklist: when the last one
// arrived, and how many of the latest orders/create deliveries came
// without a customer (Shopify withholds it from apps without protected
// customer data access). It lives here for the reason WebhookFailure does.
type WebhookActivity struct {
	LastAt          *time.Time // nil: none yet
	RecentOrders    int
	WithoutCustomer int
}
