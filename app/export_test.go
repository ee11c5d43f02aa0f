package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// fixedActor is an actor whose key, and so address, is the same in every
// run, for the golden files.
func fixedActor(t testing.TB, seed byte) *actor {
	t.Helper()
	k, err := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return &actor{key: k, addr: tari.NewAddress(tari.MainNet, k.Public())}
}

// creditNoteTxID matches the random part of a credit note's txid.
var creditNoteTxID = regexp.MustCompile(`(credit_note_[^,]*:\d+):[0-9a-f]{16}`)

// exportScenario records, an hour apart, three orders, a payment that
// pays one, a credit note that pays another, a pending payment, and a
// fourth order paid 0.05 XTR short within the harness's 1 % underpayment
// tolerance; texts a spreadsheet would run as formulas sit in a customer
// id, an order name and a memo. It returns the time of each step.
func exportScenario(t *testing.T, h *harness) (alice, bob, carol *actor, at []time.Time) {
	t.Helper()
	ctx := context.Background()
	alice, bob, carol = fixedActor(t, 1), fixedActor(t, 2), fixedActor(t, 3)
	step := func() { at = append(at, h.clock.Now()); h.clock.Add(time.Hour) }
	for _, o := range []struct {
		id, name, customer string
		price              engine.MicroTari
	}{
		{"5001", "#1001", "c1", 30_000_000},
		{"5002", "@SUM(1+1)", "=HYPERLINK(\"http://x\")", 12_500_001},
		{"5003", "#1003", "c3", 7_000_000},
	} {
		if _, err := h.e.AddOrder(ctx, engine.NewOrder{
			OrderID: o.id, AltID: ptr(o.name), CustomerID: o.customer, TotalPrice: o.price, Currency: "XTR", CreatedAt: h.clock.Now(),
		}); err != nil {
			t.Fatal(err)
		}
		step()
	}
	h.pay(alice, 40_000_000, "tx-1", nil, ptr("5001"))
	step()
	if _, err := h.e.CreditNote(ctx, "=HYPERLINK(\"http://x\")", 12_500_001, "-goodwill"); err != nil {
		t.Fatal(err)
	}
	step()
	if r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, bob.addr, 1_000_000, "tx-2", ptr("+1 555 0100"), ptr("#1003"))); r.status != http.StatusOK {
		t.Fatalf("payment: %d %s", r.status, r.body)
	}
	step()
	if _, err := h.e.AddOrder(ctx, engine.NewOrder{
		OrderID: "5004", AltID: ptr("#1004"), CustomerID: "c4", TotalPrice: 10_000_000, Currency: "XTR", CreatedAt: h.clock.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	h.pay(carol, 9_950_000, "tx-3", nil, ptr("5004"))
	step()
	return alice, bob, carol, at
}

// The three exports on both databases: their header, one row per order,
// payment and ledger entry, exact amounts, escaped formulas (golden files),
// and the since/until window.
func TestExportCSV(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, map[string]string{"TPG_UNDERPAYMENT_TOLERANCE": "1"})
		alice, bob, carol, at := exportScenario(t, h)
		accountant := h.newActor()
		h.grant(accountant, engine.RoleReadAll)
		token := h.login(accountant, "read_all")
		names := []string{alice.base58(), "ALICE", bob.base58(), "BOB", carol.base58(), "CAROL"}
		get := func(path string) string {
			t.Helper()
			r := h.as(token, http.MethodGet, path, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
				t.Errorf("%s: Content-Disposition %q", path, cd)
			}
			if _, err := csv.NewReader(strings.NewReader(r.body)).ReadAll(); err != nil {
				t.Errorf("%s is not CSV: %v", path, err)
			}
			return creditNoteTxID.ReplaceAllString(r.body, "$1:RANDOM")
		}
		for _, kind := range []string{"orders", "payments", "ledger"} {
			golden(t, "export_"+kind+".csv", get("/api/export/"+kind+".csv"), names...)
		}

		rfc := func(t time.Time) string { return strings.ReplaceAll(t.Format(time.RFC3339), "+", "%2B") }
		tests := []struct {
			path string
			want []string // the first cell of each row after the header
		}{
			{"/api/export/orders.csv?since=" + rfc(at[1]), []string{"5002", "5003", "5004"}},
			{"/api/export/orders.csv?until=" + rfc(at[1]), []string{"5001", "5002"}},
			{"/api/export/orders.csv?since=" + rfc(at[1]) + "&until=" + rfc(at[1]), []string{"5002"}},
			{"/api/export/payments.csv?since=" + rfc(at[5]), []string{"tx-2", "tx-3"}},
			{"/api/export/ledger.csv?until=" + rfc(at[3]), []string{"payment", "settlement"}},
			{"/api/export/ledger.csv?since=" + rfc(at[4]) + "&until=" + rfc(at[5]), []string{"credit_note", "settlement"}},
			{"/api/export/ledger.csv?since=" + rfc(at[6]), []string{"payment", "settlement", "write_off"}},
			{"/api/export/ledger.csv?since=" + rfc(at[6].Add(time.Second)), nil},
		}
		for _, tc := range tests {
			rows, err := csv.NewReader(strings.NewReader(get(tc.path))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[0])
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: rows %v, want %v", tc.path, got, tc.want)
			}
		}
	})
}

// The exports need read_all, and refuse a bad window with a JSON error.
func TestExportRefusals(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		user := h.login(h.newActor())
		accountant := h.newActor()
		h.grant(accountant, engine.RoleReadAll)
		reader := h.login(accountant, "read_all")
		for _, kind := range []string{"orders", "payments", "ledger"} {
			path := "/api/export/" + kind + ".csv"
			wantError(t, h.as(user, http.MethodGet, path, nil), http.StatusForbidden, "Insufficient permissions")
			for _, q := range []string{
				"?since=yesterday", "?until=2024-13-01T00:00:00Z", "?since=2024-03-10", "?since=2024-03-10T15:00:00Z&until=2024-03-09T15:00:00Z",
				"?sinse=2024-03-10T15:00:00Z",
			} {
				wantError(t, h.as(reader, http.MethodGet, path+q, nil), http.StatusBadRequest, "Query deserialize error")
			}
		}
	})
}
