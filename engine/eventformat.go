package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// eventSchemaVersion is the version of the stored event payloads
// (docs/engine.md, "The stored event format"). Every payload carries it as
// "v"; a change to the format is a new version and a migration.
const eventSchemaVersion = 1

// The structs below are the stored format of the events, version 1: the
// events table holds their JSON. They are separate from the engine's types
// so that renaming a Go field changes no stored byte; the golden files in
// engine/testdata/events_v1/ pin every key.

type orderV1 struct {
	ID                int64      `json:"id"`
	OrderID           string     `json:"order_id"`
	AltID             *string    `json:"alt_id"`
	CustomerID        string     `json:"customer_id"`
	Memo              *string    `json:"memo"` // personal: forget clears it
	TotalPrice        int64      `json:"total_price"`
	OriginalPrice     *string    `json:"original_price"`
	Currency          string     `json:"currency"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	Status            string     `json:"status"`
	AmountOutstanding *string    `json:"amount_outstanding"`
	ExchangeRate      int64      `json:"exchange_rate"`
	RecordedAt        time.Time  `json:"recorded_at"`
	ClaimedAt         *time.Time `json:"claimed_at"`
	ClaimToken        string     `json:"claim_token"`
	CheckoutToken     string     `json:"checkout_token"`
}

type paymentV1 struct {
	TxID        string    `json:"tx_id"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Sender      string    `json:"sender"`
	Amount      int64     `json:"amount"`
	Memo        *string   `json:"memo"` // personal when OrderID is the customer's: forget clears it
	PaymentType string    `json:"payment_type"`
	Status      string    `json:"status"`
	OrderID     *string   `json:"order_id"`
}

type refundV1 struct {
	ID         int64      `json:"id"`
	RefundID   string     `json:"refund_id"`
	OrderID    string     `json:"order_id"`
	CustomerID string     `json:"customer_id"`
	Address    string     `json:"address"`
	Amount     int64      `json:"amount"`
	ShopAmount string     `json:"shop_amount"`
	Currency   string     `json:"currency"`
	Status     string     `json:"status"`
	TxID       *string    `json:"tx_id"`
	CreatedAt  time.Time  `json:"created_at"`
	ClosedAt   *time.Time `json:"closed_at"`
}

type writeOffV1 struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	OrderID   string    `json:"order_id"`
	Amount    int64     `json:"amount"`
	Tolerance int64     `json:"tolerance"`
}

type orderPayloadV1 struct {
	V     int     `json:"v"`
	Order orderV1 `json:"order"`
}

type claimedPayloadV1 struct {
	V       int     `json:"v"`
	Order   orderV1 `json:"order"`
	Address string  `json:"address"`
}

type paymentPayloadV1 struct {
	V       int       `json:"v"`
	Payment paymentV1 `json:"payment"`
}

type annulledPayloadV1 struct {
	V              int     `json:"v"`
	Order          orderV1 `json:"order"`
	FromStorefront bool    `json:"from_storefront"`
}

type modifiedPayloadV1 struct {
	V     int     `json:"v"`
	Field string  `json:"field"`
	Old   orderV1 `json:"old"`
	New   orderV1 `json:"new"`
}

type writtenOffPayloadV1 struct {
	V        int        `json:"v"`
	Order    orderV1    `json:"order"`
	WriteOff writeOffV1 `json:"write_off"`
}

type refundPayloadV1 struct {
	V      int      `json:"v"`
	Refund refundV1 `json:"refund"`
}

// payload is the stored form of one event. forget declares what in it is
// a customer's personal data: it clears that data of the given orders and
// reports whether anything changed (engine/redact.go).
type payload interface {
	version() int
	event(EventType) Event
	forget(orderIDs []string) bool
}

// payloadOf returns the stored form of ev.
func payloadOf(ev Event) (payload, error) {
	v := eventSchemaVersion
	switch ev := ev.(type) {
	case NewOrderEvent:
		return &orderPayloadV1{V: v, Order: orderToV1(ev.Order)}, nil
	case OrderPaidEvent:
		return &orderPayloadV1{V: v, Order: orderToV1(ev.Order)}, nil
	case OrderClaimedEvent:
		return &claimedPayloadV1{V: v, Order: orderToV1(ev.Order), Address: ev.Address}, nil
	case PaymentReceivedEvent:
		return &paymentPayloadV1{V: v, Payment: paymentToV1(ev.Payment)}, nil
	case ConfirmationEvent:
		return &paymentPayloadV1{V: v, Payment: paymentToV1(ev.Payment)}, nil
	case OrderAnnulledEvent:
		return &annulledPayloadV1{V: v, Order: orderToV1(ev.Order), FromStorefront: ev.FromStorefront}, nil
	case OrderModifiedEvent:
		return &modifiedPayloadV1{V: v, Field: ev.Field, Old: orderToV1(ev.Old), New: orderToV1(ev.New)}, nil
	case OrderWrittenOffEvent:
		return &writtenOffPayloadV1{V: v, Order: orderToV1(ev.Order), WriteOff: writeOffToV1(ev.WriteOff)}, nil
	case RefundEvent:
		return &refundPayloadV1{V: v, Refund: refundToV1(ev.Refund)}, nil
	}
	return nil, fmt.Errorf("event %s has no stored format", ev.Type())
}

// emptyPayload returns the stored form to decode an event of type typ into.
func emptyPayload(typ EventType) (payload, error) {
	switch typ {
	case EventNewOrder, EventOrderPaid:
		return &orderPayloadV1{}, nil
	case EventOrderClaimed:
		return &claimedPayloadV1{}, nil
	case EventPaymentReceived, EventConfirmation:
		return &paymentPayloadV1{}, nil
	case EventOrderAnnulled:
		return &annulledPayloadV1{}, nil
	case EventOrderModified:
		return &modifiedPayloadV1{}, nil
	case EventOrderWrittenOff:
		return &writtenOffPayloadV1{}, nil
	case EventRefund:
		return &refundPayloadV1{}, nil
	}
	return nil, fmt.Errorf("unknown event type %q", typ)
}

// EncodeEvent returns the stored payload of ev.
func EncodeEvent(ev Event) ([]byte, error) {
	p, err := payloadOf(ev)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", ev.Type(), err)
	}
	return b, nil
}

// decodePayload reads a stored payload of type typ. It refuses an unknown
// key, so that nothing stored is dropped unnoticed, and a payload of
// another schema version.
func decodePayload(typ EventType, b []byte) (payload, error) {
	p, err := emptyPayload(typ)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("decode %s event: %w", typ, err)
	}
	if p.version() != eventSchemaVersion {
		return nil, fmt.Errorf("decode %s event: schema version %d, want %d", typ, p.version(), eventSchemaVersion)
	}
	return p, nil
}

// DecodeEvent reads a stored payload of type typ back into its event.
func DecodeEvent(typ EventType, b []byte) (Event, error) {
	p, err := decodePayload(typ, b)
	if err != nil {
		return nil, err
	}
	return p.event(typ), nil
}

func (p *orderPayloadV1) version() int      { return p.V }
func (p *claimedPayloadV1) version() int    { return p.V }
func (p *paymentPayloadV1) version() int    { return p.V }
func (p *annulledPayloadV1) version() int   { return p.V }
func (p *modifiedPayloadV1) version() int   { return p.V }
func (p *writtenOffPayloadV1) version() int { return p.V }
func (p *refundPayloadV1) version() int     { return p.V }

func (p *orderPayloadV1) event(typ EventType) Event {
	if typ == EventOrderPaid {
		return OrderPaidEvent{Order: p.Order.order()}
	}
	return NewOrderEvent{Order: p.Order.order()}
}

func (p *claimedPayloadV1) event(EventType) Event {
	return OrderClaimedEvent{Order: p.Order.order(), Address: p.Address}
}

func (p *paymentPayloadV1) event(typ EventType) Event {
	if typ == EventConfirmation {
		return ConfirmationEvent{Payment: p.Payment.payment()}
	}
	return PaymentReceivedEvent{Payment: p.Payment.payment()}
}

func (p *annulledPayloadV1) event(EventType) Event {
	return OrderAnnulledEvent{Order: p.Order.order(), FromStorefront: p.FromStorefront}
}

func (p *modifiedPayloadV1) event(EventType) Event {
	return OrderModifiedEvent{Field: p.Field, Old: p.Old.order(), New: p.New.order()}
}

func (p *writtenOffPayloadV1) event(EventType) Event {
	w := p.WriteOff
	return OrderWrittenOffEvent{Order: p.Order.order(), WriteOff: WriteOff{
		ID: w.ID, CreatedAt: w.CreatedAt, OrderID: w.OrderID, Amount: MicroTari(w.Amount), Tolerance: Tolerance(w.Tolerance),
	}}
}

func (p *refundPayloadV1) event(EventType) Event {
	r := p.Refund
	return RefundEvent{Refund: Refund{
		ID: r.ID, RefundID: r.RefundID, OrderID: r.OrderID, CustomerID: r.CustomerID, Address: r.Address,
		Amount: MicroTari(r.Amount), ShopAmount: r.ShopAmount, Currency: r.Currency, Status: RefundStatus(r.Status),
		TxID: r.TxID, CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt,
	}}
}

// The personal data in the events is the notes of orders and of the
// payments that name them; a refund and a write-off carry none.

func (p *orderPayloadV1) forget(ids []string) bool   { return p.Order.forget(ids) }
func (p *claimedPayloadV1) forget(ids []string) bool { return p.Order.forget(ids) }
func (p *paymentPayloadV1) forget(ids []string) bool { return p.Payment.forget(ids) }
func (p *annulledPayloadV1) forget(ids []string) bool {
	return p.Order.forget(ids)
}
func (p *modifiedPayloadV1) forget(ids []string) bool {
	old := p.Old.forget(ids)
	return p.New.forget(ids) || old
}
func (p *writtenOffPayloadV1) forget(ids []string) bool { return p.Order.forget(ids) }
func (p *refundPayloadV1) forget([]string) bool         { return false }

func (o *orderV1) forget(ids []string) bool {
	if o.Memo == nil || !slices.Contains(ids, o.OrderID) {
		return false
	}
	o.Memo = nil
	return true
}

func (p *paymentV1) forget(ids []string) bool {
	if p.Memo == nil || p.OrderID == nil || !slices.Contains(ids, *p.OrderID) {
		return false
	}
	p.Memo = nil
	return true
}

func orderToV1(o Order) orderV1 {
	return orderV1{
		ID: o.ID, OrderID: o.OrderID, AltID: o.AltID, CustomerID: o.CustomerID, Memo: o.Memo,
		TotalPrice: int64(o.TotalPrice), OriginalPrice: o.OriginalPrice, Currency: o.Currency,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Status: string(o.Status), AmountOutstanding: o.AmountOutstanding,
		ExchangeRate: int64(o.ExchangeRate), RecordedAt: o.RecordedAt, ClaimedAt: o.ClaimedAt,
		ClaimToken: o.ClaimToken, CheckoutToken: o.CheckoutToken,
	}
}

func (o orderV1) order() Order {
	return Order{
		ID: o.ID, OrderID: o.OrderID, AltID: o.AltID, CustomerID: o.CustomerID, Memo: o.Memo,
		TotalPrice: MicroTari(o.TotalPrice), OriginalPrice: o.OriginalPrice, Currency: o.Currency,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Status: OrderStatus(o.Status), AmountOutstanding: o.AmountOutstanding,
		ExchangeRate: MicroTari(o.ExchangeRate), RecordedAt: o.RecordedAt, ClaimedAt: o.ClaimedAt,
		ClaimToken: o.ClaimToken, CheckoutToken: o.CheckoutToken,
	}
}

func paymentToV1(p Payment) paymentV1 {
	return paymentV1{
		TxID: p.TxID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Sender: p.Sender, Amount: int64(p.Amount),
		Memo: p.Memo, PaymentType: string(p.PaymentType), Status: string(p.Status), OrderID: p.OrderID,
	}
}

func (p paymentV1) payment() Payment {
	return Payment{
		TxID: p.TxID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Sender: p.Sender, Amount: MicroTari(p.Amount),
		Memo: p.Memo, PaymentType: PaymentType(p.PaymentType), Status: PaymentStatus(p.Status), OrderID: p.OrderID,
	}
}

func writeOffToV1(w WriteOff) writeOffV1 {
	return writeOffV1{ID: w.ID, CreatedAt: w.CreatedAt, OrderID: w.OrderID, Amount: int64(w.Amount), Tolerance: int64(w.Tolerance)}
}

func refundToV1(r Refund) refundV1 {
	return refundV1{
		ID: r.ID, RefundID: r.RefundID, OrderID: r.OrderID, CustomerID: r.CustomerID, Address: r.Address,
		Amount: int64(r.Amount), ShopAmount: r.ShopAmount, Currency: r.Currency, Status: string(r.Status),
		TxID: r.TxID, CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt,
	}
}
