package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/internal/shopdata"
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func TestShopTokens(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			s := db.NewShopTokenStore(dbtest.Open(t, backend).Bun())
			ctx := context.Background()
			if _, err := s.ShopToken(ctx, "a.myshopify.com"); !errors.Is(err, shopdata.ErrTokenNotFound) {
				t.Fatalf("missing token: %v", err)
			}
			at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			exp, rexp := at.Add(time.Hour), at.Add(30*24*time.Hour)
			first := shopdata.Token{Shop: "a.myshopify.com", AccessToken: "shpat_1", Scope: "read_orders",
				ExpiresAt: &exp, RefreshToken: "shprt_1", RefreshExpiresAt: &rexp, UpdatedAt: at}
			if err := s.SaveShopToken(ctx, first); err != nil {
				t.Fatal(err)
			}
			got, err := s.ShopToken(ctx, "a.myshopify.com")
			if err != nil || got.AccessToken != "shpat_1" || got.RefreshToken != "shprt_1" || !got.ExpiresAt.Equal(exp) || !got.RefreshExpiresAt.Equal(rexp) {
				t.Fatalf("got %+v, %v", got, err)
			}
			// a refresh rotates both tokens at once; a static-looking token has no expiry
			second := shopdata.Token{Shop: "a.myshopify.com", AccessToken: "shpat_2", RefreshToken: "shprt_2", UpdatedAt: at.Add(time.Hour)}
			if err := s.SaveShopToken(ctx, second); err != nil {
				t.Fatal(err)
			}
			got, err = s.ShopToken(ctx, "a.myshopify.com")
			if err != nil || got.AccessToken != "shpat_2" || got.RefreshToken != "shprt_2" || got.ExpiresAt != nil || got.Scope != "" {
				t.Fatalf("after rotation %+v, %v", got, err)
			}
			if _, err := s.ShopToken(ctx, "b.myshopify.com"); !errors.Is(err, shopdata.ErrTokenNotFound) {
				t.Fatalf("another shop: %v", err)
			}
		})
	}
}

func TestDashboardReports(t *testing.T) {
	const sender = "14zCiH6ybX18HCm3SfLfHSoT48vfzxWUtbNPMt7k61akqDv"
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{now: time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)}
			e := engine.New(engine.Config{DisableMemoSignature: true}, dbtest.Open(t, backend), clk)
			if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: sender, IPAddress: "127.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			nonce := int64(0)
			pay := func(txid string, amount engine.MicroTari) {
				t.Helper()
				nonce++
				if _, err := e.ReceivePayment(ctx, engine.WalletCall{Address: sender, Nonce: nonce}, engine.NewPayment{Sender: sender, Amount: amount, TxID: txid}); err != nil {
					t.Fatal(err)
				}
				nonce++
				if _, err := e.ConfirmPayment(ctx, engine.WalletCall{Address: sender, Nonce: nonce}, txid); err != nil {
					t.Fatal(err)
				}
			}
			pay("old", 1_000_000) // 10 Nov: outside the 7-day window of 20 Nov
			clk.now = time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
			pay("week", 2_000_000)
			clk.now = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
			pay("today", 4_000_000)
			nonce++
			if _, err := e.ReceivePayment(ctx, engine.WalletCall{Address: sender, Nonce: nonce}, engine.NewPayment{Sender: sender, Amount: 8_000_000, TxID: "pending"}); err != nil {
				t.Fatal(err)
			}
			for _, o := range []engine.NewOrder{
				{OrderID: "1", CustomerID: "c1", TotalPrice: 3_000_000, Currency: "XTR", CreatedAt: clk.now},
				{OrderID: "2", CustomerID: "c2", TotalPrice: 5_000_000, Currency: "XTR", CreatedAt: clk.now},
			} {
				if _, err := e.AddOrder(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range []engine.ExchangeRate{{Currency: "USD", Rate: 1}, {Currency: "EUR", Rate: 3}, {Currency: "USD", Rate: 2}} {
				if _, err := e.SetExchangeRate(ctx, r.Currency, r.Rate); err != nil {
					t.Fatal(err)
				}
			}
			clk.now = time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC)

			d, err := e.Dashboard(ctx, 14)
			if err != nil {
				t.Fatal(err)
			}
			if d.ReceivedToday != 4_000_000 || d.ReceivedWeek != 6_000_000 || d.ReceivedTotal != 7_000_000 {
				t.Fatalf("received today %d, week %d, total %d", d.ReceivedToday, d.ReceivedWeek, d.ReceivedTotal)
			}
			if len(d.PerDay) != 14 || !d.PerDay[13].Day.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) ||
				d.PerDay[13].Count != 1 || d.PerDay[11].Amount != 2_000_000 || d.PerDay[3].Amount != 1_000_000 {
				t.Fatalf("per day %+v", d.PerDay)
			}
			var orders int
			for _, s := range d.ByStatus {
				orders += s.Count
			}
			if orders != 2 {
				t.Fatalf("by status %+v", d.ByStatus)
			}
			if len(d.Latest) != 4 || d.Latest[3].TxID != "old" || d.Latest[2].TxID != "week" {
				t.Fatalf("latest %+v", d.Latest)
			}
			rates, err := e.ExchangeRates(ctx)
			if err != nil || len(rates) != 2 || rates[0].Currency != "EUR" || rates[1].Rate != 2 {
				t.Fatalf("rates %+v, %v", rates, err)
			}
		})
	}
}
