package shopify

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/shopifytest"
)

// The pay pages show the shop's name: read with one cheap, schema-checked
// Admin API call, then cached for an hour; a failure keeps the name last
// read and is retried a minute later, not on every page.
func TestShopNameIsCached(t *testing.T) {
	fake := shopifytest.New(t)
	admin, err := adminapi.New(adminapi.Config{APIBaseURL: fake.URL, APIVersion: DefaultAPIVersion, AccessToken: shopifytest.Token}, nil, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := &shopNames{read: admin.ShopName, now: func() time.Time { return now }, log: slog.New(slog.DiscardHandler)}
	ctx := context.Background()

	for _, step := range []struct {
		name    string
		advance time.Duration
		rename  string
		fail    bool
		want    string
		reads   int // ShopName calls so far
	}{
		{name: "first page reads it", want: "Test Shop", reads: 1},
		{name: "cached", advance: 59 * time.Minute, rename: "Renamed", want: "Test Shop", reads: 1},
		{name: "read again after an hour", advance: time.Minute, want: "Renamed", reads: 2},
		{name: "a failure keeps the last name", advance: time.Hour, fail: true, want: "Renamed", reads: 3},
		{name: "no retry within the minute", advance: 59 * time.Second, want: "Renamed", reads: 3},
		{name: "retried after a minute", advance: time.Second, rename: "Again", want: "Again", reads: 4},
	} {
		now = now.Add(step.advance)
		if step.rename != "" {
			fake.SetName(step.rename)
		}
		if step.fail {
			fake.FailNext("ShopName", 1, http.StatusServiceUnavailable)
		}
		if got := c.get(ctx); got != step.want {
			t.Errorf("%s: name %q, want %q", step.name, got, step.want)
		}
		if n := len(fake.Calls("ShopName")); n != step.reads {
			t.Errorf("%s: %d reads, want %d", step.name, n, step.reads)
		}
	}
	if n := fake.Succeeded("ShopName"); n != 3 {
		t.Errorf("%d successful reads, want 3", n)
	}
}

// Without Shopify settings there is no name, and nothing is called.
func TestShopNameWithoutShopify(t *testing.T) {
	eng := &serviceEngine{fakeEngine: &fakeEngine{}, memOutbox: &memOutbox{now: time.Now}}
	s, err := New(Deps{Engine: eng, Store: newMemStoreWithCaptures(), Now: time.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ShopName(context.Background()); got != "" {
		t.Errorf("name %q without Shopify", got)
	}
}
