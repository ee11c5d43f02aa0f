package pricesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/shopifytest"
	"taripay/engine"
)

type rateTable map[string]engine.MicroTari

func (r rateTable) ExchangeRate(_ context.Context, cur string) (engine.ExchangeRate, error) {
	if v, ok := r[cur]; ok {
		return engine.ExchangeRate{Currency: cur, Rate: v}, nil
	}
	return engine.ExchangeRate{}, engine.Errorf(engine.ENOTFOUND, engine.ErrUnsupportedCurrency, "no rate for %s", cur)
}

type harness struct {
	fake  *shopifytest.Fake
	admin *adminapi.Client
}

func newHarness(t *testing.T) harness {
	t.Helper()
	fake := shopifytest.New(t)
	admin, err := adminapi.New(adminapi.Config{APIBaseURL: fake.URL, APIVersion: "2026-07", AccessToken: shopifytest.Token}, nil,
		&http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return harness{fake: fake, admin: admin}
}

func TestPricesSync(t *testing.T) {
	h := newHarness(t)
	current := "105000000"
	for i := range 260 {
		price := "10.5"
		v := shopifytest.Variant{ID: fmt.Sprint(44021397602516 + i), Price: price}
		if i < 10 {
			v.TariPrice = &current // already right: not rewritten
		}
		h.fake.AddVariant(v)
	}
	h.fake.AddVariant(shopifytest.Variant{ID: "1", Price: "not a price"})
	p := New(h.admin, rateTable{"USD": 10_000_000, "EUR": 11_000_000}, slog.New(slog.DiscardHandler))

	res, err := p.Sync(context.Background(), "usd")
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 261 || res.Updated != 250 || res.Skipped != 1 {
		t.Errorf("result = %+v", res)
	}
	if n := len(h.fake.Calls("SetTariPrices")); n != 10 {
		t.Errorf("%d metafieldsSet calls, want 10 batches of 25", n)
	}
	if len(h.fake.Calls("Variants")) != 2 {
		t.Errorf("variant pages = %d, want 2", len(h.fake.Calls("Variants")))
	}
	if v, _ := h.fake.Variant("44021397602775"); v.TariPrice == nil || *v.TariPrice != "105000000" {
		t.Errorf("last variant = %+v", v)
	}
	if r := h.fake.Rates(); r["usd"] != "10000000" {
		t.Errorf("metaobject = %v", r)
	}

	// A non-shop currency only updates the metaobject.
	before := len(h.fake.Calls("Variants"))
	if _, err := p.Sync(context.Background(), "EUR"); err != nil {
		t.Fatal(err)
	}
	if r := h.fake.Rates(); r["eur"] != "11000000" || len(h.fake.Calls("Variants")) != before {
		t.Errorf("EUR sync: rates %v, variant reads %d", r, len(h.fake.Calls("Variants"))-before)
	}
	if _, err := p.Sync(context.Background(), "GBP"); err == nil {
		t.Error("synced a currency without a rate")
	}

	// The definitions were created once each, readable by the storefront.
	fields, priceDefined := h.fake.Definitions()
	if fmt.Sprint(fields) != "[eur usd]" || !priceDefined {
		t.Errorf("definitions: rate fields %v, tari_price defined %v", fields, priceDefined)
	}
	if _, err := p.Sync(context.Background(), "USD"); err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]int{"CreateRateDefinition": 1, "AddRateField": 1, "CreateTariPriceDefinition": 1} {
		if n := len(h.fake.Calls(op)); n != want {
			t.Errorf("%s called %d times, want %d", op, n, want)
		}
	}
	def := h.fake.Calls("CreateRateDefinition")[0].Variables["definition"].(map[string]any)
	if def["access"].(map[string]any)["storefront"] != "PUBLIC_READ" {
		t.Errorf("rate definition = %v", def)
	}
	// A new process finds the definitions in place.
	p2 := New(h.admin, rateTable{"USD": 10_000_000}, slog.New(slog.DiscardHandler))
	if _, err := p2.Sync(context.Background(), "USD"); err != nil {
		t.Fatalf("sync over existing definitions: %v", err)
	}
}

func TestPricesSyncProduct(t *testing.T) {
	h := newHarness(t)
	stale := "1"
	h.fake.AddVariant(shopifytest.Variant{ID: "44021397602516", Price: "17.00", TariPrice: &stale})
	h.fake.AddVariant(shopifytest.Variant{ID: "44021397602517", Price: "18.50"})
	p := New(h.admin, rateTable{"USD": 10_000_000}, slog.New(slog.DiscardHandler))
	variants := []string{"44021397602516", "44021397602517"} // app/shopify/testdata/products_update.json
	if err := p.SyncProduct(context.Background(), "9000000000001", variants); err != nil {
		t.Fatal(err)
	}
	a, _ := h.fake.Variant("44021397602516")
	b, _ := h.fake.Variant("44021397602517")
	if *a.TariPrice != "170000000" || *b.TariPrice != "185000000" {
		t.Errorf("prices = %s, %s", *a.TariPrice, *b.TariPrice)
	}
	if n := len(h.fake.Calls("VariantsByID")); n != 1 {
		t.Errorf("%d variant reads, want 1", n)
	}
	// Already in step: nothing written; and a Shopify outage is an error to retry.
	if err := p.SyncProduct(context.Background(), "9000000000001", variants); err != nil || len(h.fake.Calls("SetTariPrices")) != 1 {
		t.Errorf("resync wrote again: %v", err)
	}
	h.fake.FailNext("VariantsByID", 1, http.StatusServiceUnavailable)
	err := p.SyncProduct(context.Background(), "9000000000001", variants)
	if ce := (*adminapi.CallError)(nil); !errors.As(err, &ce) || !ce.Temporary {
		t.Errorf("outage error %v is not retried", err)
	}
}
