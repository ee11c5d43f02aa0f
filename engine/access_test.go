package engine_test

import (
	"fmt"
	"testing"
	"time"

	"taripay/engine"
)

func TestLoginNoncesAndRoles(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		const a = "addr-alice"
		if err := en.e.Login(en.ctx, a, 1, nil); err != nil {
			t.Fatalf("first login: %v", err)
		}
		err := en.e.Login(en.ctx, a, 1, nil)
		wantErr(t, err, engine.ErrInvalidNonce)
		if engine.ErrorCode(err) != engine.EUNAUTHORIZED {
			t.Fatalf("code = %s", engine.ErrorCode(err))
		}
		if err := en.e.Login(en.ctx, a, 2, []engine.Role{engine.RoleUser}); err != nil {
			t.Fatal(err)
		}
		// A refused role still burns the nonce.
		err = en.e.Login(en.ctx, a, 3, []engine.Role{engine.RoleWrite, engine.RoleWrite, engine.RoleReadAll})
		wantErr(t, err, engine.ErrRoleNotAllowed)
		if err.Error() != "3 of the requested roles are not held" {
			t.Fatalf("message = %q", err)
		}
		wantErr(t, en.e.Login(en.ctx, a, 3, nil), engine.ErrInvalidNonce)

		if err := en.e.UpdateRoles(en.ctx, a, []engine.Role{engine.RoleReadAll, engine.RoleWrite}, nil); err != nil {
			t.Fatal(err)
		}
		if err := en.e.UpdateRoles(en.ctx, a, nil, []engine.Role{engine.RoleWrite, engine.RoleUser}); err != nil {
			t.Fatal(err)
		}
		roles, err := en.e.Roles(en.ctx, a)
		if err != nil || fmt.Sprint(roles) != "[user read_all]" {
			t.Fatalf("roles = %v, %v", roles, err)
		}
		if err := en.e.Login(en.ctx, a, 10, []engine.Role{engine.RoleReadAll}); err != nil {
			t.Fatal(err)
		}
		err = en.e.Login(en.ctx, a, 11, []engine.Role{engine.RoleReadAll, engine.RoleSuperAdmin})
		wantErr(t, err, engine.ErrRoleNotAllowed)
		if engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Fatalf("code = %s", engine.ErrorCode(err))
		}
		wantErr(t, en.e.UpdateRoles(en.ctx, a, []engine.Role{"root"}, nil), engine.ErrRoleNotAllowed)
	})
}

func TestWallets(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: "w2", IPAddress: "10.0.0.2", LastNonce: 5}); err != nil {
			t.Fatal(err)
		}
		_, err := en.e.ReceivePayment(en.ctx, engine.WalletCall{Address: "w2", Nonce: 5}, engine.NewPayment{Sender: "s", Amount: 1, TxID: "t1"})
		wantErr(t, err, engine.ErrInvalidNonce)
		en.clock.Add(time.Minute)
		if _, err := en.e.ReceivePayment(en.ctx, engine.WalletCall{Address: "w2", Nonce: 6}, engine.NewPayment{Sender: "s", Amount: 1, TxID: "t1"}); err != nil {
			t.Fatal(err)
		}
		// A duplicate still consumes the nonce.
		if r, err := en.e.ReceivePayment(en.ctx, engine.WalletCall{Address: "w2", Nonce: 7}, engine.NewPayment{Sender: "s", Amount: 1, TxID: "t1"}); err != nil || !r.Duplicate || r.Payment.TxID != "t1" {
			t.Fatalf("duplicate = %+v, %v", r, err)
		}
		w, err := en.e.Wallet(en.ctx, "w2")
		if err != nil || w.LastNonce != 7 || w.LastSeen == nil || !w.LastSeen.Equal(en.clock.Now()) || w.IPAddress != "10.0.0.2" {
			t.Fatalf("wallet = %+v, %v", w, err)
		}
		// Re-authorising changes the IP but never rewinds the nonce.
		if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: "w2", IPAddress: "10.0.0.3", LastNonce: 1}); err != nil {
			t.Fatal(err)
		}
		if w, err := en.e.Wallet(en.ctx, "w2"); err != nil || w.LastNonce != 7 || w.IPAddress != "10.0.0.3" {
			t.Fatalf("re-authorised wallet = %+v, %v", w, err)
		}
		ws, err := en.e.Wallets(en.ctx)
		if err != nil || len(ws) != 2 {
			t.Fatalf("wallets = %+v, %v", ws, err)
		}
		if err := en.e.RevokeWallet(en.ctx, "w2"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, en.e.RevokeWallet(en.ctx, "w2"), engine.ErrWalletNotFound)
		_, err = en.e.Wallet(en.ctx, "w2")
		wantErr(t, err, engine.ErrWalletNotFound)
		_, err = en.e.ReceivePayment(en.ctx, engine.WalletCall{Address: "w2", Nonce: 8}, engine.NewPayment{Sender: "s", Amount: 1, TxID: "t2"})
		wantErr(t, err, engine.ErrWalletNotFound)
		_, err = en.e.ReceivePayment(en.ctx, en.call(), engine.NewPayment{Sender: "s", Amount: 0, TxID: "t3"})
		wantErr(t, err, engine.ErrInvalidAmount)
	})
}

func TestExchangeRates(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		_, err := en.e.ExchangeRate(en.ctx, "USD")
		wantErr(t, err, engine.ErrUnsupportedCurrency)
		if r, err := en.e.ExchangeRate(en.ctx, "xtr"); err != nil || r.Rate != 1_000_000 {
			t.Fatalf("XTR = %+v, %v", r, err)
		}
		for _, rate := range []engine.MicroTari{10_000_000, 11_000_000} {
			if _, err := en.e.SetExchangeRate(en.ctx, "usd", rate); err != nil {
				t.Fatal(err)
			}
		}
		r, err := en.e.ExchangeRate(en.ctx, "USD")
		if err != nil || r.Rate != 11_000_000 || r.Currency != "USD" {
			t.Fatalf("USD = %+v, %v", r, err)
		}
		h, err := en.e.ExchangeRateHistory(en.ctx, "USD", 0)
		if err != nil || len(h) != 2 || h[1].Rate != 10_000_000 {
			t.Fatalf("history = %+v, %v", h, err)
		}
		_, err = en.e.SetExchangeRate(en.ctx, "USD", 0)
		wantErr(t, err, engine.ErrInvalidAmount)
	})
}

// The reference's order_search scenarios, on the seeded accounts.
func TestSearchAndListings(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		memos := []string{"Manually inserted by Keith", "Manually inserted by Charlie", "Manually inserted by Sam", "Manually inserted by Ray"}
		days := []time.Time{
			time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC), time.Date(2024, 3, 10, 15, 30, 0, 0, time.UTC),
			time.Date(2024, 3, 11, 16, 0, 0, 0, time.UTC), time.Date(2024, 3, 11, 17, 0, 0, 0, time.UTC),
		}
		customers := []string{"alice", "bob", "alice", "bob"}
		for i := range 4 {
			_, err := en.e.AddOrder(en.ctx, engine.NewOrder{OrderID: fmt.Sprint(i + 1), CustomerID: customers[i], Memo: &memos[i],
				TotalPrice: xtr(int64(100 * (i + 1))), Currency: "XTR", CreatedAt: days[i]})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := en.e.AddOrder(en.ctx, engine.NewOrder{OrderID: "5", CustomerID: "admin", Memo: &memos[1], TotalPrice: xtr(25), Currency: "XMR", CreatedAt: time.Date(2024, 3, 12, 18, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		ids := func(q engine.OrderQuery) string {
			t.Helper()
			os, err := en.e.SearchOrders(en.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range os {
				out = append(out, o.OrderID)
			}
			return fmt.Sprint(out)
		}
		since, until := time.Date(2024, 3, 10, 15, 15, 0, 0, time.UTC), time.Date(2024, 3, 11, 16, 15, 0, 0, time.UTC)
		eleventh := time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			q    engine.OrderQuery
			want string
		}{
			{engine.OrderQuery{Since: &eleventh}, "[3 4 5]"},
			{engine.OrderQuery{Until: &eleventh}, "[1 2]"},
			{engine.OrderQuery{Since: &since, Until: &until}, "[2 3]"},
			{engine.OrderQuery{Memo: "charlie"}, "[2 5]"},
			{engine.OrderQuery{CustomerID: "alice"}, "[1 3]"},
			{engine.OrderQuery{Currency: "XMR"}, "[5]"},
			{engine.OrderQuery{OrderID: "2"}, "[2]"},
			{engine.OrderQuery{CustomerID: "bob", Since: &eleventh}, "[4]"},
			{engine.OrderQuery{Statuses: []engine.OrderStatus{engine.OrderUnclaimed}, Offset: 1, Limit: 2}, "[2 3]"},
			{engine.OrderQuery{Offset: 3}, "[4 5]"},
			{engine.OrderQuery{Memo: "%"}, "[1 2 3 4 5]"},
			{engine.OrderQuery{NewestFirst: true, Limit: 2}, "[5 4]"},
			{engine.OrderQuery{CustomerID: "alice", NewestFirst: true}, "[3 1]"},
		} {
			if got := ids(c.q); got != c.want {
				t.Errorf("search %+v = %s, want %s", c.q, got, c.want)
			}
		}
		for _, ref := range []string{"1", "3"} {
			if _, err := en.e.Claim(en.ctx, ref, "addr-alice"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := en.e.Claim(en.ctx, "2", "addr-bob"); err != nil {
			t.Fatal(err)
		}
		cr, err := en.e.Creditors(en.ctx, engine.Page{})
		if err != nil || fmt.Sprint(cr) != fmt.Sprintf("[{alice New %d} {bob New %d}]", xtr(400), xtr(200)) {
			t.Fatalf("creditors = %v, %v", cr, err)
		}
		if got, err := en.e.CustomerIDs(en.ctx, engine.Page{Offset: 1, Count: 2}); err != nil || fmt.Sprint(got) != "[alice bob]" {
			t.Fatalf("customer ids = %v, %v", got, err)
		}
		if got, err := en.e.Addresses(en.ctx, engine.Page{}); err != nil || fmt.Sprint(got) != "[addr-alice addr-bob]" {
			t.Fatalf("addresses = %v, %v", got, err)
		}
		r, err := en.e.OrdersForAddress(en.ctx, "addr-alice", true, engine.Page{})
		if err != nil || r.TotalOrders != xtr(400) || len(r.Orders) != 2 {
			t.Fatalf("orders for alice = %+v, %v", r, err)
		}
		o, err := en.e.Order(en.ctx, "1", false)
		if err != nil {
			t.Fatal(err)
		}
		byToken, err := en.e.OrderByClaimToken(en.ctx, o.ClaimToken)
		if err != nil || byToken.OrderID != "1" || len(o.ClaimToken) < 22 {
			t.Fatalf("by token = %+v, %v", byToken, err)
		}
		_, err = en.e.OrderByClaimToken(en.ctx, "nope")
		wantErr(t, err, engine.ErrOrderNotFound)
		_, err = en.e.AddOrder(en.ctx, engine.NewOrder{OrderID: "1", CustomerID: "x", Currency: "XTR"})
		wantErr(t, err, engine.ErrOrderExists)
	})
}

// The outbox leases each due job to one caller; retries and completion.
func TestSideEffectOutbox(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.order("o1", "c1", xtr(1), nil)
		if _, err := en.e.Fulfill(en.ctx, "o1", ""); err != nil {
			t.Fatal(err)
		}
		en.order("o2", "c2", xtr(1), nil)
		if _, err := en.e.Cancel(en.ctx, "o2", ""); err != nil {
			t.Fatal(err)
		}
		jobs, err := en.e.ClaimSideEffects(en.ctx, 10, time.Minute)
		if err != nil || len(jobs) != 2 || jobs[0].Kind != engine.SideEffectMarkPaid || jobs[1].Kind != engine.SideEffectCancel || jobs[0].Attempts != 1 {
			t.Fatalf("jobs = %+v, %v", jobs, err)
		}
		if again, _ := en.e.ClaimSideEffects(en.ctx, 10, time.Minute); len(again) != 0 {
			t.Fatalf("leased twice: %+v", again)
		}
		if err := en.e.CompleteSideEffect(en.ctx, jobs[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := en.e.RetrySideEffect(en.ctx, jobs[1].ID, en.clock.Now().Add(30*time.Second), "503", false); err != nil {
			t.Fatal(err)
		}
		if again, _ := en.e.ClaimSideEffects(en.ctx, 10, time.Minute); len(again) != 0 {
			t.Fatalf("retried early: %+v", again)
		}
		en.clock.Add(31 * time.Second)
		again, err := en.e.ClaimSideEffects(en.ctx, 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].Attempts != 2 || again[0].LastError != "503" {
			t.Fatalf("retry = %+v, %v", again, err)
		}
		if err := en.e.RetrySideEffect(en.ctx, again[0].ID, en.clock.Now(), "gone", true); err != nil {
			t.Fatal(err)
		}
		ses, _ := en.e.SideEffects(en.ctx, "o2")
		if len(ses) != 1 || ses[0].State != engine.SideEffectFailed {
			t.Fatalf("o2 jobs = %+v", ses)
		}
		// An expired lease makes the job due again for another process.
		en.order("o3", "c3", xtr(1), nil)
		if _, err := en.e.Cancel(en.ctx, "o3", ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := en.e.ClaimSideEffects(en.ctx, 10, time.Minute); len(got) != 1 {
			t.Fatalf("o3 = %+v", got)
		}
		en.clock.Add(2 * time.Minute)
		if got, _ := en.e.ClaimSideEffects(en.ctx, 10, time.Minute); len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("after lease expiry = %+v", got)
		}
	})
}
