package engine

import (
	"context"
	"fmt"

	"taripay/engine/tari"
)

// PaymentAddress is the address customers are told to pay, on the pay page,
// in its QR code and in a claim's send_to: Config.PaymentAddress when it is
// set, else the hot wallet when exactly one is authorised. Otherwise there
// is none, and the error is ErrNoPaymentAddress (code EUNCONFIGURED), with
// the fix in its message: taripay never falls back to an address that is
// not the merchant's (see the package doc).
func (e *Engine) PaymentAddress(ctx context.Context) (tari.Address, error) {
	if !e.cfg.PaymentAddress.IsZero() {
		return e.cfg.PaymentAddress, nil
	}
	ws, err := e.Wallets(ctx)
	if err != nil {
		return tari.Address{}, fmt.Errorf("payment address: %w", err)
	}
	if len(ws) != 1 {
		return tari.Address{}, Errorf(EUNCONFIGURED, ErrNoPaymentAddress,
			"No payment address: TPG_PAYMENT_WALLET_ADDRESS is not set and %d hot wallets are authorised. "+
				"Set TPG_PAYMENT_WALLET_ADDRESS to the shop's Tari address, or authorise exactly one hot wallet", len(ws))
	}
	a, err := tari.ParseAddress(ws[0].Address)
	if err != nil {
		return tari.Address{}, fmt.Errorf("payment address: hot wallet %q: %w", ws[0].Address, err)
	}
	return a, nil
}

// PaymentAddressConfigured says whether PaymentAddress comes from
// Config.PaymentAddress (TPG_PAYMENT_WALLET_ADDRESS) rather than from the
// one authorised hot wallet, for the admin to say where it comes from.
func (e *Engine) PaymentAddressConfigured() bool { return !e.cfg.PaymentAddress.IsZero() }
