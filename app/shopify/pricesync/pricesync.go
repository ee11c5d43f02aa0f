// Package pricesync keeps the storefront's Tari prices in step with
// taripay's exchange rates through the Admin API: the custom.tari_price
// metafield of every variant and the rate metaobject (README.md, "Shopify").
package pricesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"taripay/app/shopify/adminapi"
	"taripay/engine"
)

// CatalogAdmin is the part of the Admin API that keeps storefront Tari
// prices in sync.
type CatalogAdmin interface {
	ShopCurrency(ctx context.Context) (string, error)
	Variants(ctx context.Context, after string) ([]adminapi.VariantPrice, string, error)
	VariantsByID(ctx context.Context, ids []string) ([]adminapi.VariantPrice, error)
	SetTariPrices(ctx context.Context, prices map[string]string) error
	UpsertRate(ctx context.Context, currency, microTari string) error
	EnsureRateField(ctx context.Context, currency string) error
	EnsureTariPriceDefinition(ctx context.Context) error
}

// RateReader reads the stored exchange rates.
type RateReader interface {
	ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error)
}

// Prices keeps the storefront's Tari prices in step with taripay's rates:
// the custom.tari_price metafield of every variant, and the global rate
// metaobject. Unlike the reference it updates the metaobject on every rate
// change, prices variants in the shop currency rather than always USD, parses
// prices as decimals, and writes in batches of 25.
type Prices struct {
	admin CatalogAdmin
	rates RateReader
	log   *slog.Logger

	mu      sync.Mutex
	defined map[string]bool // definitions known to exist: "" for the metafield, else a currency
}

// New returns the price synchroniser.
func New(admin CatalogAdmin, rates RateReader, log *slog.Logger) *Prices {
	return &Prices{admin: admin, rates: rates, log: log, defined: map[string]bool{}}
}

// SyncResult says what a sync changed.
type SyncResult struct {
	Currency string // the rate's currency
	Checked  int    // variants read
	Updated  int    // variant metafields written
	Skipped  int    // variants whose price could not be converted
}

// Sync publishes currency's stored rate to the metaobject and, when it is the
// shop's currency, reprices every variant. POST /api/exchange_rate and the
// admin's rate page call it after storing a rate.
func (p *Prices) Sync(ctx context.Context, currency string) (SyncResult, error) {
	currency = strings.ToUpper(currency)
	res := SyncResult{Currency: currency}
	rate, err := p.rates.ExchangeRate(ctx, currency)
	if err != nil {
		return res, fmt.Errorf("rate for %s: %w", currency, err)
	}
	if err := p.define(ctx, currency, p.admin.EnsureRateField); err != nil {
		return res, err
	}
	if err := p.admin.UpsertRate(ctx, currency, rate.Rate.String()); err != nil {
		return res, err
	}
	shopCur, err := p.admin.ShopCurrency(ctx)
	if err != nil {
		return res, err
	}
	if shopCur != currency {
		return res, nil // variant prices are in the shop currency: this rate does not price them
	}
	if err := p.define(ctx, "", func(ctx context.Context, _ string) error { return p.admin.EnsureTariPriceDefinition(ctx) }); err != nil {
		return res, err
	}
	w := p.writer(&res)
	for after := ""; ; {
		page, next, err := p.admin.Variants(ctx, after)
		if err != nil {
			return res, err
		}
		if err := w.check(ctx, page, shopCur, rate.Rate); err != nil {
			return res, err
		}
		if after = next; after == "" {
			break
		}
	}
	if err := w.flush(ctx); err != nil {
		return res, err
	}
	p.log.Info("shopify prices synced", "currency", currency, "rate", rate.Rate, "checked", res.Checked, "updated", res.Updated, "skipped", res.Skipped)
	return res, nil
}

// SyncProduct reprices a product's variants after products/update, with one
// read for all of them.
func (p *Prices) SyncProduct(ctx context.Context, productID string, variantIDs []string) error {
	if len(variantIDs) == 0 {
		return nil
	}
	shopCur, err := p.admin.ShopCurrency(ctx)
	if err != nil {
		return err
	}
	rate, err := p.rates.ExchangeRate(ctx, shopCur)
	if err != nil {
		if errors.Is(err, engine.ErrUnsupportedCurrency) || engine.ErrorCode(err) == engine.ENOTFOUND {
			p.log.Info("product prices not synced: no rate for the shop currency", "currency", shopCur, "product", productID)
			return nil
		}
		return err
	}
	var res SyncResult
	w := p.writer(&res)
	for ids := range slices.Chunk(variantIDs, 250) {
		live, err := p.admin.VariantsByID(ctx, ids)
		if err != nil {
			return err
		}
		if err := w.check(ctx, live, shopCur, rate.Rate); err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	p.log.Info("shopify product prices checked", "product", productID, "checked", res.Checked, "updated", res.Updated)
	return nil
}

// define runs ensure once per process for a definition key.
func (p *Prices) define(ctx context.Context, key string, ensure func(context.Context, string) error) error {
	p.mu.Lock()
	done := p.defined[key]
	p.mu.Unlock()
	if done {
		return nil
	}
	if err := ensure(ctx, key); err != nil {
		return err
	}
	p.mu.Lock()
	p.defined[key] = true
	p.mu.Unlock()
	return nil
}

// priceWriter collects stale Tari prices and writes them 25 per call.
type priceWriter struct {
	p       *Prices
	res     *SyncResult
	pending map[string]string
}

func (p *Prices) writer(res *SyncResult) *priceWriter {
	return &priceWriter{p: p, res: res, pending: map[string]string{}}
}

// check queues the variants whose stored Tari price is not rate × price.
func (w *priceWriter) check(ctx context.Context, variants []adminapi.VariantPrice, currency string, rate engine.MicroTari) error {
	for _, v := range variants {
		w.res.Checked++
		mt, err := engine.ToMicroTari(v.Price, currency, rate)
		if err != nil {
			w.res.Skipped++
			w.p.log.Warn("variant price not converted", "variant", v.ID, "price", v.Price, "err", err)
			continue
		}
		want := mt.String()
		if v.TariPrice != nil && *v.TariPrice == want {
			continue
		}
		w.pending[v.ID] = want
		if len(w.pending) == adminapi.MaxMetafieldsSet {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *priceWriter) flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.p.admin.SetTariPrices(ctx, w.pending); err != nil {
		return err
	}
	w.res.Updated += len(w.pending)
	w.pending = map[string]string{}
	return nil
}
