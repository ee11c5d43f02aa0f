package pay

import (
	"taripay/app/config"
	"taripay/engine/tari"
)

// ConfigFrom takes the pay pages' settings from taripay's configuration.
// An unset TPG_PAYMENT_WALLET_ADDRESS falls back to the reference's example
// address, which is nobody's hot wallet here, so the pages then show the
// first authorised wallet instead.
func ConfigFrom(c config.Config) Config {
	wallet := c.PaymentWallet
	if wallet.Base58() == config.DefaultPaymentWalletAddress {
		wallet = tari.Address{}
	}
	return Config{
		PaymentWallet:         wallet,
		StrictMode:            c.StrictMode,
		NoteByName:            c.OrderIDFieldName,
		UnclaimedOrderTimeout: c.UnclaimedOrderTimeout,
		UnpaidOrderTimeout:    c.UnpaidOrderTimeout,
		LinkSecret:            []byte(c.ClaimLinkSecret),
	}
}
