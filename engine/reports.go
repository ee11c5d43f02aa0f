package engine

import "time"

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
