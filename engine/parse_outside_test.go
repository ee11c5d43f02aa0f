package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// openTx is a store that knows whether one of its write transactions is
// open.
type openTx struct {
	engine.Store
	open atomic.Int32
}

func (s *openTx) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error {
		s.open.Add(1)
		defer s.open.Add(-1)
		return fn(tx)
	})
}

// No note is parsed, and no memo signature verified, while a write
// transaction is open: a signed note of any size costs its parse outside
// the write lock (docs/security.md, resource limits). Each way a note comes
// in is checked: an order priced in µT, an order priced in its currency, an
// order priced when its rate is set, and a payment.
func TestNotesParsedOutsideTheWriteTransaction(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		store := &openTx{Store: en.db}
		e := engine.New(defaultConfig, store, en.clock)
		var parses, inside atomic.Int32
		engine.SetMemoParser(e, func(b []byte) (tari.MemoSignature, error) {
			parses.Add(1)
			if store.open.Load() > 0 {
				inside.Add(1)
			}
			return tari.ParseMemoSignature(b)
		})
		u := newUser(t)
		now := en.clock.Now()
		price := "12.50"
		steps := []struct {
			name string
			run  func() error
		}{
			{"AddOrder", func() error {
				_, err := e.AddOrder(en.ctx, engine.NewOrder{OrderID: "p1", CustomerID: "c1", TotalPrice: xtr(1), Currency: "XTR", Memo: u.memo(t, "p1"), CreatedAt: now})
				return err
			}},
			{"ReceiveOrder", func() error {
				_, _, err := e.ReceiveOrder(en.ctx, engine.NewOrder{OrderID: "p2", CustomerID: "c1", OriginalPrice: &price, Currency: "XTR", Memo: u.memo(t, "p2"), CreatedAt: now})
				return err
			}},
			{"ReceiveOrder, waiting", func() error {
				_, _, err := e.ReceiveOrder(en.ctx, engine.NewOrder{OrderID: "p3", CustomerID: "c1", OriginalPrice: &price, Currency: "EUR", Memo: u.memo(t, "p3"), CreatedAt: now})
				return err
			}},
			{"SetExchangeRate", func() error {
				_, err := e.SetExchangeRate(en.ctx, "EUR", xtr(40))
				return err
			}},
			{"ReceivePayment", func() error {
				_, err := e.ReceivePayment(en.ctx, en.call(), engine.NewPayment{TxID: "tx1", Sender: u.String(), Amount: xtr(1), Memo: u.memo(t, "p1")})
				return err
			}},
		}
		for _, s := range steps {
			before := parses.Load()
			if err := s.run(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if parses.Load() == before {
				t.Fatalf("%s parsed no note", s.name)
			}
			if n := inside.Load(); n > 0 {
				t.Fatalf("%s: %d notes parsed inside a write transaction", s.name, n)
			}
			en.clock.Add(time.Second)
		}
		o, err := e.Order(en.ctx, "p3", false)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != engine.OrderNew {
			t.Fatalf("the order priced at its new rate is %s, want New: claimed by its signed note", o.Status)
		}
	})
}

// An order that starts waiting for a rate while SetExchangeRate reads the
// waiting orders' notes, outside its transaction, is priced too: in a
// second transaction, after its note is read.
func TestRatePricesOrdersThatBeganWaitingMeanwhile(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		u := newUser(t)
		price := "10.00"
		order := func(id string) engine.NewOrder {
			return engine.NewOrder{OrderID: id, CustomerID: "c1", OriginalPrice: &price, Currency: "EUR", Memo: u.memo(t, id), CreatedAt: en.clock.Now()}
		}
		if _, waiting, err := en.e.ReceiveOrder(en.ctx, order("w1")); err != nil || !waiting {
			t.Fatalf("w1: waiting %v, %v", waiting, err)
		}
		var arrived atomic.Bool
		engine.SetMemoParser(en.e, func(b []byte) (tari.MemoSignature, error) {
			// The first note read is w1's, by SetExchangeRate: w2 arrives now.
			if arrived.CompareAndSwap(false, true) {
				if _, waiting, err := en.e.ReceiveOrder(en.ctx, order("w2")); err != nil || !waiting {
					t.Errorf("w2: waiting %v, %v", waiting, err)
				}
			}
			return tari.ParseMemoSignature(b)
		})
		if _, err := en.e.SetExchangeRate(en.ctx, "EUR", xtr(2)); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"w1", "w2"} {
			o, err := en.e.Order(en.ctx, id, false)
			if err != nil || o.Status != engine.OrderNew || o.TotalPrice != xtr(20) {
				t.Errorf("order %s: %s, %d µT, %v; want New (claimed by its note) at 20 XTR", id, o.Status, o.TotalPrice, err)
			}
		}
	})
}
