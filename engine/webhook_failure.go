package engine

import "time"

// WebhookFailure is a storefront delivery whose processing failed, for the
// admin to see and run again. Deliveries belong to the storefront
// integration (db/shopify.go, app/shopify); the type lives here so that
// both share it without importing each other, as ShopToken does.
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
