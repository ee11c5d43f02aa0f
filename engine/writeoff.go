package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tolerance is the underpayment tolerance (TPG_UNDERPAYMENT_TOLERANCE) in
// millionths of an order's total: 1 % is 10 000. An open order is paid
// once its customer's confirmed funds reach its total less what the
// tolerance forgives, and the shortfall is written off (docs/money.md).
type Tolerance int64

// MaxTolerance is 5 %.
const MaxTolerance Tolerance = 50_000

// ParseTolerance reads a percentage such as "0", "1" or "2.5", with at
// most four decimals (a millionth of the total), from 0 to 5.
func ParseTolerance(s string) (Tolerance, error) {
	whole, frac, dot := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || !digits(whole) || dot && (frac == "" || !digits(frac) || len(frac) > 4) || len(whole) > 2 {
		return 0, fmt.Errorf("%q is not a percentage such as 0, 1 or 2.5 (at most 4 decimals)", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	tol := Tolerance(w*10_000 + f)
	if tol > MaxTolerance {
		return 0, fmt.Errorf("%s %% is more than the most allowed, 5 %%", s)
	}
	return tol, nil
}

// String writes the tolerance as a percentage, e.g. "2.5".
func (tol Tolerance) String() string {
	s := strconv.FormatInt(int64(tol)/10_000, 10)
	if f := int64(tol) % 10_000; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	}
	return s
}

// Forgiven is the most of total the tolerance writes off: total × tol / 10⁶
// rounded down, in the customer's disfavour (they pay the µT the rounding
// drops). It splits total so the product cannot overflow.
func (tol Tolerance) Forgiven(total MicroTari) MicroTari {
	if tol <= 0 || total <= 0 {
		return 0
	}
	t, n := int64(tol), int64(total)
	return MicroTari(n/1_000_000*t + n%1_000_000*t/1_000_000)
}

// Due is the least that pays an order of total.
func (tol Tolerance) Due(total MicroTari) MicroTari { return total - tol.Forgiven(total) }

// WriteOff is the shortfall of an order paid within the tolerance: the
// merchant's loss, never a customer's negative balance. The order's
// settlements and its write-off add up to its total.
type WriteOff struct {
	ID        int64
	CreatedAt time.Time
	OrderID   string
	Amount    MicroTari
	// Tolerance is the tolerance that allowed it.
	Tolerance Tolerance
}

// OrderWriteOffs lists the write-offs of an order: none, or the one made
// when it was paid.
func (e *Engine) OrderWriteOffs(ctx context.Context, orderID string) ([]WriteOff, error) {
	var out []WriteOff
	err := e.view(ctx, func(t *txn) error {
		var err error
		out, err = t.WriteOffsByOrders(t.ctx, []string{orderID})
		return err
	})
	return out, err
}

// OrderWrittenOffEvent fires, after OrderPaid, when an order was paid
// short within the tolerance.
type OrderWrittenOffEvent struct {
	Order    Order
	WriteOff WriteOff
}

func (OrderWrittenOffEvent) Type() EventType { return EventOrderWrittenOff }
