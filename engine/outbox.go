package engine

import (
	"context"
	"time"
)

// ClaimSideEffects leases up to limit due pending jobs to this process for
// lease, so two processes never run one job at the same time. Each lease
// counts as an attempt.
func (e *Engine) ClaimSideEffects(ctx context.Context, limit int, lease time.Duration) ([]SideEffect, error) {
	if limit <= 0 {
		limit = 10
	}
	var out []SideEffect
	err := e.update(ctx, func(t *txn) (err error) {
		out, err = t.LeaseSideEffects(t.ctx, e.owner, t.now, limit, t.now.Add(lease))
		return err
	})
	return out, err
}

// CompleteSideEffect marks a job done.
func (e *Engine) CompleteSideEffect(ctx context.Context, id int64) error {
	return e.finishSideEffect(ctx, id, func(se *SideEffect, now time.Time) {
		se.State, se.LastError = SideEffectDone, ""
	})
}

// RetrySideEffect records a failed attempt; the job runs again at retryAt,
// or is left failed when final.
func (e *Engine) RetrySideEffect(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error {
	return e.finishSideEffect(ctx, id, func(se *SideEffect, now time.Time) {
		se.State, se.LastError, se.NextAttemptAt = SideEffectPending, cause, retryAt
		if final {
			se.State = SideEffectFailed
		}
	})
}

func (e *Engine) finishSideEffect(ctx context.Context, id int64, change func(*SideEffect, time.Time)) error {
	return e.update(ctx, func(t *txn) error {
		se, ok, err := t.SideEffect(t.ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, ErrOrderNotFound, "Side effect %d does not exist", id)
		}
		change(&se, t.now)
		se.UpdatedAt = t.now
		return t.UpdateSideEffect(t.ctx, se)
	})
}

// SideEffects lists an order's outbox jobs, for the admin's sync state.
func (e *Engine) SideEffects(ctx context.Context, orderID string) ([]SideEffect, error) {
	var out []SideEffect
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.SideEffectsForOrder(t.ctx, orderID)
		return err
	})
	return out, err
}
