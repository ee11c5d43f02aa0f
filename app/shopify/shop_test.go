package shopify

import "context"

// CheckShop admits every shop: the one-shop rule is the engine's, tested
// over a real database in TestWebhooksFromAnotherShopAreRefused.
func (e *fakeEngine) CheckShop(context.Context, string) error { return nil }
