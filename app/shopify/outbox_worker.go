package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"taripay/app/shopify/adminapi"
	"taripay/engine"
)

// Outbox is the engine's persisted queue of storefront side effects.
type Outbox interface {
	ClaimSideEffects(ctx context.Context, limit int, lease time.Duration) ([]engine.SideEffect, error)
	CompleteSideEffect(ctx context.Context, id int64) error
	RetrySideEffect(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error
}

// OrderAdmin is the part of the Admin API that performs side effects.
type OrderAdmin interface {
	Order(ctx context.Context, orderID string) (adminapi.LiveOrder, error)
	MarkAsPaid(ctx context.Context, orderID string) error
	Capture(ctx context.Context, orderID string, auth adminapi.LiveTransaction) error
	Cancel(ctx context.Context, orderID string, restock bool, note string) error
	SetPayLink(ctx context.Context, orderID, payURL string) error
	// Part payments (part_payment.go).
	PartPaymentOrder(ctx context.Context, orderID string) (adminapi.PartOrder, error)
	CreateManualPayment(ctx context.Context, orderID string, amount adminapi.MoneyV2, method string) error
	RecordReceived(ctx context.Context, orderID string, received adminapi.MoneyV2, note string) error
}

// ClaimTokens finds the token of an order's pay page, /pay/{token}, whether
// the order is priced or waits for its exchange rate.
type ClaimTokens interface {
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	WaitingOrder(ctx context.Context, orderID string) (engine.WaitingOrder, error)
	// PaymentsForOrder lists a page of the payments that name an order,
	// which a part-payment job shows (part_payment.go).
	PaymentsForOrder(ctx context.Context, orderID string, p engine.Page) ([]engine.Payment, error)
}

// CaptureLog records which card authorisations have been captured.
type CaptureLog interface {
	MarkCaptured(ctx context.Context, txID string, at time.Time) error
}

// WorkerConfig tunes the outbox worker; zero fields take the defaults.
type WorkerConfig struct {
	CapturePayments bool
	Restock         bool
	PaymentMethod   PaymentMethod // the Tari gateway's name (DefaultPaymentMethod)
	// PublicURL is the server's public origin (TPG_PUBLIC_URL), which pay
	// links start with; without it the pay-link jobs finish without writing
	// one, and Run warns once that they do.
	PublicURL   string
	Batch       int           // jobs leased per pass (10)
	Lease       time.Duration // how long a leased job is ours (2m)
	Poll        time.Duration // idle wait between passes (2s)
	BaseBackoff time.Duration // first retry delay, doubled per attempt (5s)
	MaxBackoff  time.Duration // retry delay cap (30m)
	MaxAttempts int           // failures before a job is left failed (25)
}

func (c *WorkerConfig) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.Lease, 2*time.Minute)
	set(&c.Poll, 2*time.Second)
	set(&c.BaseBackoff, 5*time.Second)
	set(&c.MaxBackoff, 30*time.Minute)
	if c.Batch == 0 {
		c.Batch = 10
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 25
	}
	if c.PaymentMethod == "" {
		c.PaymentMethod = DefaultPaymentMethod
	}
}

// Worker performs the outbox's mark-paid, cancel, pay-link and part-payment jobs against Shopify.
// Each job re-reads the live order first and acts only if the effect is still
// missing, so a job repeated after a crash or a lost reply acts once.
type Worker struct {
	cfg    WorkerConfig
	outbox Outbox
	orders ClaimTokens
	admin  OrderAdmin // nil: Shopify is not configured
	auths  CaptureLog
	now    func() time.Time
	log    *slog.Logger
	wake   chan struct{}
}

// NewWorker builds the outbox worker. With a nil admin it only logs that
// side effects are skipped, and leaves them pending for when Shopify is set up.
func NewWorker(cfg WorkerConfig, outbox Outbox, orders ClaimTokens, admin OrderAdmin, auths CaptureLog, now func() time.Time, log *slog.Logger) *Worker {
	cfg.defaults()
	return &Worker{cfg: cfg, outbox: outbox, orders: orders, admin: admin, auths: auths, now: now, log: log, wake: make(chan struct{}, 1)}
}

// Notify is an engine subscriber: it wakes the worker when a side effect
// has just been queued, so it reaches Shopify in moments rather than a poll.
func (w *Worker) Notify(_ context.Context, env engine.Envelope) {
	var orderID string
	switch e := env.Event.(type) {
	case engine.OrderPaidEvent:
		orderID = e.Order.OrderID
	case engine.OrderAnnulledEvent:
		if e.FromStorefront {
			return
		}
		orderID = e.Order.OrderID
	default:
		return
	}
	if w.admin == nil {
		w.log.Info("shopify side effect skipped: Shopify is not configured", "event", env.Event.Type(), "order_id", orderID)
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works the outbox until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	if w.admin == nil {
		w.log.Warn("shopify outbox idle: Shopify is not configured; side effects stay pending")
		<-ctx.Done()
		return nil
	}
	if w.cfg.PublicURL == "" {
		w.log.Warn("shopify pay links skipped: TPG_PUBLIC_URL is not set, so no order gets its taripay.pay_url metafield")
	}
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("shopify outbox pass failed", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-time.After(w.cfg.Poll):
		}
	}
}

// RunOnce leases due jobs and performs them; it returns how many it leased.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	jobs, err := w.outbox.ClaimSideEffects(ctx, w.cfg.Batch, w.cfg.Lease)
	if err != nil {
		return 0, fmt.Errorf("claim side effects: %w", err)
	}
	for _, job := range jobs {
		if err := w.perform(ctx, job); err != nil {
			return len(jobs), err
		}
	}
	return len(jobs), nil
}

// perform runs one job and records its outcome; only a failure to record
// is returned.
func (w *Worker) perform(ctx context.Context, job engine.SideEffect) error {
	log := w.log.With("job", job.ID, "kind", job.Kind, "order_id", job.OrderID, "attempt", job.Attempts+1)
	callCtx, cancel := context.WithTimeout(ctx, w.cfg.Lease/2)
	defer cancel()
	var err error
	switch job.Kind {
	case engine.SideEffectMarkPaid:
		err = w.markPaid(callCtx, job.OrderID, log)
	case engine.SideEffectCancel:
		err = w.cancel(callCtx, job.OrderID, log)
	case engine.SideEffectPayLink:
		err = w.payLink(callCtx, job.OrderID, log)
	case engine.SideEffectPartPayment:
		err = w.partPayment(callCtx, job, log)
	default:
		err = permanent(fmt.Errorf("unknown side effect %q", job.Kind))
	}
	if err == nil {
		if err := w.outbox.CompleteSideEffect(ctx, job.ID); err != nil {
			return fmt.Errorf("complete side effect %d: %w", job.ID, err)
		}
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease lapses and the job runs again
	}
	final := !retryable(err) || job.Attempts+1 >= w.cfg.MaxAttempts
	retryAt := w.now().Add(retryDelay(w.cfg.BaseBackoff, w.cfg.MaxBackoff, job.Attempts, err))
	if final {
		log.Error("shopify side effect failed", "err", err)
	} else {
		log.Warn("shopify side effect will be retried", "err", err, "retry_at", retryAt)
	}
	if err := w.outbox.RetrySideEffect(ctx, job.ID, retryAt, err.Error(), final); err != nil {
		return fmt.Errorf("record side effect %d failure: %w", job.ID, err)
	}
	return nil
}

// retryDelay is the wait before retrying work that has failed attempts+1
// times: base doubled per earlier attempt, capped at ceiling, and never
// sooner than Shopify's Retry-After. The outbox and the webhook inbox both
// back off by it.
func retryDelay(base, ceiling time.Duration, attempts int, err error) time.Duration {
	d := base << min(attempts, 30)
	if d <= 0 || d > ceiling {
		d = ceiling
	}
	var ce *adminapi.CallError
	if errors.As(err, &ce) && ce.RetryAfter > d {
		d = ce.RetryAfter
	}
	return d
}

func (w *Worker) markPaid(ctx context.Context, orderID string, log *slog.Logger) error {
	live, err := w.admin.Order(ctx, orderID)
	if err != nil {
		return err
	}
	if live.Cancelled {
		return permanent(fmt.Errorf("order %s is cancelled in Shopify but paid in Tari: refund or reinstate it by hand", orderID))
	}
	if w.cfg.CapturePayments {
		captured, err := w.capture(ctx, live, log)
		if err != nil {
			return err
		}
		if captured {
			if live, err = w.admin.Order(ctx, orderID); err != nil {
				return err
			}
		}
	}
	if live.FinancialStatus == "PAID" || !live.CanMarkAsPaid {
		log.Info("shopify order already paid; nothing to mark", "financial_status", live.FinancialStatus)
		return nil
	}
	if err := w.admin.MarkAsPaid(ctx, orderID); err != nil {
		return err
	}
	log.Info("shopify order marked paid")
	return nil
}

// capture captures the order's live, still-capturable card authorisations:
// the fiat part (shipping, say) paid by card beside the Tari part. Shopify's
// own list is the truth; the order_transactions/create rows only record it.
func (w *Worker) capture(ctx context.Context, live adminapi.LiveOrder, log *slog.Logger) (bool, error) {
	captured := false
	for _, t := range live.Transactions {
		if t.Kind != "AUTHORIZATION" || t.Status != "SUCCESS" || !t.ManuallyCapturable {
			continue
		}
		if err := w.admin.Capture(ctx, live.ID, t); err != nil {
			return captured, err
		}
		captured = true
		log.Info("shopify authorisation captured", "txid", t.ID, "amount", t.Amount.Amount, "currency", t.Amount.CurrencyCode)
		if err := w.auths.MarkCaptured(ctx, t.ID, w.now()); err != nil {
			log.Error("record capture", "txid", t.ID, "err", err)
		}
	}
	return captured, nil
}

func (w *Worker) cancel(ctx context.Context, orderID string, log *slog.Logger) error {
	live, err := w.admin.Order(ctx, orderID)
	if err != nil {
		return err
	}
	if live.Cancelled {
		log.Info("shopify order already cancelled")
		return nil
	}
	if err := w.cancellable(live); err != nil {
		return permanent(fmt.Errorf("not cancelling order %s in Shopify: %w", orderID, err))
	}
	note := fmt.Sprintf("Tari payment window closed (order %s)", orderID)
	if err := w.admin.Cancel(ctx, orderID, w.cfg.Restock, note); err != nil {
		return err
	}
	log.Info("shopify order cancelled", "restock", w.cfg.Restock)
	return nil
}

// payLink writes the order's pay link into its taripay.pay_url metafield.
// The value never changes, so a repeat after a lost reply writes the same.
func (w *Worker) payLink(ctx context.Context, orderID string, log *slog.Logger) error {
	if w.cfg.PublicURL == "" { // Run has warned once; a failure per order would only bury real ones
		log.Debug("shopify order pay link skipped: TPG_PUBLIC_URL is not set")
		return nil
	}
	token, open, err := w.claimToken(ctx, orderID)
	if err != nil {
		return err
	}
	if !open {
		log.Info("shopify order pay link not written: the order is closed, nothing is left to pay")
		return nil
	}
	payURL := strings.TrimSuffix(w.cfg.PublicURL, "/") + "/pay/" + token
	if err := w.admin.SetPayLink(ctx, orderID, payURL); err != nil {
		return err
	}
	log.Info("shopify order pay link written")
	return nil
}

// claimToken is the pay-page token of an order, priced or waiting, and
// whether it is still open.
func (w *Worker) claimToken(ctx context.Context, orderID string) (token string, open bool, err error) {
	o, err := w.orders.Order(ctx, orderID, false)
	if !errors.Is(err, engine.ErrOrderNotFound) {
		return o.ClaimToken, o.Status.Open(), err
	}
	wo, err := w.orders.WaitingOrder(ctx, orderID)
	if errors.Is(err, engine.ErrOrderNotFound) {
		return "", false, permanent(fmt.Errorf("order %s is not stored, so it has no pay link", orderID))
	}
	return wo.ClaimToken, true, err
}

// cancellable says why a live order must not be cancelled in Shopify, or
// nil: only a Tari order still waiting for its payment, with no other
// gateway, may be. Any other money on the order (a card authorised or
// captured, a part paid, a refund, another method still pending) is the
// merchant's to handle, whatever expired in taripay.
func (w *Worker) cancellable(live adminapi.LiveOrder) error {
	m := w.cfg.PaymentMethod
	if !m.In(live.Gateways) {
		return fmt.Errorf("it is not paid with %s (payment gateways: %s)", m, gatewayList(live.Gateways))
	}
	if live.FinancialStatus != "PENDING" {
		return fmt.Errorf("its financial status is %s", live.FinancialStatus)
	}
	for _, g := range live.Gateways {
		if !m.Is(g) {
			return fmt.Errorf("it is pending with another payment gateway too (payment gateways: %s)", gatewayList(live.Gateways))
		}
	}
	return nil
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func permanent(err error) error { return permanentError{err} }

// retryable reports whether failed work should be tried again: Shopify
// outages, throttling, network failures and storage outages are; refusals
// and bad payloads are not.
func retryable(err error) bool {
	var pe permanentError
	if errors.As(err, &pe) {
		return false
	}
	var ce *adminapi.CallError
	if errors.As(err, &ce) {
		return ce.Temporary
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return ee.Code == engine.EINTERNAL
	}
	return true
}
