package shopify

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

const (
	// shopNameTTL is how long a read shop name is shown before it is read
	// again; a merchant rarely renames a shop.
	shopNameTTL = time.Hour
	// shopNameRetry spaces the reads after a failure, so a Shopify outage
	// costs one slow page a minute, not every page.
	shopNameRetry = time.Minute
	// shopNameWait bounds how long a page waits for the name.
	shopNameWait = 3 * time.Second
)

// shopNames caches the shop's name for the pay pages. One caller at a time
// reads it from Shopify; the others meanwhile get the name held, which is
// "" until the first read succeeds.
type shopNames struct {
	read func(ctx context.Context) (string, error)
	now  func() time.Time
	log  *slog.Logger

	mu      sync.Mutex
	name    string
	next    time.Time // when to read again
	reading bool
}

func (c *shopNames) get(ctx context.Context) string {
	c.mu.Lock()
	if c.reading || c.now().Before(c.next) {
		defer c.mu.Unlock()
		return c.name
	}
	c.reading = true
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, shopNameWait)
	name, err := c.read(ctx)
	cancel()

	c.mu.Lock()
	defer c.mu.Unlock()
	c.reading = false
	if err != nil {
		c.next = c.now().Add(shopNameRetry)
		c.log.WarnContext(ctx, "shopify: could not read the shop's name for the pay pages; retrying in a minute",
			"err", err, "showing", c.name)
		return c.name
	}
	c.name, c.next = name, c.now().Add(shopNameTTL)
	return c.name
}

// ShopName is the shop's name for the pay pages, read from the Admin API at
// most once an hour (once a minute after a failure, keeping the name last
// read); "" without Shopify settings, or before a first read succeeded.
func (s *Service) ShopName(ctx context.Context) string {
	if s.shopNames == nil {
		return ""
	}
	return s.shopNames.get(ctx)
}
