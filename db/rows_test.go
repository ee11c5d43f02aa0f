package db_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
)

// TestRowsRoundTrip writes every engine type the store keeps, with every
// field set, and reads it back equal: a field added to an engine type and
// not mapped by db/rows.go reads back zero and fails here.
func TestRowsRoundTrip(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, backend)
			at := func(minute int) time.Time { return time.Date(2026, 3, 4, 5, minute, 7, 123456000, time.UTC) }
			str := func(s string) *string { return &s }
			tm := func(t time.Time) *time.Time { return &t }

			order := engine.Order{OrderID: "1001", AltID: str("#1001"), CustomerID: "c1", Memo: str("gift"), TotalPrice: 12_500_000,
				OriginalPrice: str("12.50"), Currency: "USD", CreatedAt: at(1), UpdatedAt: at(2), Status: engine.OrderPaid,
				AmountOutstanding: str("0.00"), ExchangeRate: 1_000_000, RecordedAt: at(3), ClaimedAt: tm(at(4)),
				ClaimToken: "tok1", CheckoutToken: "chk1"}
			waiting := engine.WaitingOrder{OrderID: "1002", AltID: str("#1002"), CustomerID: "c2", Memo: str("note"), Price: "9.99",
				Currency: "EUR", CreatedAt: at(5), AmountOutstanding: str("9.99"), ReceivedAt: at(6), ClaimToken: "tok2", CheckoutToken: "chk2"}
			payment := engine.Payment{TxID: "tx1", CreatedAt: at(7), UpdatedAt: at(8), Sender: "addr1", Amount: 12_500_000,
				Memo: str("1001"), PaymentType: engine.PaymentOnChain, Status: engine.PaymentConfirmed, OrderID: str("1001")}
			settlement := engine.Settlement{CreatedAt: at(10), OrderID: "1001", PaymentAddress: "addr1",
				SettlementType: engine.SettlementMultiple, Amount: 12_000_000}
			writeOff := engine.WriteOff{CreatedAt: at(11), OrderID: "1001", Amount: 500_000, Tolerance: 50000}
			refund := engine.Refund{RefundID: "r1", OrderID: "1001", CustomerID: "c1", Address: "addr1", Amount: 1_000_000,
				ShopAmount: "1.00", Currency: "USD", Status: engine.RefundDue, CreatedAt: at(12)}
			viewer := engine.OrderViewer{Address: "addr1", OrderID: "1001", Proof: engine.ProofPayPage, CreatedAt: at(13)}
			audit := engine.AuditEntry{Entity: "order", EntityID: "1001", Field: "status", OldValue: str("New"), NewValue: str("Paid"),
				Reason: "paid", Actor: "addr1", At: at(14)}
			wallet := engine.Wallet{Address: "wallet1", IPAddress: "10.0.0.1", LastNonce: 5}
			rate := engine.ExchangeRate{Currency: "USD", Rate: 1_000_000, UpdatedAt: at(15)}
			var leased []engine.SideEffect

			err := d.Update(ctx, func(tx engine.Tx) error {
				steps := []func() error{
					func() error { _, err := tx.InsertOrder(ctx, &order); return err },
					func() error { _, err := tx.InsertWaitingOrder(ctx, &waiting); return err },
					func() error { _, err := tx.InsertPayment(ctx, payment); return err },
					func() error { return tx.AddConfirmed(ctx, "addr1", 20_000_000, at(9)) },
					func() error { return tx.InsertSettlement(ctx, &settlement) },
					func() error { return tx.InsertWriteOff(ctx, &writeOff) },
					func() error { _, err := tx.InsertRefund(ctx, &refund); return err },
					func() error { return tx.AddViewer(ctx, viewer) },
					func() error { return tx.InsertAudits(ctx, []engine.AuditEntry{audit}) },
					func() error {
						return tx.InsertPaymentSideEffect(ctx, engine.SideEffectPartPayment, "1001", "tx1", at(16))
					},
					func() (err error) { leased, err = tx.LeaseSideEffects(ctx, "me", at(17), 1, at(18)); return err },
					func() error { return tx.UpsertWallet(ctx, wallet) },
					func() error { _, err := tx.SetWalletNonce(ctx, wallet.Address, 7, at(19)); return err },
					func() error { return tx.InsertExchangeRate(ctx, rate) },
				}
				for _, step := range steps {
					if err := step(); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(leased) != 1 {
				t.Fatalf("leased %d side effects, want 1", len(leased))
			}
			sideEffect := leased[0]
			sideEffect.State, sideEffect.NextAttemptAt, sideEffect.LastError, sideEffect.UpdatedAt =
				engine.SideEffectFailed, at(20), "refused", at(21)
			refund.Status, refund.TxID, refund.ClosedAt = engine.RefundSent, str("tx2"), tm(at(22))
			err = d.Update(ctx, func(tx engine.Tx) error {
				if err := tx.UpdateSideEffect(ctx, sideEffect); err != nil {
					return err
				}
				_, err := tx.CloseRefund(ctx, refund)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			wallet.LastNonce, wallet.LastSeen = 7, tm(at(19))
			balance := engine.AddressBalance{Address: "addr1", TotalConfirmed: 20_000_000, TotalPaid: settlement.Amount,
				CurrentBalance: 20_000_000 - settlement.Amount, LastUpdate: settlement.CreatedAt}

			err = d.View(ctx, func(tx engine.Tx) error {
				gotOrder, _, err := tx.OrderByRef(ctx, "1001", false)
				sameStored(t, "order", gotOrder, order, err)
				gotWaiting, _, err := tx.WaitingOrderByRef(ctx, "1002")
				sameStored(t, "waiting order", gotWaiting, waiting, err)
				gotPayment, _, err := tx.Payment(ctx, "tx1")
				sameStored(t, "payment", gotPayment, payment, err)
				gotBalances, err := tx.Balances(ctx, []string{"addr1"})
				sameStored(t, "balance", gotBalances["addr1"], balance, err)
				gotSettlements, err := tx.SettlementsByOrders(ctx, []string{"1001"})
				sameStored(t, "settlements", gotSettlements, []engine.Settlement{settlement}, err)
				gotWriteOffs, err := tx.WriteOffsByOrders(ctx, []string{"1001"})
				sameStored(t, "write-offs", gotWriteOffs, []engine.WriteOff{writeOff}, err)
				gotRefund, _, err := tx.RefundByRefundID(ctx, "r1")
				sameStored(t, "refund", gotRefund, refund, err)
				gotViewers, err := tx.Viewers(ctx, "1001")
				sameStored(t, "viewers", gotViewers, []engine.OrderViewer{viewer}, err)
				gotAudit, err := tx.Audit(ctx, "order", "1001")
				if len(gotAudit) == 1 && gotAudit[0].ID != 0 {
					audit.ID = gotAudit[0].ID // numbered by the database
				}
				sameStored(t, "audit", gotAudit, []engine.AuditEntry{audit}, err)
				gotSideEffect, _, err := tx.SideEffect(ctx, sideEffect.ID)
				sameStored(t, "side effect", gotSideEffect, sideEffect, err)
				gotWallet, _, err := tx.Wallet(ctx, wallet.Address)
				sameStored(t, "wallet", gotWallet, wallet, err)
				gotRates, err := tx.ExchangeRates(ctx, "USD", 1)
				sameStored(t, "exchange rates", gotRates, []engine.ExchangeRate{rate}, err)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// sameStored checks that got, read back, equals want, written with every
// field set, times compared as instants.
func sameStored[T any](t *testing.T, what string, got, want T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if zero := unsetFields(reflect.ValueOf(want), ""); len(zero) > 0 {
		t.Errorf("%s: the test leaves %v unset; set every field, so that an unmapped one shows", what, zero)
	}
	if g, w := inUTC(got), inUTC(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s read back differs: %s", what, strings.Join(differences(reflect.ValueOf(g), reflect.ValueOf(w), what), "; "))
	}
}

// differences names the fields where got and want differ, with both values.
func differences(got, want reflect.Value, path string) []string {
	switch {
	case reflect.DeepEqual(got.Interface(), want.Interface()):
		return nil
	case got.Kind() == reflect.Slice && got.Len() == want.Len():
		var out []string
		for i := range got.Len() {
			out = append(out, differences(got.Index(i), want.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case got.Kind() == reflect.Struct && got.Type() != reflect.TypeFor[time.Time]():
		var out []string
		for i := range got.NumField() {
			out = append(out, differences(got.Field(i), want.Field(i), path+"."+got.Type().Field(i).Name)...)
		}
		return out
	case got.Kind() == reflect.Pointer && !got.IsNil() && !want.IsNil():
		return differences(got.Elem(), want.Elem(), path)
	}
	return []string{fmt.Sprintf("%s is %v, want %v", path, shown(got), shown(want))}
}

// shown is v, or what it points to.
func shown(v reflect.Value) any {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return v.Elem().Interface()
	}
	return v.Interface()
}

// unsetFields names the zero fields of the structs in v.
func unsetFields(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Slice:
		var out []string
		for i := range v.Len() {
			out = append(out, unsetFields(v.Index(i), path)...)
		}
		return out
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return nil
		}
		var out []string
		for i := range v.NumField() {
			if v.Field(i).IsZero() {
				out = append(out, path+v.Type().Field(i).Name)
			}
		}
		return out
	}
	return nil
}

// inUTC is a deep copy of v with every time in UTC: drivers return
// instants in the location they choose.
func inUTC[T any](v T) T {
	c := reflect.New(reflect.TypeFor[T]()).Elem()
	c.Set(deepUTC(reflect.ValueOf(v)))
	return c.Interface().(T)
}

func deepUTC(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepUTC(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(deepUTC(v.Index(i)))
		}
		return s
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return reflect.ValueOf(t.UTC())
		}
		s := reflect.New(v.Type()).Elem()
		s.Set(v)
		for i := range v.NumField() {
			s.Field(i).Set(deepUTC(v.Field(i)))
		}
		return s
	}
	return v
}

// TestRowColumnsExist checks that every column of every row struct is in
// the migrated schema, so a column renamed on one side only fails here
// rather than in production.
func TestRowColumnsExist(t *testing.T) {
	// db.RowModels must list every row struct: those that embed bun.BaseModel.
	var declared []string
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, field := range st.Fields.List {
					if sel, ok := field.Type.(*ast.SelectorExpr); ok && len(field.Names) == 0 && sel.Sel.Name == "BaseModel" {
						declared = append(declared, ts.Name.Name)
					}
				}
			}
			return true
		})
	}
	var listed []string
	for _, m := range db.RowModels {
		listed = append(listed, reflect.TypeOf(m).Elem().Name())
	}
	slices.Sort(declared)
	slices.Sort(listed)
	if !slices.Equal(declared, listed) {
		t.Errorf("row structs declared %v, but db.RowModels lists %v", declared, listed)
	}

	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, backend)
			columns := "SELECT name FROM pragma_table_info(?)"
			if d.Dialect() == db.Postgres {
				columns = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
			}
			for _, m := range db.RowModels {
				table := d.Bun().Dialect().Tables().Get(reflect.TypeOf(m).Elem())
				var have []string
				if err := d.Bun().NewRaw(columns, table.Name).Scan(ctx, &have); err != nil {
					t.Fatal(err)
				}
				if len(have) == 0 {
					t.Errorf("%s: no table %s", table.TypeName, table.Name)
					continue
				}
				for _, f := range table.Fields {
					if f.Tag.Name == "" {
						t.Errorf("%s.%s has no explicit column name", table.TypeName, f.GoName)
					}
					if !slices.Contains(have, f.Name) {
						t.Errorf("%s.%s: table %s has no column %s", table.TypeName, f.GoName, table.Name, f.Name)
					}
				}
			}
		})
	}
}
