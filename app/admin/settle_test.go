package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"taripay/engine"
)

// Both settle actions take the same steps: ask, go back, refuse with the
// form in place, or settle and re-render the account's section.
func TestSettleActions(t *testing.T) {
	var calls []string
	var fail error
	pay := func(ctx context.Context, account string) (engine.MultiAccountPayment, error) {
		calls = append(calls, engine.ActorFrom(ctx)+"|"+account)
		if fail != nil {
			return engine.MultiAccountPayment{}, fail
		}
		return engine.MultiAccountPayment{OrdersPaid: []engine.Order{{OrderID: "1001"}, {OrderID: "1002"}}}, nil
	}
	eng := &fakeEngine{settleCustomer: pay, settleAddress: pay}
	hs := newHarness(t, eng)
	for _, tc := range []struct {
		path, account, question, target string
	}{
		{"/admin/customers/alice/settle", "alice", "Pay customer alice&#39;s open orders from their balance, oldest first?", "#customer-detail"},
		{"/admin/addresses/" + testAddress + "/settle", testAddress, "Pay the open orders of " + testAddress + "&#39;s customers from its balance, oldest first?", "#address-detail"},
	} {
		t.Run(tc.account, func(t *testing.T) {
			calls, fail = nil, nil
			resp, body := hs.do(t, "POST", tc.path, url.Values{}, hs.htmx())
			if resp.StatusCode != 200 || !strings.Contains(body, tc.question) || len(calls) != 0 {
				t.Fatalf("ask: %d %v %.300s", resp.StatusCode, calls, body)
			}
			resp, body = hs.do(t, "POST", tc.path, url.Values{"confirm": {"back"}}, hs.htmx())
			if resp.StatusCode != 200 || strings.Contains(body, tc.question) || len(calls) != 0 {
				t.Fatalf("back: %d %v %.300s", resp.StatusCode, calls, body)
			}
			fail = engine.Errorf(engine.ECONFLICT, nil, "nothing to settle")
			resp, _ = hs.do(t, "POST", tc.path, url.Values{"confirm": {"yes"}}, hs.htmx())
			if resp.StatusCode != 409 || len(calls) != 1 {
				t.Fatalf("refused: %d %v", resp.StatusCode, calls)
			}
			calls, fail = nil, nil
			resp, body = hs.do(t, "POST", tc.path, url.Values{"confirm": {"yes"}}, hs.htmx())
			if resp.StatusCode != 200 || resp.Header.Get("HX-Retarget") != tc.target || len(calls) != 1 ||
				calls[0] != "admin:"+testShop+"/42|"+tc.account || !strings.Contains(body, "Settled; 2 orders paid.") {
				t.Fatalf("settle: %d %q %v %.300s", resp.StatusCode, resp.Header.Get("HX-Retarget"), calls, body)
			}
		})
	}
}
