// Package export writes the ledger's CSV exports (docs/money.md) for the
// API and the admin pages alike: RFC 4180 with a header row, one row per
// order, payment or ledger entry, streamed as the database hands the rows
// over.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// Source streams the rows of the exports (engine.Engine).
type Source interface {
	ExportOrders(ctx context.Context, since, until time.Time, fn func(engine.OrderRow) error) error
	ExportPayments(ctx context.Context, since, until time.Time, fn func(engine.PaymentRow) error) error
	ExportLedger(ctx context.Context, since, until time.Time, fn func(engine.LedgerEntry) error) error
}

// Kind names one export; its file is Kind + ".csv".
type Kind string

const (
	Orders   Kind = "orders"
	Payments Kind = "payments"
	Ledger   Kind = "ledger"
)

// Kinds lists the exports in the order the admin offers them.
var Kinds = []Kind{Orders, Payments, Ledger}

// Filename is the download's name.
func (k Kind) Filename() string { return string(k) + ".csv" }

// ContentType is the exports' media type (RFC 4180 §3).
const ContentType = "text/csv; charset=utf-8; header=present"

// Window is the [Since, Until] of an export; a zero bound does not bound.
type Window struct {
	Since, Until time.Time
}

// ParseWindow reads the since and until query values, each an RFC 3339
// date-time or empty.
func ParseWindow(since, until string) (Window, error) {
	var w Window
	for _, b := range []struct {
		name, value string
		into        *time.Time
	}{{"since", since, &w.Since}, {"until", until, &w.Until}} {
		if b.value == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, b.value)
		if err != nil {
			return w, fmt.Errorf("invalid value for `%s`: %q is not an RFC 3339 date-time such as 2024-03-01T00:00:00Z", b.name, b.value)
		}
		*b.into = t.UTC()
	}
	if !w.Since.IsZero() && !w.Until.IsZero() && w.Until.Before(w.Since) {
		return w, errors.New("`until` is before `since`")
	}
	return w, nil
}

var (
	orderHeader = []string{
		"shopify_order_id", "shopify_order_name", "customer_id", "status", "currency", "original_price",
		"rate_ut_per_unit", "total_ut", "total_xtr", "settled_ut", "settled_xtr", "written_off_ut", "written_off_xtr", "paid_by",
		"created_at", "recorded_at", "claimed_at", "updated_at",
	}
	paymentHeader = []string{
		"txid", "type", "status", "sender_address", "amount_ut", "amount_xtr", "memo", "named_order",
		"shopify_order_id", "shopify_order_name", "customer_id", "currency", "rate_ut_per_unit",
		"received_at", "updated_at",
	}
	ledgerHeader = []string{
		"entry", "ref", "at", "address", "amount_ut", "amount_xtr",
		"shopify_order_id", "shopify_order_name", "customer_id", "order_status", "currency", "rate_ut_per_unit",
	}
)

// Write streams one export to w: the header row, then each row as the
// source hands it over. An error after the first row leaves w holding a
// partial file; the caller logs it.
func Write(ctx context.Context, w io.Writer, src Source, kind Kind, win Window) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180 §2
	row := func(cells []string) error {
		for i, c := range cells {
			cells[i] = Escape(c)
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("write %s export: %w", kind, err)
		}
		return nil
	}
	var err error
	switch kind {
	case Orders:
		if err = row(orderHeader); err == nil {
			err = src.ExportOrders(ctx, win.Since, win.Until, func(r engine.OrderRow) error { return row(orderCells(r)) })
		}
	case Payments:
		if err = row(paymentHeader); err == nil {
			err = src.ExportPayments(ctx, win.Since, win.Until, func(r engine.PaymentRow) error { return row(paymentCells(r)) })
		}
	case Ledger:
		if err = row(ledgerHeader); err == nil {
			err = src.ExportLedger(ctx, win.Since, win.Until, func(r engine.LedgerEntry) error { return row(ledgerCells(r)) })
		}
	default:
		return fmt.Errorf("unknown export %q", kind)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s export: %w", kind, err)
	}
	return nil
}

func orderCells(r engine.OrderRow) []string {
	o := r.Order
	return []string{
		o.OrderID, deref(o.AltID), o.CustomerID, string(o.Status), o.Currency, deref(o.OriginalPrice),
		o.ExchangeRate.String(), o.TotalPrice.String(), XTR(o.TotalPrice),
		r.Settled.String(), XTR(r.Settled), r.WrittenOff.String(), XTR(r.WrittenOff), r.PaidBy,
		stamp(o.CreatedAt), stamp(o.RecordedAt), stampPtr(o.ClaimedAt), stamp(o.UpdatedAt),
	}
}

func paymentCells(r engine.PaymentRow) []string {
	p := r.Payment
	o := orderOf(r.Order, r.CustomerID)
	return []string{
		p.TxID, string(p.PaymentType), string(p.Status), p.Sender, p.Amount.String(), XTR(p.Amount),
		deref(p.Memo), deref(p.OrderID), o[0], o[1], o[2], o[4], o[5], stamp(p.CreatedAt), stamp(p.UpdatedAt),
	}
}

func ledgerCells(r engine.LedgerEntry) []string {
	return append([]string{
		string(r.Kind), r.Ref, stamp(r.At), r.Address, r.Amount.String(), XTR(r.Amount),
	}, orderOf(r.Order, r.CustomerID)...)
}

// orderOf is the order columns shared by the payments and ledger exports:
// Shopify id and name, the customer, and the order's status, currency and
// rate; empty but for the customer when the row has no stored order.
func orderOf(o *engine.Order, customerID string) []string {
	if o == nil {
		return []string{"", "", customerID, "", "", ""}
	}
	return []string{o.OrderID, deref(o.AltID), customerID, string(o.Status), o.Currency, o.ExchangeRate.String()}
}

// XTR writes µT as an exact XTR decimal with six places, e.g. 1500000 →
// "1.500000" and -1 → "-0.000001": integer math only.
func XTR(mt engine.MicroTari) string {
	sign, u := "", uint64(mt)
	if mt < 0 {
		sign, u = "-", -u // two's complement: correct for MinInt64 too
	}
	return fmt.Sprintf("%s%d.%06d", sign, u/1_000_000, u%1_000_000)
}

// Escape defuses a cell a spreadsheet would run as a formula: one that
// starts with =, +, -, @, a tab or a carriage return gets a leading ',
// unless it is a plain number (a negative amount stays a number).
func Escape(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) || number(cell) {
		return cell
	}
	return "'" + cell
}

// number reports whether s is -digits or -digits.digits.
func number(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	return digits(whole) && (!dot || digits(frac))
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// stamp writes a time in UTC, RFC 3339 with up to microseconds.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}

func stampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Send answers a request with the export as a download, streamed: each
// row goes to the client as the database hands it over. The status is sent
// before the first row is read, so a failure part way is logged and cuts
// the file short.
func Send(c *fiber.Ctx, src Source, kind Kind, win Window, log *slog.Logger) error {
	c.Set(fiber.HeaderContentType, ContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+kind.Filename()+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx := c.UserContext() // the fiber.Ctx is recycled before the body is written
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := Write(ctx, w, src, kind, win); err != nil {
			log.Error("export: cut short", "export", kind, "err", err)
		}
	})
	return nil
}
