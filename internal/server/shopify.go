package server

import (
	"context"
	"log/slog"
	"time"

	"taripay/app/config"
	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/db"
	"taripay/engine"
)

// startShopify builds the Shopify integration and runs its workers (the
// webhook inbox, the outbox of mark-paid and cancel calls, price syncs)
// until ctx ends; the returned channel closes when they have stopped.
// Without Shopify settings it still runs, logging side effects as skipped.
// tokens, when not nil, supplies exchanged Admin API tokens (the embedded
// admin's install) in place of the static one.
func startShopify(ctx context.Context, cfg config.Config, e *engine.Engine, database *db.DB, tokens adminapi.TokenSource, log *slog.Logger) (*shopify.Service, <-chan struct{}, error) {
	s, err := shopify.New(shopify.Deps{Config: cfg.Shopify, Engine: e, Store: database, Tokens: tokens, PublicURL: cfg.PublicURL, Now: time.Now, Log: log})
	if err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return s, done, nil
}
