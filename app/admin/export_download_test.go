package admin

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"taripay/db/dbtest"
	"taripay/engine"
)

// The dashboard offers the three exports, and each downloads, with the
// app session, the same streamed CSV as the API's; a bad window is a 400,
// and no session no file.
func TestExportDownloads(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ts := newTrustServer(t, backend, "")
			ctx := context.Background()
			name := "=1+2"
			if _, err := ts.eng.AddOrder(ctx, engine.NewOrder{OrderID: "1001", AltID: &name, CustomerID: "alice", TotalPrice: 5_000_001, Currency: "XTR", CreatedAt: testNow}); err != nil {
				t.Fatal(err)
			}
			_, body, clerk := ts.launch(t, testShop, "1")
			buttons := parse(t, body).Find(`[data-testid=exports] [data-download]`)
			var hrefs []string
			for i := range buttons.Length() {
				href, _ := buttons.Eq(i).Attr("data-download")
				hrefs = append(hrefs, href)
			}
			if got := strings.Join(hrefs, " "); got != "/admin/export/orders.csv /admin/export/payments.csv /admin/export/ledger.csv" {
				t.Fatalf("export buttons %q", got)
			}
			session := map[string]string{SessionHeader: clerk}
			tests := []struct {
				path   string
				status int
				rows   int    // the rows after the header
				first  string // the start of the first row after the header
			}{
				{"/admin/export/orders.csv", 200, 1, "1001,'=1+2,alice,Unclaimed,XTR,,0,5000001,5.000001,0,0.000000,"},
				{"/admin/export/orders.csv?since=2099-01-01T00:00:00Z", 200, 0, ""},
				{"/admin/export/payments.csv", 200, 0, ""},
				{"/admin/export/ledger.csv", 200, 0, ""},
				{"/admin/export/ledger.csv?until=soon", 400, 0, ""},
			}
			for _, tc := range tests {
				resp, body := ts.do(t, "GET", tc.path, nil, session)
				if resp.StatusCode != tc.status {
					t.Fatalf("%s: status %d, want %d: %s", tc.path, resp.StatusCode, tc.status, body)
				}
				if tc.status != 200 {
					continue
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
					t.Errorf("%s: Content-Type %q", tc.path, ct)
				}
				rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil || len(rows) != tc.rows+1 {
					t.Fatalf("%s: %d rows (%v), want a header and %d: %q", tc.path, len(rows), err, tc.rows, body)
				}
				if lines := strings.Split(body, "\r\n"); tc.rows > 0 && !strings.HasPrefix(lines[1], tc.first) {
					t.Errorf("%s: first row %q, want it to start %q", tc.path, lines[1], tc.first)
				}
			}
			if resp, body := ts.do(t, "GET", "/admin/export/orders.csv", nil, nil); resp.StatusCode != 401 || strings.Contains(body, "1001") {
				t.Errorf("without a session: %d %q", resp.StatusCode, body)
			}
		})
	}
}
