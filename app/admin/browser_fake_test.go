package admin

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"taripay/engine"
)

// statefulFake is an in-memory engine for the browser tests until they run
// on the real one: credit pays open orders, wallets and rates are kept.
func statefulFake() *fakeEngine {
	var mu sync.Mutex
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	memo := "gift for alice"
	orders := map[string]engine.Order{
		"1001": {OrderID: "1001", CustomerID: "alice", TotalPrice: 5_000_000, Currency: "USD", Status: engine.OrderNew, CreatedAt: t0},
		"1002": {OrderID: "1002", CustomerID: "bob", TotalPrice: 7_000_000, Currency: "USD", Status: engine.OrderPaid, CreatedAt: t0.Add(time.Hour), Memo: &memo},
	}
	var wallets []engine.Wallet
	var rates []engine.ExchangeRate
	return &fakeEngine{
		order: func(ref string) (engine.Order, error) {
			mu.Lock()
			defer mu.Unlock()
			o, ok := orders[ref]
			if !ok {
				return o, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "order %s does not exist", ref)
			}
			return o, nil
		},
		searchOrders: func(q engine.OrderQuery) ([]engine.Order, error) {
			mu.Lock()
			defer mu.Unlock()
			var out []engine.Order
			for _, o := range orders {
				if q.Memo != "" && !strings.Contains(strings.ToLower(deref(o.Memo)), strings.ToLower(q.Memo)) {
					continue
				}
				if q.CustomerID != "" && o.CustomerID != q.CustomerID {
					continue
				}
				out = append(out, o)
			}
			sort.Slice(out, func(i, j int) bool { return out[i].OrderID < out[j].OrderID })
			return out, nil
		},
		customerIDs: func(int, int) ([]string, error) { return []string{"alice", "bob"}, nil },
		customerHistory: func(id string) (engine.CustomerHistory, error) {
			mu.Lock()
			defer mu.Unlock()
			h := engine.CustomerHistory{CustomerID: id}
			for _, o := range orders {
				if o.CustomerID == id {
					h.Orders = append(h.Orders, o)
				}
			}
			return h, nil
		},
		creditNote: func(_ context.Context, id string, amount engine.MicroTari, _ string) (engine.MultiAccountPayment, error) {
			mu.Lock()
			defer mu.Unlock()
			var paid engine.MultiAccountPayment
			for k, o := range orders {
				if o.CustomerID == id && o.Status.Open() && o.TotalPrice <= amount {
					amount -= o.TotalPrice
					o.Status = engine.OrderPaid
					orders[k] = o
					paid.OrdersPaid = append(paid.OrdersPaid, o)
				}
			}
			return paid, nil
		},
		wallets: func() ([]engine.Wallet, error) {
			mu.Lock()
			defer mu.Unlock()
			return append([]engine.Wallet(nil), wallets...), nil
		},
		authorizeWallet: func(_ context.Context, w engine.Wallet) error {
			mu.Lock()
			defer mu.Unlock()
			wallets = append(wallets, w)
			return nil
		},
		revokeWallet: func(_ context.Context, address string) error {
			mu.Lock()
			defer mu.Unlock()
			for i, w := range wallets {
				if w.Address == address {
					wallets = append(wallets[:i], wallets[i+1:]...)
					return nil
				}
			}
			return engine.Errorf(engine.ENOTFOUND, engine.ErrWalletNotFound, "wallet %s is not authorised", address)
		},
		exchangeRates: func() ([]engine.ExchangeRate, error) {
			mu.Lock()
			defer mu.Unlock()
			return append([]engine.ExchangeRate(nil), rates...), nil
		},
		setExchangeRate: func(_ context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error) {
			mu.Lock()
			defer mu.Unlock()
			r := engine.ExchangeRate{Currency: currency, Rate: rate, UpdatedAt: time.Now()}
			rates = []engine.ExchangeRate{r}
			return r, nil
		},
	}
}
