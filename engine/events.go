package engine

import "time"

// EventType names an engine event; it is also the persisted type tag.
type EventType string

const (
	EventNewOrder        EventType = "NewOrder"
	EventOrderClaimed    EventType = "OrderClaimed"
	EventPaymentReceived EventType = "PaymentReceived"
	EventConfirmation    EventType = "Confirmation"
	EventOrderPaid       EventType = "OrderPaid"
	EventOrderAnnulled   EventType = "OrderAnnulled"
	EventOrderModified   EventType = "OrderModified"
	EventOrderWrittenOff EventType = "OrderWrittenOff"
)

// Event is one typed engine event. Events are written to the outbox in the
// same transaction as the change they describe, and published to
// subscribers after it commits, exactly once per change.
type Event interface {
	Type() EventType
}

// NewOrderEvent fires when an order is first stored.
type NewOrderEvent struct{ Order Order }

// OrderClaimedEvent fires when a claim links an order to an address.
type OrderClaimedEvent struct {
	Order   Order
	Address string
}

// PaymentReceivedEvent fires when a payment or credit note is first stored.
type PaymentReceivedEvent struct{ Payment Payment }

// ConfirmationEvent fires when a payment becomes Confirmed.
type ConfirmationEvent struct{ Payment Payment }

// OrderPaidEvent fires once per order, when it becomes Paid.
type OrderPaidEvent struct{ Order Order }

// OrderAnnulledEvent fires once per order, when it is cancelled or expires.
// FromStorefront is set when the storefront itself cancelled the order, so no
// cancellation is sent back to it.
type OrderAnnulledEvent struct {
	Order          Order
	FromStorefront bool
}

// OrderModifiedEvent fires when an admin changes an order's field.
type OrderModifiedEvent struct {
	Field string // "memo", "total_price", "customer_id", "status"
	Old   Order
	New   Order
}

func (NewOrderEvent) Type() EventType        { return EventNewOrder }
func (OrderClaimedEvent) Type() EventType    { return EventOrderClaimed }
func (PaymentReceivedEvent) Type() EventType { return EventPaymentReceived }
func (ConfirmationEvent) Type() EventType    { return EventConfirmation }
func (OrderPaidEvent) Type() EventType       { return EventOrderPaid }
func (OrderAnnulledEvent) Type() EventType   { return EventOrderAnnulled }
func (OrderModifiedEvent) Type() EventType   { return EventOrderModified }

// Envelope is a persisted event with its outbox sequence number.
type Envelope struct {
	Seq   int64
	At    time.Time
	Event Event
}
