package api

import (
	"strings"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// Wire shapes of the reference (docs/api.md, "Reply shapes"). Field order is the JSON key
// order, and every Option is present, as null when empty.

// Time is a timestamp as chrono writes it by default: RFC 3339 in UTC with
// "Z", and fractional seconds only when non-zero, as 3, 6 or 9 digits.
type Time time.Time

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + formatTime(time.Time(t), "Z") + `"`), nil
}

// OffsetTime is a timestamp written with "+00:00" instead of "Z", as the
// reference writes ExchangeRateResult.updated_at.
type OffsetTime time.Time

func (t OffsetTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + formatTime(time.Time(t), "+00:00") + `"`), nil
}

func formatTime(t time.Time, zone string) string {
	t = t.UTC()
	layout := "2006-01-02T15:04:05"
	switch ns := t.Nanosecond(); {
	case ns == 0:
	case ns%1_000_000 == 0:
		layout += ".000"
	case ns%1_000 == 0:
		layout += ".000000"
	default:
		layout += ".000000000"
	}
	return t.Format(layout) + zone
}

type Order struct {
	ID                int64              `json:"id"`
	OrderID           string             `json:"order_id"`
	AltID             *string            `json:"alt_id"`
	CustomerID        string             `json:"customer_id"`
	Memo              *string            `json:"memo"`
	TotalPrice        int64              `json:"total_price"`
	OriginalPrice     *string            `json:"original_price"`
	Currency          string             `json:"currency"`
	CreatedAt         Time               `json:"created_at"`
	UpdatedAt         Time               `json:"updated_at"`
	Status            engine.OrderStatus `json:"status"`
	AmountOutstanding *string            `json:"amount_outstanding"`
}

func newOrder(o engine.Order) Order {
	return Order{
		ID:                o.ID,
		OrderID:           o.OrderID,
		AltID:             o.AltID,
		CustomerID:        o.CustomerID,
		Memo:              o.Memo,
		TotalPrice:        int64(o.TotalPrice),
		OriginalPrice:     o.OriginalPrice,
		Currency:          o.Currency,
		CreatedAt:         Time(o.CreatedAt),
		UpdatedAt:         Time(o.UpdatedAt),
		Status:            o.Status,
		AmountOutstanding: o.AmountOutstanding,
	}
}

func newOrders(os []engine.Order) []Order {
	out := make([]Order, len(os))
	for i, o := range os {
		out[i] = newOrder(o)
	}
	return out
}

type Payment struct {
	TxID        string  `json:"txid"`
	CreatedAt   Time    `json:"created_at"`
	UpdatedAt   Time    `json:"updated_at"`
	Sender      string  `json:"sender"`
	Amount      int64   `json:"amount"`
	Memo        *string `json:"memo"`
	PaymentType string  `json:"payment_type"`
	Status      string  `json:"status"`
	OrderID     *string `json:"order_id"`
}

func newPayment(p engine.Payment) Payment {
	return Payment{
		TxID:        p.TxID,
		CreatedAt:   Time(p.CreatedAt),
		UpdatedAt:   Time(p.UpdatedAt),
		Sender:      p.Sender,
		Amount:      int64(p.Amount),
		Memo:        p.Memo,
		PaymentType: snake(string(p.PaymentType)),
		Status:      snake(string(p.Status)),
		OrderID:     p.OrderID,
	}
}

func newPayments(ps []engine.Payment) []Payment {
	out := make([]Payment, len(ps))
	for i, p := range ps {
		out[i] = newPayment(p)
	}
	return out
}

// snake turns the engine's PascalCase payment and settlement enums into the
// wire's snake_case (OnChain → on_chain).
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

type Settlement struct {
	ID             int64  `json:"id"`
	CreatedAt      Time   `json:"created_at"`
	OrderID        string `json:"order_id"`
	PaymentAddress string `json:"payment_address"`
	SettlementType string `json:"settlement_type"`
	Amount         int64  `json:"amount"`
}

func newSettlements(ss []engine.Settlement) []Settlement {
	out := make([]Settlement, len(ss))
	for i, s := range ss {
		out[i] = Settlement{
			ID:             s.ID,
			CreatedAt:      Time(s.CreatedAt),
			OrderID:        s.OrderID,
			PaymentAddress: s.PaymentAddress,
			SettlementType: snake(string(s.SettlementType)),
			Amount:         int64(s.Amount),
		}
	}
	return out
}

type AddressBalance struct {
	Address        string `json:"address"`
	TotalConfirmed int64  `json:"total_confirmed"`
	TotalPaid      int64  `json:"total_paid"`
	CurrentBalance int64  `json:"current_balance"`
	LastUpdate     Time   `json:"last_update"`
}

func newAddressBalance(b engine.AddressBalance) AddressBalance {
	return AddressBalance{
		Address:        b.Address,
		TotalConfirmed: int64(b.TotalConfirmed),
		TotalPaid:      int64(b.TotalPaid),
		CurrentBalance: int64(b.CurrentBalance),
		LastUpdate:     Time(b.LastUpdate),
	}
}

type CustomerBalance struct {
	TotalConfirmed int64            `json:"total_confirmed"`
	TotalPaid      int64            `json:"total_paid"`
	CurrentBalance int64            `json:"current_balance"`
	Addresses      []AddressBalance `json:"addresses"`
}

type CustomerOrderBalance struct {
	CustomerID     string `json:"customer_id"`
	TotalCurrent   int64  `json:"total_current"`
	TotalPaid      int64  `json:"total_paid"`
	TotalExpired   int64  `json:"total_expired"`
	TotalCancelled int64  `json:"total_cancelled"`
}

type AddressHistory struct {
	Address     string         `json:"address"`
	Balance     AddressBalance `json:"balance"`
	Orders      []Order        `json:"orders"`
	Payments    []Payment      `json:"payments"`
	Settlements []Settlement   `json:"settlements"`
}

type CustomerHistory struct {
	CustomerID   string               `json:"customer_id"`
	Balance      CustomerBalance      `json:"balance"`
	OrderBalance CustomerOrderBalance `json:"order_balance"`
	Orders       []Order              `json:"orders"`
	Settlements  []Settlement         `json:"settlements"`
}

func newCustomerHistory(h engine.CustomerHistory) CustomerHistory {
	addrs := make([]AddressBalance, len(h.Balance.Addresses))
	for i, a := range h.Balance.Addresses {
		addrs[i] = newAddressBalance(a)
	}
	ob := h.OrderBalance
	return CustomerHistory{
		CustomerID: h.CustomerID,
		Balance: CustomerBalance{
			TotalConfirmed: int64(h.Balance.TotalConfirmed),
			TotalPaid:      int64(h.Balance.TotalPaid),
			CurrentBalance: int64(h.Balance.CurrentBalance),
			Addresses:      addrs,
		},
		OrderBalance: CustomerOrderBalance{
			CustomerID:     ob.CustomerID,
			TotalCurrent:   int64(ob.TotalCurrent),
			TotalPaid:      int64(ob.TotalPaid),
			TotalExpired:   int64(ob.TotalExpired),
			TotalCancelled: int64(ob.TotalCancelled),
		},
		Orders:      newOrders(h.Orders),
		Settlements: newSettlements(h.Settlements),
	}
}

type OrderResult struct {
	Address     string  `json:"address"`
	TotalOrders int64   `json:"total_orders"`
	Orders      []Order `json:"orders"`
}

type PaymentsResult struct {
	Address       string    `json:"address"`
	TotalPayments int64     `json:"total_payments"`
	Payments      []Payment `json:"payments"`
}

type MultiAccountPayment struct {
	OrdersPaid  []Order      `json:"orders_paid"`
	Settlements []Settlement `json:"settlements"`
}

func newMultiAccountPayment(m engine.MultiAccountPayment) MultiAccountPayment {
	return MultiAccountPayment{OrdersPaid: newOrders(m.OrdersPaid), Settlements: newSettlements(m.Settlements)}
}

type OrderChanged struct {
	OldOrder Order `json:"old_order"`
	NewOrder Order `json:"new_order"`
}

type OrderMovedResult struct {
	Orders      OrderChanged `json:"orders"`
	Settlements []Settlement `json:"settlements"`
}

// ClaimedOrder answers /order/claim; send_to is the address object, not base58.
type ClaimedOrder struct {
	OrderID    string             `json:"order_id"`
	TotalPrice int64              `json:"total_price"`
	ExpiresAt  Time               `json:"expires_at"`
	Status     engine.OrderStatus `json:"status"`
	SendTo     tari.Address       `json:"send_to"`
}

type WalletInfo struct {
	Address   string `json:"address"`
	IPAddress string `json:"ip_address"`
	LastNonce int64  `json:"last_nonce"`
}

type CustomerOrders struct {
	CustomerID  string             `json:"customer_id"`
	Status      engine.OrderStatus `json:"status"`
	TotalOrders int64              `json:"total_orders"`
}

type ExchangeRateResult struct {
	Currency  string     `json:"currency"`
	Rate      int64      `json:"rate"`
	UpdatedAt OffsetTime `json:"updated_at"`
}

// JSONResponse is the reference's JsonResponse, the answer to every
// authenticated wallet notification.
type JSONResponse struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}
