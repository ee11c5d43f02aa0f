package app

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"taripay/engine"
)

// Scenario families of the reference's engine tests, replayed over HTTP with freshly signed
// requests. Customer keys are fixed so golden files are stable.
const (
	aliceSecret = "bf9da371add03729f9df1ab8f6356a7104868fe75de9d5235d33af28cfcae701" // 145ynt…
	bobSecret   = "ac8bac66b8efc8f2055ba8dcd95ad5f7f9e791d876a50642d563426fc86de109" // 14NPq…
)

type balance struct {
	TotalConfirmed int64 `json:"total_confirmed"`
	TotalPaid      int64 `json:"total_paid"`
	CurrentBalance int64 `json:"current_balance"`
}

func (h *harness) balance(a *actor) balance {
	h.t.Helper()
	return decode[balance](h.t, h.as(h.login(a), "GET", "/api/balance", nil))
}

func wantStatus(t *testing.T, h *harness, orderID string, want engine.OrderStatus) {
	t.Helper()
	if got := h.order(orderID).Status; got != want {
		t.Errorf("order %s is %s, want %s", orderID, got, want)
	}
}

// order, then claim, then payment, then confirmation; the surplus stays as credit.
func TestScenarioClaimThenPay(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("alice001", "1", 2_400_000_000, nil)
		if r := h.claim(alice, "alice001"); r.status != 200 {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 2_500_000_000, "payment001", nil, nil))
		wantStatus(t, h, "alice001", engine.OrderNew) // pending funds never pay
		if b := h.balance(alice); b.CurrentBalance != 0 {
			t.Errorf("balance before confirmation %+v", b)
		}
		h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "payment001"))
		wantStatus(t, h, "alice001", engine.OrderPaid)
		if b := h.balance(alice); b != (balance{2_500_000_000, 2_400_000_000, 100_000_000}) {
			t.Errorf("balance after %+v", b)
		}
		tok := h.login(alice)
		golden(t, "address_balance", h.as(tok, "GET", "/api/balance", nil).body)
		golden(t, "address_history", h.as(tok, "GET", "/api/history", nil).body)
		golden(t, "order_result", h.as(tok, "GET", "/api/orders", nil).body)
		golden(t, "unfulfilled_orders_empty", h.as(tok, "GET", "/api/unfulfilled_orders", nil).body)
		golden(t, "payments_result", h.as(tok, "GET", "/api/payments", nil).body)
		admin := h.login(h.super, "super_admin")
		golden(t, "customer_history", h.as(admin, "GET", "/api/history/customer/1", nil).body)
		golden(t, "payments_for_order", h.as(admin, "GET", "/api/payments-for-order/alice001", nil).body)
		golden(t, "order_by_id", h.as(tok, "GET", "/api/order/id/alice001", nil).body)
		// Another user, or an unknown id, gets 200 null: orders cannot be enumerated.
		other := h.login(keyActor(t, bobSecret))
		for _, p := range []string{"/api/order/id/alice001", "/api/order/id/nope"} {
			if r := h.as(other, "GET", p, nil); r.status != 200 || r.body != "null" {
				t.Errorf("%s as another user: %d %s", p, r.status, r.body)
			}
		}
		wantError(t, h.as(other, "GET", "/api/orders/"+alice.base58(), nil), 403, "Insufficient permissions.")
	})
}

// payment first, confirmed, then the order arrives with a signed memo.
func TestScenarioPaymentFirst(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.pay(alice, 2_500_000_000, "payment001", nil, nil)
		if b := h.balance(alice); b.CurrentBalance != 2_500_000_000 {
			t.Errorf("balance %+v", b)
		}
		memo := signedClaim(t, alice, "alice001")
		h.addOrder("alice001", "1", 2_400_000_000, &memo)
		wantStatus(t, h, "alice001", engine.OrderPaid)
		if b := h.balance(alice); b.CurrentBalance != 100_000_000 {
			t.Errorf("balance %+v", b)
		}
	})
}

// a payment naming the order in its payload claims it at once.
func TestScenarioPaymentNamesOrder(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("alice001", "1", 2_400_000_000, nil)
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 2_500_000_000, "payment001", nil, ptr("alice001")))
		wantStatus(t, h, "alice001", engine.OrderNew)
		h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "payment001"))
		wantStatus(t, h, "alice001", engine.OrderPaid)
	})
}

// underpayment pays nothing and keeps the funds as credit.
func TestScenarioUnderpayment(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("alice001", "1", 2_600_000_000, nil)
		h.claim(alice, "alice001")
		h.pay(alice, 2_500_000_000, "payment001", nil, nil)
		wantStatus(t, h, "alice001", engine.OrderNew)
		if b := h.balance(alice); b.CurrentBalance != 2_500_000_000 {
			t.Errorf("balance %+v", b)
		}
		golden(t, "unfulfilled_orders", h.as(h.login(alice), "GET", "/api/unfulfilled_orders", nil).body)
	})
}

// unconfirmed payments never pay, but count in total_payments.
func TestScenarioUnconfirmed(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("alice001", "1", 100, nil)
		h.claim(alice, "alice001")
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 15_000_000, "p1", nil, nil))
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 100_000_000, "p2", nil, nil))
		wantStatus(t, h, "alice001", engine.OrderNew)
		p := decode[struct {
			TotalPayments int64 `json:"total_payments"`
		}](t, h.as(h.login(alice), "GET", "/api/payments", nil))
		if p.TotalPayments != 115_000_000 {
			t.Errorf("total_payments %d", p.TotalPayments)
		}
	})
}

// strict mode: an alt_id reference matches only with strict mode off.
func TestScenarioStrictMode(t *testing.T) {
	for _, strict := range []bool{true, false} {
		name := map[bool]string{true: "strict", false: "not strict"}[strict]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, map[string]string{"TPG_STRICT_MODE": map[bool]string{true: "true", false: "false"}[strict]})
			alice := keyActor(t, aliceSecret)
			alt := "#1000"
			if _, err := h.e.AddOrder(context.Background(), engine.NewOrder{OrderID: "id-1000", AltID: &alt, CustomerID: "1",
				TotalPrice: 2_400_000_000, Currency: "XTR", CreatedAt: start}); err != nil {
				t.Fatal(err)
			}
			h.pay(alice, 2_500_000_000, "payment001", nil, ptr("#1000"))
			want := engine.OrderUnclaimed
			if !strict {
				want = engine.OrderPaid
			}
			wantStatus(t, h, "id-1000", want)
			wantStatus(t, h, "#1000", want) // admins find orders by alt_id, percent-encoded in the path
		})
	}
}

// credit note, settle, price change, reassign, cancel and fulfil by an admin.
func TestScenarioAdminOperations(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice, bob := keyActor(t, aliceSecret), keyActor(t, bobSecret)
		for _, o := range []struct {
			id, customer string
			price        engine.MicroTari
			by           *actor
		}{{"1", "alice", 100_000_000, alice}, {"2", "bob", 200_000_000, bob}, {"3", "alice", 65_000_000, alice}, {"4", "bob", 350_000_000, bob}} {
			h.addOrder(o.id, o.customer, o.price, nil)
			h.clock.Add(time.Minute)
			if r := h.claim(o.by, o.id); r.status != 200 {
				t.Fatalf("claim %s: %d %s", o.id, r.status, r.body)
			}
		}
		admin := h.login(h.super, "super_admin")

		golden(t, "creditors", h.as(admin, "GET", "/api/creditors", nil).body)
		golden(t, "customer_ids", h.as(admin, "GET", "/api/customer_ids", nil).body)
		// count without offset starts at 0, offset without count skips (the reference 500s or ignores).
		for q, want := range map[string]string{"count=1": `["alice"]`, "offset=1": `["bob"]`, "offset=1&count=5": `["bob"]`} {
			if r := h.as(admin, "GET", "/api/customer_ids?"+q, nil); r.body != want {
				t.Errorf("customer_ids?%s: %d %s, want %s", q, r.status, r.body, want)
			}
		}
		wantError(t, h.as(admin, "GET", "/api/customer_ids?count=-1", nil), 400, "Query deserialize error")

		r := h.as(admin, "POST", "/api/credit", map[string]any{"customer_id": "bob", "amount": 200_000_000})
		golden(t, "credit_note", r.body)
		wantStatus(t, h, "2", engine.OrderPaid)
		wantStatus(t, h, "4", engine.OrderNew)
		golden(t, "addresses", h.as(admin, "GET", "/api/addresses", nil).body, bob.base58(), "<bob>", alice.base58(), "<alice>")
		// The same note again in the same second is a new note, or a 4xx, never a 500.
		if r := h.as(admin, "POST", "/api/credit", map[string]any{"customer_id": "carol", "amount": 1}); r.status != 200 {
			t.Fatalf("credit: %d %s", r.status, r.body)
		}
		if r := h.as(admin, "POST", "/api/credit", map[string]any{"customer_id": "carol", "amount": 1}); r.status >= 500 {
			t.Errorf("repeated credit note: %d %s", r.status, r.body)
		}

		r = h.as(admin, "PATCH", "/api/order_price", map[string]any{"order_id": "1", "new_price": 50_000_000, "reason": "discount"})
		golden(t, "order_price", r.body)
		wantError(t, h.as(admin, "PATCH", "/api/order_price", map[string]any{"order_id": "1", "new_price": -1}), 400,
			"Cannot complete this request. The requested order change is forbidden.")
		wantError(t, h.as(admin, "PATCH", "/api/order_price", map[string]any{"order_id": "1", "new_price": 50_000_000}), 400,
			"Cannot complete this request. The requested order change would result in a no-op.")

		r = h.as(admin, "PATCH", "/api/order_memo", map[string]any{"order_id": "1", "new_memo": "gift wrap"})
		golden(t, "order_memo", r.body)

		r = h.as(admin, "PATCH", "/api/reassign_order", map[string]any{"order_id": "1", "new_customer_id": "dave", "reason": "wrong account"})
		golden(t, "reassign_order", r.body)
		wantError(t, h.as(admin, "PATCH", "/api/reassign_order", map[string]any{"order_id": "1", "new_customer_id": "dave", "reason": "again"}), 400,
			"would result in a no-op")

		r = h.as(admin, "POST", "/api/cancel", map[string]any{"order_id": "3", "reason": "out of stock"})
		golden(t, "cancel", r.body)
		wantError(t, h.as(admin, "POST", "/api/cancel", map[string]any{"order_id": "3", "reason": "twice"}), 400,
			"Cannot complete this request. The requested order change is forbidden.")
		wantError(t, h.as(admin, "POST", "/api/cancel", map[string]any{"order_id": "nope", "reason": "x"}), 404,
			"The data was not found. The requested order nope does not exist")

		r = h.as(admin, "PATCH", "/api/reset_order/3", nil)
		golden(t, "reset_order", r.body)
		wantStatus(t, h, "3", engine.OrderUnclaimed)
		wantError(t, h.as(admin, "PATCH", "/api/reset_order/3", nil), 400, "Cannot complete this request.")

		r = h.as(admin, "POST", "/api/fulfill", map[string]any{"order_id": "4", "reason": "paid in cash"})
		golden(t, "fulfill", r.body)
		wantError(t, h.as(admin, "POST", "/api/fulfill", map[string]any{"order_id": "4", "reason": "twice"}), 400, "forbidden")
		wantError(t, h.as(admin, "POST", "/api/fulfill", map[string]any{"order_id": "nope", "reason": "x"}), 404, "does not exist")

		golden(t, "search_orders", h.as(admin, "GET", "/api/search/orders?status=Paid,Cancelled,Bogus&since=2024-03-10T0:0:0Z", nil).body)
		golden(t, "search_orders_memo", h.as(admin, "GET", "/api/search/orders?memo=GIFT", nil).body)
		wantError(t, h.as(admin, "GET", "/api/search/orders?colour=red", nil), 400, "Query deserialize error: unknown field `colour`")
		wantError(t, h.as(admin, "GET", "/api/search/orders?status=Bogus", nil), 400, "Query deserialize error")
		wantError(t, h.as(admin, "GET", "/api/search/orders?since=yesterday", nil), 400, "Query deserialize error")

		if r := h.as(admin, "POST", "/api/exchange_rate", map[string]any{"currency": "USD", "rate": 30_000_000}); r.status != 200 || r.body != "" {
			t.Errorf("exchange rate: %d %q", r.status, r.body)
		}
		golden(t, "exchange_rate", h.as(admin, "GET", "/api/exchange_rate/USD", nil).body)
		wantError(t, h.as(admin, "GET", "/api/exchange_rate/EUR", nil), 404, "The data was not found.")
	})
}

// a confirmation pays oldest first and stops at the first order it cannot
// cover; settle then pays any order the funds cover (settle_accounts.feature).
func TestScenarioSettle(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		for _, o := range []struct {
			id    string
			price engine.MicroTari
		}{{"s1", 100_000_000}, {"s2", 65_000_000}} {
			h.addOrder(o.id, "alice", o.price, nil)
			h.clock.Add(time.Minute)
			h.claim(alice, o.id)
		}
		h.pay(alice, 65_000_000, "direct", nil, nil)
		wantStatus(t, h, "s2", engine.OrderNew)
		admin := h.login(h.super, "super_admin")
		wantError(t, h.as(h.login(keyActor(t, bobSecret)), "POST", "/api/settle/address/"+alice.base58(), nil), 403, "Insufficient permissions.")
		r := h.as(h.login(alice), "POST", "/api/settle", nil)
		golden(t, "settle", r.body)
		wantStatus(t, h, "s1", engine.OrderNew)
		wantStatus(t, h, "s2", engine.OrderPaid)
		for _, p := range []string{"/api/settle", "/api/settle/address/" + alice.base58(), "/api/settle/customer/alice",
			"/api/settle/address/" + url.PathEscape(alice.addr.Emoji())} { // taritools sends emoji
			if r := h.as(admin, "POST", p, nil); r.status != 200 || r.body != "null" {
				t.Errorf("%s with nothing to pay: %d %s", p, r.status, r.body)
			}
		}
	})
}

// expiry of unclaimed and unpaid orders, seen over HTTP.
func TestScenarioExpiry(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, map[string]string{"TPG_UNCLAIMED_ORDER_TIMEOUT": "2s", "TPG_UNPAID_ORDER_TIMEOUT": "4s"})
		alice := keyActor(t, aliceSecret)
		h.addOrder("unclaimed", "1", 100, nil)
		h.addOrder("unpaid", "1", 100, nil)
		h.claim(alice, "unpaid")
		h.clock.Add(3 * time.Second)
		if _, err := h.e.ExpireOrders(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, h, "unclaimed", engine.OrderExpired)
		wantStatus(t, h, "unpaid", engine.OrderNew)
		h.clock.Add(2 * time.Second)
		if _, err := h.e.ExpireOrders(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, h, "unpaid", engine.OrderExpired)
		wantError(t, h.claim(alice, "unclaimed"), 409, "")
		// An expired order stays expired until an admin resets it.
		admin := h.login(h.super, "super_admin")
		if r := h.as(admin, "PATCH", "/api/reset_order/unclaimed", `{"reason":"customer called"}`); r.status != 200 || !strings.Contains(r.body, `"new_order":{`) {
			t.Fatalf("reset: %d %s", r.status, r.body)
		}
		if r := h.claim(alice, "unclaimed"); r.status != 200 {
			t.Errorf("claim after reset: %d %s", r.status, r.body)
		}
	})
}

// wallet management as in wallet_management.feature.
func TestScenarioWalletManagement(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		spare := keyActor(t, bobSecret)
		admin := h.login(h.super, "super_admin")
		golden(t, "wallets", h.as(admin, "GET", "/api/wallets", nil).body, h.hot.base58(), "<hot>")
		if r := h.as(admin, "POST", "/api/wallets", map[string]any{"address": spare.addr.Emoji(), "ip_address": "::1", "initial_nonce": 5}); r.status != 200 || r.body != "" {
			t.Fatalf("add wallet: %d %q", r.status, r.body)
		}
		golden(t, "send_to_two", h.do("GET", "/wallet/send_to", nil).body, h.hot.base58(), "<hot>", spare.base58(), "<spare>")
		if r := h.as(admin, "DELETE", "/api/wallets/"+spare.base58(), nil); r.status != 200 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		wantError(t, h.as(admin, "DELETE", "/api/wallets/"+spare.base58(), nil), 404, "Wallet not found")

		// Roles: revoke-only and repeated grants are fine (the reference 500s).
		body := []map[string]any{{"address": spare.base58(), "apply": []string{"read_all", "write"}}}
		for i := 0; i < 2; i++ {
			if r := h.as(admin, "POST", "/api/roles", body); r.status != 200 {
				t.Fatalf("roles: %d %s", r.status, r.body)
			}
		}
		if r := h.as(admin, "POST", "/api/roles", []map[string]any{{"address": spare.base58(), "revoke": []string{"write"}}}); r.status != 200 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		h.login(spare, "read_all")
		wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", h.loginToken(spare, "write")), 403, "Insufficient Permissions.")
		wantError(t, h.as(admin, "POST", "/api/roles", []map[string]any{{"address": spare.base58(), "apply": []string{"emperor"}}}), 400, "unknown variant `emperor`")
		wantError(t, h.as(admin, "POST", "/api/roles", []map[string]any{{"address": "nobody"}}), 400,
			"Could not read request path: Could not recover TariAddress from string")
	})
}

// a claim pays at once from the claimant's existing credit (claim_order.feature 3).
func TestScenarioClaimPaysFromCredit(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		x := keyActor(t, bobSecret)
		h.pay(x, 100_000_000, "early", nil, nil)
		h.addOrder("999-1", "999", 60_000_000, nil)
		wantStatus(t, h, "999-1", engine.OrderUnclaimed)
		r := h.claim(x, "999-1")
		if r.status != 200 {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
		golden(t, "claimed_order_paid", r.body)
		wantStatus(t, h, "999-1", engine.OrderPaid)
		if b := h.balance(x); b.CurrentBalance != 40_000_000 {
			t.Errorf("balance %+v", b)
		}
	})
}
