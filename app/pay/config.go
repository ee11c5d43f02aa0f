package pay

import "taripay/app/config"

// ConfigFrom takes the pay pages' settings from taripay's configuration.
func ConfigFrom(c config.Config) Config {
	return Config{
		StrictMode: c.StrictMode,
		NoteByName: c.OrderIDFieldName,
		LinkSecret: []byte(c.ClaimLinkSecret),
		Shop:       c.Shopify.Shop,
	}
}
