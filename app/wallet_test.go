package app

import (
	"encoding/json"
	"strings"
	"testing"

	"taripay/app/api"
	"taripay/engine/tari/taritest"
)

func TestWalletNotificationAuth(t *testing.T) {
	customer := keyActor(t, "bf9da371add03729f9df1ab8f6356a7104868fe75de9d5235d33af28cfcae701")
	tests := []struct {
		name    string
		env     map[string]string
		body    func(h *harness) []byte
		headers []string
		want    int
	}{
		{"registered IP via X-Forwarded-For", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 200},
		{"registered IP via Forwarded", map[string]string{"TPG_USE_X_FORWARDED_FOR": "false", "TPG_USE_FORWARDED": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"Forwarded", "for=" + hotIP}, 200},
		{"wrong IP", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "1.2.3.4"}, 401},
		{"X-Forwarded-For ignored unless enabled", map[string]string{"TPG_USE_X_FORWARDED_FOR": "false"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"the client's entry left of our proxy's is not the caller", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP + ", 10.0.0.1"}, 401},
		{"our proxy appended the wallet's IP", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "10.0.0.1, " + hotIP}, 200},
		{"repeated X-Forwarded-For lines are one list", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "10.0.0.1", "X-Forwarded-For", hotIP}, 200},
		{"repeated lines: the last line's entry counts", nil, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP, "X-Forwarded-For", "10.0.0.1"}, 401},
		{"two trusted hops", map[string]string{"TPG_TRUSTED_PROXY_HOPS": "2"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "1.2.3.4, " + hotIP + ", 10.0.0.1"}, 200},
		{"fewer entries than trusted hops", map[string]string{"TPG_TRUSTED_PROXY_HOPS": "2"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"no fallback from a list to a client's Forwarded", map[string]string{"TPG_USE_FORWARDED": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP + ", 10.0.0.1", "Forwarded", "for=" + hotIP}, 401},
		{"no fallback from a malformed header to a client's Forwarded", map[string]string{"TPG_USE_FORWARDED": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "10.0.0.1, not-an-ip", "Forwarded", "for=" + hotIP}, 401},
		{"Forwarded: the right-most element", map[string]string{"TPG_USE_X_FORWARDED_FOR": "false", "TPG_USE_FORWARDED": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"Forwarded", "for=10.0.0.1;proto=https, for=\"" + hotIP + ":4711\""}, 200},
		{"Forwarded: the client's element is not the caller", map[string]string{"TPG_USE_X_FORWARDED_FOR": "false", "TPG_USE_FORWARDED": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"Forwarded", "for=" + hotIP, "Forwarded", "for=10.0.0.1"}, 401},
		{"wrong IP with the whitelist disabled", map[string]string{"TPG_DISABLE_WALLET_WHITELIST": "true"}, func(h *harness) []byte {
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", "1.2.3.4"}, 200},
		{"bad signature", nil, func(h *harness) []byte {
			// Signed by another key in the hot wallet's name.
			forger := h.newActor()
			forger.addr = h.hot.addr
			return h.paymentBody(forger, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"tampered amount", nil, func(h *harness) []byte {
			return []byte(strings.Replace(string(h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)), `"amount":100`, `"amount":1000`, 1))
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"unregistered wallet", nil, func(h *harness) []byte {
			return h.paymentBody(h.newActor(), customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"replayed nonce", nil, func(h *harness) []byte {
			b := h.paymentBody(h.hot, customer.addr, 100, "tx0", nil, nil)
			if r := h.wallet("/wallet/incoming_payment", b); r.status != 200 {
				t.Fatalf("first: %d %s", r.status, r.body)
			}
			return b
		}, []string{"X-Forwarded-For", hotIP}, 401},
		{"stale nonce", nil, func(h *harness) []byte {
			h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, customer.addr, 100, "tx0", nil, nil))
			h.hot.nonce -= 2
			return h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)
		}, []string{"X-Forwarded-For", hotIP}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.env)
			body := tt.body(h)
			before := h.paymentCount()
			r := h.do("POST", "/wallet/incoming_payment", body, tt.headers...)
			if tt.want != 200 {
				// A nonce refusal says so, so that the notifier signs again.
				want := api.ErrWalletAuth.Message
				if strings.Contains(tt.name, "nonce") {
					want = api.ErrWalletNonce.Message
				}
				wantError(t, r, tt.want, want)
				if got := h.paymentCount(); got != before {
					t.Errorf("a refused notification stored a payment (%d payments, %d before)", got, before)
				}
				return
			}
			if r.status != 200 || !strings.Contains(r.body, `"success":true`) {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
}

// paymentCount counts stored payments through the admin API.
func (h *harness) paymentCount() int {
	h.t.Helper()
	r := h.as(h.login(h.super, "super_admin"), "GET", "/api/addresses", nil)
	addrs := decode[[]string](h.t, r)
	n := 0
	for _, a := range addrs {
		n += len(decode[paymentList](h.t, h.as(h.login(h.super, "super_admin"), "GET", "/api/payments/"+a, nil)).Payments)
	}
	return n
}

// paymentList is the part of a PaymentsResult the tests count.
type paymentList struct {
	Payments []json.RawMessage `json:"payments"`
}

func TestWalletPaymentLifecycle(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)

		r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 2_500_000_000, "payment001", ptr("for you"), nil))
		res := decode[api.JSONResponse](t, r)
		if r.status != 200 || !res.Success {
			t.Fatalf("incoming: %d %s", r.status, r.body)
		}
		golden(t, "incoming_payment_message", res.Message)

		r = h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 2_500_000_000, "payment001", nil, nil))
		golden(t, "incoming_payment_duplicate", r.body)

		r = h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "payment001"))
		golden(t, "tx_confirmation", r.body)
		r = h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "payment001"))
		golden(t, "tx_confirmation_duplicate", r.body)
		r = h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "nope"))
		golden(t, "tx_confirmation_unknown", r.body)

		// tx_cancelled: a confirmed payment is final.
		wantError(t, h.wallet("/wallet/tx_cancelled", h.cancellationBody(h.hot, "payment001")), 409, "already confirmed")
		wantError(t, h.wallet("/wallet/tx_cancelled", h.cancellationBody(h.hot, "nope")), 404, "nope")
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 7, "payment002", nil, nil))
		r = h.wallet("/wallet/tx_cancelled", h.cancellationBody(h.hot, "payment002"))
		golden(t, "tx_cancelled", r.body)
		// A cancelled payment can never be confirmed.
		r = h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "payment002"))
		if !strings.Contains(r.body, `"success":false`) {
			t.Errorf("confirming a cancelled payment: %s", r.body)
		}
		// tx_cancelled has the same guards as tx_confirmation.
		b := h.cancellationBody(h.hot, "payment003")
		wantError(t, h.do("POST", "/wallet/tx_cancelled", b, "X-Forwarded-For", "1.2.3.4"), 401, "")
		wantError(t, h.wallet("/wallet/tx_cancelled", []byte(strings.Replace(string(b), "payment003", "payment004", 1))), 401, "")

		bal := decode[struct {
			TotalConfirmed int64 `json:"total_confirmed"`
		}](t, h.as(h.login(alice), "GET", "/api/balance", nil))
		if bal.TotalConfirmed != 2_500_000_000 {
			t.Errorf("confirmed balance %d", bal.TotalConfirmed)
		}

		r = h.do("GET", "/wallet/send_to", nil)
		golden(t, "send_to", r.body)
	})
}

// TestWalletRoutesAuth runs every wallet-signed route through each of its
// authentication failures, then its success.
func TestWalletRoutesAuth(t *testing.T) {
	customer := keyActor(t, aliceSecret)
	routes := []struct {
		path string
		body func(h *harness, w *actor) []byte
	}{
		{"/wallet/incoming_payment", func(h *harness, w *actor) []byte {
			return h.paymentBody(w, customer.addr, 100, "tx-new", nil, nil)
		}},
		{"/wallet/tx_confirmation", func(h *harness, w *actor) []byte { return h.confirmationBody(w, "tx1") }},
		{"/wallet/tx_cancelled", func(h *harness, w *actor) []byte { return h.cancellationBody(w, "tx1") }},
	}
	for _, rt := range routes {
		t.Run(rt.path, func(t *testing.T) {
			h := newHarness(t, nil)
			if r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)); r.status != 200 {
				t.Fatalf("fixture: %d %s", r.status, r.body)
			}
			forger := h.newActor()
			forger.addr, forger.nonce = h.hot.addr, h.hot.nonce
			stranger := h.newActor()
			for name, r := range map[string]response{
				"wrong IP":            h.do("POST", rt.path, rt.body(h, h.hot), "X-Forwarded-For", "10.9.9.9"),
				"no forwarded IP":     h.do("POST", rt.path, rt.body(h, h.hot)),
				"bad signature":       h.wallet(rt.path, rt.body(h, forger)),
				"unregistered wallet": h.wallet(rt.path, rt.body(h, stranger)),
			} {
				if r.status != 401 {
					t.Errorf("%s: %d %s, want 401", name, r.status, r.body)
				}
			}
			body := rt.body(h, h.hot)
			if r := h.wallet(rt.path, body); r.status != 200 || !strings.Contains(r.body, `"success":true`) {
				t.Fatalf("signed: %d %s", r.status, r.body)
			}
			wantError(t, h.wallet(rt.path, body), 401, api.ErrWalletNonce.Message) // replayed nonce
		})
	}
}

// TestWalletNotificationsWhileStoreDown: when the database is unreachable,
// every wallet notification is a 503 with Retry-After, which the notifier
// retries, never a 401 or a success:false, which end it and lose the
// notice. The same notice, signed again, succeeds once the database is back.
func TestWalletNotificationsWhileStoreDown(t *testing.T) {
	customer := keyActor(t, "bf9da371add03729f9df1ab8f6356a7104868fe75de9d5235d33af28cfcae701")
	routes := []struct {
		path string
		body func(h *harness) []byte
	}{
		{"/wallet/incoming_payment", func(h *harness) []byte { return h.paymentBody(h.hot, customer.addr, 100, "tx2", nil, nil) }},
		{"/wallet/tx_confirmation", func(h *harness) []byte { return h.confirmationBody(h.hot, "tx1") }},
		{"/wallet/tx_cancelled", func(h *harness) []byte { return h.cancellationBody(h.hot, "tx1") }},
	}
	for _, rt := range routes {
		t.Run(rt.path, func(t *testing.T) {
			h := newHarness(t, nil)
			if r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, customer.addr, 100, "tx1", nil, nil)); r.status != 200 {
				t.Fatalf("fixture: %d %s", r.status, r.body)
			}
			h.storeDown.Store(true)
			r := h.wallet(rt.path, rt.body(h))
			wantError(t, r, 503, "The database is unavailable; try again.")
			if got := r.header.Get("Retry-After"); got == "" {
				t.Errorf("503 without Retry-After")
			}
			h.storeDown.Store(false)
			if r := h.wallet(rt.path, rt.body(h)); r.status != 200 || !strings.Contains(r.body, `"success":true`) {
				t.Fatalf("once the database is back: %d %s", r.status, r.body)
			}
		})
	}
}

// TestCancellationIsNeverAConfirmation: a confirmation seen in transit
// cannot cancel the payment it confirms, on /wallet/tx_cancelled, and a
// cancellation's signature does not confirm; the reference's confirmation
// still confirms, and taripay's cancellation vector still cancels.
func TestCancellationIsNeverAConfirmation(t *testing.T) {
	ref, own := taritest.Load(t), taritest.LoadCancellations(t)
	payment := findVector(t, ref.WalletBodies, "order_payment_matching.feature:28")      // payment001, nonce 1
	confirmation := findVector(t, ref.WalletBodies, "order_payment_matching.feature:46") // payment001, nonce 2
	moved := func(kind string) []byte {                                                  // a signature moved to the other route's body
		for _, b := range own.Bodies {
			if b.Kind == kind && !b.Valid {
				return b.Body
			}
		}
		t.Fatalf("no moved %s vector", kind)
		return nil
	}
	forBackends(t, func(t *testing.T, backend string) {
		for _, end := range []struct {
			name, path string
			body       []byte
			status     string
		}{
			{"then confirmed", "/wallet/tx_confirmation", confirmation, "confirmed"},
			{"then cancelled", "/wallet/tx_cancelled", own.Bodies[0].Body, "cancelled"},
		} {
			t.Run(end.name, func(t *testing.T) {
				h := newHarnessOn(t, backend, nil)
				sender := decode[struct {
					Payment struct{ Sender string } `json:"payment"`
				}](t, response{body: string(payment)}).Payment.Sender
				status := func() string {
					t.Helper()
					r := h.as(h.login(h.super, "super_admin"), "GET", "/api/payments/"+sender, nil)
					p := decode[struct {
						Payments []struct{ Status string } `json:"payments"`
					}](t, r)
					if len(p.Payments) != 1 {
						t.Fatalf("payments of %s: %s", sender, r.body)
					}
					return p.Payments[0].Status
				}
				if r := h.wallet("/wallet/incoming_payment", payment); r.status != 200 || !strings.Contains(r.body, `"success":true`) {
					t.Fatalf("payment: %d %s", r.status, r.body)
				}
				for name, r := range map[string]response{
					"the confirmation as it is, on tx_cancelled":        h.wallet("/wallet/tx_cancelled", confirmation),
					"its signature in a cancellation body":              h.wallet("/wallet/tx_cancelled", moved("cancellation")),
					"a cancellation's signature in a confirmation body": h.wallet("/wallet/tx_confirmation", moved("confirmation")),
				} {
					if r.status < 400 || r.status >= 500 || strings.Contains(r.body, "success") {
						t.Errorf("%s: %d %s, want a refusal", name, r.status, r.body)
					}
				}
				wantError(t, h.wallet("/wallet/tx_cancelled", moved("cancellation")), 401, api.ErrWalletAuth.Message)
				wantError(t, h.wallet("/wallet/tx_confirmation", moved("confirmation")), 401, api.ErrWalletAuth.Message)
				if got := status(); got != "received" {
					t.Fatalf("after the refused notifications the payment is %s, want received", got)
				}
				if r := h.wallet(end.path, end.body); r.status != 200 || !strings.Contains(r.body, `"success":true`) {
					t.Fatalf("%s: %d %s", end.path, r.status, r.body)
				}
				if got := status(); got != end.status {
					t.Errorf("payment is %s, want %s", got, end.status)
				}
			})
		}
	})
}
