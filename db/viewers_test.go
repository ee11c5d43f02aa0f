package db_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
	"taripay/engine/tari"
)

// Migration 0005 gives a database written before it the viewers its ledger
// already shows: memo claims (by order id or in the note), payments that
// named an order, settlements, and pay-page claims, whose links become
// proven. An auto-claim shows nothing.
func TestOrderViewersMigration(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d, url := dbtest.OpenURL(t, backend)
			e := engine.New(engine.Config{StrictMode: true, UnclaimedOrderTimeout: time.Hour, UnpaidOrderTimeout: time.Hour},
				d, enginetest.NewClock(time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)))
			if err := e.AuthorizeWallet(ctx, engine.Wallet{Address: "hot", IPAddress: "192.0.2.1"}); err != nil {
				t.Fatal(err)
			}
			nonce := int64(0)
			call := func() engine.WalletCall { nonce++; return engine.WalletCall{Address: "hot", Nonce: nonce} }
			must := func(_ any, err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			add := func(id, customer string, memo *string) engine.Order {
				t.Helper()
				o, err := e.AddOrder(ctx, engine.NewOrder{OrderID: id, CustomerID: customer, TotalPrice: 100, Currency: "XTR", Memo: memo})
				if err != nil {
					t.Fatal(err)
				}
				return o
			}
			noter := newKey(t)
			sig, err := tari.SignMemo(rand.Reader, noter.key, noter.addr, "o-note")
			if err != nil {
				t.Fatal(err)
			}
			note, _ := sig.MarshalJSON()

			add("o-memo", "c", nil)
			add("o-pay", "c", nil)
			add("o-note", "c", ptr(string(note)))
			page := add("o-page", "c", nil)
			add("o-s1", "c2", nil)
			must(e.Claim(engine.WithActor(ctx, "claim:M"), "o-memo", "M"))
			must(e.ReceivePayment(ctx, call(), engine.NewPayment{TxID: "tx-p", Sender: "P", Amount: 1, OrderID: ptr("o-pay")}))
			must(e.ClaimWithToken(engine.WithActor(ctx, "pay:Q"), page.ClaimToken, "Q"))
			// S pays o-s1 and keeps credit, which then pays the auto-claimed o-auto.
			must(e.Claim(ctx, "o-s1", "S"))
			must(e.ReceivePayment(ctx, call(), engine.NewPayment{TxID: "tx-s", Sender: "S", Amount: 200}))
			if _, err := e.ConfirmPayment(ctx, call(), "tx-s"); err != nil {
				t.Fatal(err)
			}
			add("o-auto", "c2", nil)

			// Back to the schema before 0005, then migrate again.
			for _, stmt := range []string{
				"DROP TABLE order_viewers",
				"ALTER TABLE address_customer_links DROP COLUMN proven_at",
				"DELETE FROM schema_migrations WHERE version = 5",
			} {
				if _, err := d.Bun().ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			again, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			e = engine.New(engine.Config{StrictMode: true}, again, nil)
			for address, want := range map[string]string{
				noter.addr.Base58(): "o-note",
				"M":                 "o-memo",
				"P":                 "o-pay",
				"Q":                 "o-memo,o-pay,o-note,o-page",
				"S":                 "o-s1,o-auto",
			} {
				r, err := e.OwnOrders(ctx, address, false, engine.Page{})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, o := range r.Orders {
					got = append(got, o.OrderID)
				}
				if strings.Join(got, ",") != want {
					t.Errorf("%s sees %v, want %s", address, got, want)
				}
			}
			vs, err := e.OrderViewers(ctx, "o-page")
			if err != nil || len(vs) != 1 || vs[0].Proof != engine.ProofPayPage {
				t.Errorf("viewers of o-page: %+v, %v", vs, err)
			}
		})
	}
}

type key struct {
	key  tari.SecretKey
	addr tari.Address
}

func newKey(t *testing.T) key {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key{k, tari.NewAddress(tari.MainNet, k.Public())}
}

func ptr(s string) *string { return &s }
