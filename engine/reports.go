package engine

import (
	"context"
	"time"
)

// Dashboard is the admin's overview of money received and orders.
type Dashboard struct {
	// ReceivedToday, ReceivedWeek and ReceivedTotal sum confirmed payments
	// since the start of today (UTC), over the last 7 days, and ever.
	ReceivedToday MicroTari
	ReceivedWeek  MicroTari
	ReceivedTotal MicroTari
	// ByStatus counts and totals the orders in each status.
	ByStatus []StatusCount
	// Latest are the most recent payments, newest first.
	Latest []Payment
	// PerDay sums confirmed payments per UTC day, oldest first, one entry
	// per day of the requested window including empty days.
	PerDay []DayTotal
	// Failures are outbox jobs that failed for good, newest first.
	Failures []SideEffect
	// Waiting counts the orders waiting for an exchange rate, by currency.
	Waiting []WaitingCount
}

// StatusCount is the number and total of the orders in one status.
type StatusCount struct {
	Status OrderStatus
	Count  int
	Total  MicroTari
}

// DayTotal is what was received on one UTC day.
type DayTotal struct {
	Day    time.Time
	Count  int
	Amount MicroTari
}

// ReportTx is what the admin's reports read (db/reports.go); Tx embeds it.
type ReportTx interface {
	// ConfirmedTotal sums confirmed payments confirmed at or after since
	// (zero: ever).
	ConfirmedTotal(ctx context.Context, since time.Time) (MicroTari, error)
	// ConfirmedSince lists payments confirmed at or after since.
	ConfirmedSince(ctx context.Context, since time.Time) ([]Payment, error)
	OrderStatusCounts(ctx context.Context) ([]StatusCount, error)
	LatestPayments(ctx context.Context, limit int) ([]Payment, error)
	FailedSideEffects(ctx context.Context, limit int) ([]SideEffect, error)
	// LatestExchangeRates is the newest rate of each currency.
	LatestExchangeRates(ctx context.Context) ([]ExchangeRate, error)
	// WaitingCounts counts the waiting orders of each currency, by currency.
	WaitingCounts(ctx context.Context) ([]WaitingCount, error)
}

const (
	day           = 24 * time.Hour
	latestPayment = 10
	latestFailure = 20
)

// Dashboard sums what was received today, over the last 7 days and ever,
// and per UTC day over the last days (at least 7).
func (e *Engine) Dashboard(ctx context.Context, days int) (Dashboard, error) {
	days = max(days, 7)
	var d Dashboard
	err := e.view(ctx, func(t *txn) error {
		today := t.now.Truncate(day)
		start := today.AddDate(0, 0, -(days - 1))
		recent, err := t.ConfirmedSince(t.ctx, start)
		if err != nil {
			return err
		}
		d.PerDay = make([]DayTotal, days)
		for i := range d.PerDay {
			d.PerDay[i].Day = start.AddDate(0, 0, i)
		}
		for _, p := range recent {
			i := int(p.UpdatedAt.UTC().Sub(start) / day)
			if i < 0 || i >= days {
				continue
			}
			d.PerDay[i].Count++
			d.PerDay[i].Amount += p.Amount
		}
		for _, dt := range d.PerDay[days-7:] {
			d.ReceivedWeek += dt.Amount
		}
		d.ReceivedToday = d.PerDay[days-1].Amount
		if d.ReceivedTotal, err = t.ConfirmedTotal(t.ctx, time.Time{}); err != nil {
			return err
		}
		if d.ByStatus, err = t.OrderStatusCounts(t.ctx); err != nil {
			return err
		}
		if d.Latest, err = t.LatestPayments(t.ctx, latestPayment); err != nil {
			return err
		}
		if d.Failures, err = t.FailedSideEffects(t.ctx, latestFailure); err != nil {
			return err
		}
		d.Waiting, err = t.WaitingCounts(t.ctx)
		return err
	})
	return d, err
}

// ExchangeRates is the current rate of every currency that has one.
func (e *Engine) ExchangeRates(ctx context.Context) ([]ExchangeRate, error) {
	var out []ExchangeRate
	err := e.view(ctx, func(t *txn) error {
		var err error
		out, err = t.LatestExchangeRates(t.ctx)
		return err
	})
	return out, err
}
