package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"taripay/db/dbtest"
	"taripay/engine"
)

// The order, payment, settlement and creditor lists read one page in the
// query: a page holds at most count rows, pages follow one another in the
// list's order (created_at, then id or tx_id, so rows of one instant keep
// their place; settlements by id), and the totals sum the whole list.
func TestListsPagedInTheQuery(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, backend)
			at := time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)
			err := d.Update(ctx, func(tx engine.Tx) error {
				// 7 orders of c1 (linked to A), 2 of c2 that A views, 1 of c3;
				// three share each instant, so the id breaks the tie.
				for i, customer := range []string{"c1", "c1", "c2", "c1", "c1", "c3", "c1", "c2", "c1", "c1"} {
					o := engine.Order{OrderID: fmt.Sprintf("o%02d", i), CustomerID: customer, Currency: "XTR", TotalPrice: engine.MicroTari(i + 1),
						Status: engine.OrderNew, ClaimToken: fmt.Sprintf("tok-%d", i), CreatedAt: at.Add(time.Duration(i/3) * time.Minute)}
					if _, err := tx.InsertOrder(ctx, &o); err != nil {
						return err
					}
					if customer == "c2" {
						if err := tx.AddViewer(ctx, engine.OrderViewer{Address: "A", OrderID: o.OrderID, Proof: engine.ProofClaim, CreatedAt: at}); err != nil {
							return err
						}
					}
				}
				for i := range 8 {
					p := engine.Payment{TxID: fmt.Sprintf("tx%d", 7-i), Sender: "A", Amount: engine.MicroTari(10 * (i + 1)), PaymentType: engine.PaymentOnChain,
						Status: engine.PaymentReceived, CreatedAt: at.Add(time.Duration(i/3) * time.Minute), UpdatedAt: at}
					if _, err := tx.InsertPayment(ctx, p); err != nil {
						return err
					}
				}
				// 5 payments of B name o00, by its id or its alt id, two
				// to an instant, of every status; one names another order.
				statuses := []engine.PaymentStatus{engine.PaymentReceived, engine.PaymentConfirmed, engine.PaymentCancelled}
				for i, ref := range []string{"o00", "#1001", "o00", "#1001", "o00", "o01"} {
					p := engine.Payment{TxID: fmt.Sprintf("q%d", 4-i), Sender: "B", Amount: engine.MicroTari(i + 1), PaymentType: engine.PaymentOnChain, OrderID: &ref,
						Status: statuses[i%3], CreatedAt: at.Add(time.Duration(i/2) * time.Minute), UpdatedAt: at}
					if _, err := tx.InsertPayment(ctx, p); err != nil {
						return err
					}
				}
				// c4's orders p0…p4, all Paid but p2; settlements on them
				// from A, and one from B.
				for i := range 5 {
					o := engine.Order{OrderID: fmt.Sprintf("p%d", i), CustomerID: "c4", Currency: "XTR", TotalPrice: 10,
						Status: engine.OrderPaid, ClaimToken: fmt.Sprintf("tok-p%d", i), CreatedAt: at}
					if i == 2 {
						o.Status = engine.OrderCancelled
					}
					if _, err := tx.InsertOrder(ctx, &o); err != nil {
						return err
					}
				}
				if err := tx.AddConfirmed(ctx, "A", 100, at); err != nil {
					return err
				}
				for i, s := range []struct{ order, from string }{{"p0", "A"}, {"p1", "B"}, {"p1", "A"}, {"p2", "A"}, {"p3", "A"}, {"p4", "A"}, {"p0", "A"}} {
					amount := engine.MicroTari(i)
					if s.from == "B" {
						amount = 0 // B has no funds
					}
					st := engine.Settlement{CreatedAt: at, OrderID: s.order, PaymentAddress: s.from, SettlementType: engine.SettlementSingle, Amount: amount}
					if err := tx.InsertSettlement(ctx, &st); err != nil {
						return err
					}
				}
				return tx.Link(ctx, "A", "c1", true, at)
			})
			if err != nil {
				t.Fatal(err)
			}
			orderIDs := func(os []engine.Order) []string {
				out := []string{}
				for _, o := range os {
					out = append(out, o.OrderID)
				}
				return out
			}
			txIDs := func(ps []engine.Payment) []string {
				out := []string{}
				for _, p := range ps {
					out = append(out, p.TxID)
				}
				return out
			}
			settled := func(ss []engine.Settlement) []string {
				out := []string{}
				for _, s := range ss {
					out = append(out, fmt.Sprintf("%s:%s:%d", s.OrderID, s.PaymentAddress, s.Amount))
				}
				return out
			}
			lists := []struct {
				name  string
				read  func(tx engine.Tx, offset, count int) ([]string, error)
				total func(tx engine.Tx) (engine.MicroTari, error)
				want  []string
				sum   engine.MicroTari
			}{
				{"orders linked to A", func(tx engine.Tx, offset, count int) ([]string, error) {
					os, err := tx.Orders(ctx, engine.OrderSet{LinkedTo: "A"}, offset, count)
					return orderIDs(os), err
				}, func(tx engine.Tx) (engine.MicroTari, error) {
					return tx.OrdersTotal(ctx, engine.OrderSet{LinkedTo: "A"})
				},
					[]string{"o00", "o01", "o03", "o04", "o06", "o08", "o09"}, 1 + 2 + 4 + 5 + 7 + 9 + 10},
				{"orders A sees", func(tx engine.Tx, offset, count int) ([]string, error) {
					os, err := tx.Orders(ctx, engine.OrderSet{Customers: []string{"c1"}, ViewedBy: "A"}, offset, count)
					return orderIDs(os), err
				}, func(tx engine.Tx) (engine.MicroTari, error) {
					return tx.OrdersTotal(ctx, engine.OrderSet{Customers: []string{"c1"}, ViewedBy: "A"})
				}, []string{"o00", "o01", "o02", "o03", "o04", "o06", "o07", "o08", "o09"}, 55 - 6},
				{"payments of A", func(tx engine.Tx, offset, count int) ([]string, error) {
					ps, err := tx.PaymentsBySender(ctx, "A", offset, count)
					return txIDs(ps), err
				}, func(tx engine.Tx) (engine.MicroTari, error) { return tx.PaymentsTotal(ctx, "A") },
					[]string{"tx5", "tx6", "tx7", "tx2", "tx3", "tx4", "tx0", "tx1"}, 360},
				{"payments for o00", func(tx engine.Tx, offset, count int) ([]string, error) {
					ps, err := tx.PaymentsForOrderRefs(ctx, []string{"o00", "#1001"}, offset, count)
					return txIDs(ps), err
				}, nil, []string{"q3", "q4", "q1", "q2", "q0"}, 0},
				{"settlements of A", func(tx engine.Tx, offset, count int) ([]string, error) {
					ss, err := tx.SettlementsByAddress(ctx, "A", offset, count)
					return settled(ss), err
				}, nil, []string{"p0:A:0", "p1:A:2", "p2:A:3", "p3:A:4", "p4:A:5", "p0:A:6"}, 0},
				{"settlements of c4's paid orders", func(tx engine.Tx, offset, count int) ([]string, error) {
					ss, err := tx.SettlementsOfPaidOrders(ctx, "c4", offset, count)
					return settled(ss), err
				}, nil, []string{"p0:A:0", "p1:B:0", "p1:A:2", "p3:A:4", "p4:A:5", "p0:A:6"}, 0},
				{"creditors", func(tx engine.Tx, offset, count int) ([]string, error) {
					rows, err := tx.Creditors(ctx, offset, count)
					out := []string{}
					for _, r := range rows {
						out = append(out, r.CustomerID)
					}
					return out, err
				}, nil, []string{"c1", "c2", "c3"}, 0},
			}
			for _, l := range lists {
				err := d.View(ctx, func(tx engine.Tx) error {
					all, err := l.read(tx, 0, 0)
					if err != nil || !slices.Equal(all, l.want) {
						t.Errorf("%s: %v %v, want %v", l.name, all, err, l.want)
					}
					for _, count := range []int{1, 2, 3} {
						var pages []string
						for offset := 0; offset <= len(l.want); offset += count {
							page, err := l.read(tx, offset, count)
							if err != nil {
								return err
							}
							if want := min(count, len(l.want)-offset); len(page) != want {
								t.Errorf("%s at %d, count %d: %v, want %d rows", l.name, offset, count, page, want)
							}
							pages = append(pages, page...)
						}
						if !slices.Equal(pages, l.want) {
							t.Errorf("%s in pages of %d: %v, want %v", l.name, count, pages, l.want)
						}
					}
					if l.total != nil {
						if sum, err := l.total(tx); err != nil || sum != l.sum {
							t.Errorf("%s: total %d %v, want %d", l.name, sum, err, l.sum)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			// What the payments naming o00 bring is one sum in the query:
			// received 1 + 4 pending, confirmed 2 + 5, cancelled 3 nothing.
			err = d.View(ctx, func(tx engine.Tx) error {
				r, err := tx.OrderReceipts(ctx, []string{"o00", "#1001"})
				if want := (engine.OrderReceipts{Pending: 5, Confirmed: 7}); err != nil || r != want {
					t.Errorf("receipts of o00: %+v %v, want %+v", r, err, want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
