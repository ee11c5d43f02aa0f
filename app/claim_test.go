package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"taripay/engine"
)

func TestClaimOrder(t *testing.T) {
	h := newHarness(t, nil)
	alice, bob := h.newActor(), h.newActor()
	h.addOrder("order10256", "142", 2_400_000_000, nil)
	h.addOrder("closed", "142", 100, nil)
	if _, err := h.e.Cancel(context.Background(), "closed", "fixture"); err != nil {
		t.Fatal(err)
	}

	r := h.claim(alice, "order10256")
	if r.status != 200 {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	golden(t, "claimed_order", r.body)
	if !strings.Contains(r.body, `"send_to":{"Single":{"network":"mainnet","features":3,"public_spend_key":"`) {
		t.Errorf("send_to must be the address object: %s", r.body)
	}

	wantError(t, h.claim(alice, "does-not-exist"), 404, "The data was not found. The requested order does-not-exist does not exist")
	wantError(t, h.claim(alice, "closed"), 409, "Cannot complete this request.")
	// A second claimant of a New order is linked too; the order stays New.
	if r := h.claim(bob, "order10256"); r.status != 200 || !strings.Contains(r.body, `"status":"New"`) {
		t.Errorf("second claimant: %d %s", r.status, r.body)
	}

	// A signature over another order id is refused before any lookup.
	forged := strings.Replace(signedClaim(t, alice, "order10256"), `"order_id":"order10256"`, `"order_id":"closed"`, 1)
	wantError(t, h.do("POST", "/order/claim", forged), 401, "Cannot claim order because the signature is invalid.")
	wantError(t, h.do("POST", "/order/claim", `{"address":"`+alice.base58()+`","order_id":"a","signature":"00"}`), 400, "Invalid signature length")
}

// Without a payment address (TPG_PAYMENT_WALLET_ADDRESS unset, and not
// exactly one hot wallet) a valid claim is a 503 JSON error naming the
// setting and changes nothing. It carries no Retry-After: only the merchant
// can end it. Bad input is still its 4xx first. With one hot wallet, the
// claim sends the customer to it.
func TestClaimWithoutPaymentAddress(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, map[string]string{"TPG_PAYMENT_WALLET_ADDRESS": ""})
		ctx := context.Background()
		alice, other := h.newActor(), h.newActor()
		h.addOrder("order10256", "142", 2_400_000_000, nil)
		admin := h.login(h.super, "super_admin")
		forged := strings.Replace(signedClaim(t, alice, "order10256"), `"order_id":"order10256"`, `"order_id":"other"`, 1)

		for _, tc := range []struct {
			name    string
			wallets func() error
		}{
			{"no hot wallet", func() error { return h.e.RevokeWallet(ctx, h.hot.base58()) }},
			{"two hot wallets", func() error {
				if err := h.e.AuthorizeWallet(ctx, engine.Wallet{Address: h.hot.base58(), IPAddress: hotIP}); err != nil {
					return err
				}
				return h.e.AuthorizeWallet(ctx, engine.Wallet{Address: other.base58(), IPAddress: "192.0.2.7"})
			}},
		} {
			if err := tc.wallets(); err != nil {
				t.Fatal(err)
			}
			before := h.snapshot(admin)
			wantError(t, h.do("POST", "/order/claim", forged), 401, "Cannot claim order because the signature is invalid.")
			wantError(t, h.do("POST", "/order/claim", `{"address":"`+alice.base58()+`","order_id":"a","signature":"00"}`), 400, "Invalid signature length")
			r := h.claim(alice, "order10256")
			wantError(t, r, 503, "This shop is not ready to take Tari yet. No payment address: TPG_PAYMENT_WALLET_ADDRESS is not set")
			wantError(t, r, 503, "Set TPG_PAYMENT_WALLET_ADDRESS to the shop's Tari address, or authorise exactly one hot wallet.")
			if got := r.header.Get("Retry-After"); got != "" {
				t.Errorf("%s: Retry-After %q on a 503 only the merchant can end", tc.name, got)
			}
			wantStatus(t, h, "order10256", engine.OrderUnclaimed)
			if after := h.snapshot(admin); after != before {
				t.Errorf("%s: a refused claim changed the state:\nbefore %s\nafter  %s", tc.name, before, after)
			}
		}

		if err := h.e.RevokeWallet(ctx, other.base58()); err != nil {
			t.Fatal(err)
		}
		r := h.claim(alice, "order10256")
		want, _ := json.Marshal(h.hot.addr)
		if r.status != 200 || !strings.Contains(r.body, `"send_to":`+string(want)) {
			t.Errorf("claim with one hot wallet: %d %s, want send_to %s", r.status, r.body, want)
		}
		wantStatus(t, h, "order10256", engine.OrderNew)
	})
}

// TestClaimExpiryIsThePayPagesDeadline: the expires_at that /order/claim
// answers (and `taripay claim` prints) is the deadline the pay page counts
// down to: both come from engine.Config.Deadline.
func TestClaimExpiryIsThePayPagesDeadline(t *testing.T) {
	h := newHarness(t, map[string]string{"TPG_UNPAID_ORDER_TIMEOUT": "48"})
	o := h.addOrder("order10256", "142", 2_400_000_000, nil)
	h.clock.Add(10 * time.Minute)
	claimedAt := h.clock.Now()
	r := h.claim(h.newActor(), "order10256")
	if r.status != 200 {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	var claimed struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(r.body), &claimed); err != nil {
		t.Fatal(err)
	}
	if want := claimedAt.Add(48 * time.Hour); !claimed.ExpiresAt.Equal(want) {
		t.Errorf("expires_at %v, want the claim plus TPG_UNPAID_ORDER_TIMEOUT, %v", claimed.ExpiresAt, want)
	}
	h.clock.Add(7 * time.Minute)
	page := h.do("GET", "/pay/"+o.ClaimToken, nil)
	left := claimed.ExpiresAt.Sub(h.clock.Now()) // 47 h 53 min
	want := fmt.Sprintf("Time left: %d hours %d minutes.", int(left.Hours()), int(left.Minutes())%60)
	if !strings.Contains(page.body, `data-testid="time-left">`+want+`<`) {
		t.Errorf("the pay page does not count down to expires_at (%s):\n%s", want, page.body)
	}
}
