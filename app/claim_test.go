package app

import (
	"context"
	"strings"
	"testing"
)

func TestClaimOrder(t *testing.T) {
	h := newHarness(t, nil)
	alice, bob := h.newActor(), h.newActor()
	h.addOrder("order10256", "142", 2_400_000_000, nil)
	h.addOrder("closed", "142", 100, nil)
	if _, err := h.e.Cancel(context.Background(), "closed", "fixture"); err != nil {
		t.Fatal(err)
	}

	r := h.claim(alice, "order10256")
	if r.status != 200 {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	golden(t, "claimed_order", r.body)
	if !strings.Contains(r.body, `"send_to":{"Single":{"network":"mainnet","features":3,"public_spend_key":"`) {
		t.Errorf("send_to must be the address object: %s", r.body)
	}

	wantError(t, h.claim(alice, "does-not-exist"), 404, "The data was not found. The requested order does-not-exist does not exist")
	wantError(t, h.claim(alice, "closed"), 409, "Cannot complete this request.")
	// A second claimant of a New order is linked too; the order stays New.
	if r := h.claim(bob, "order10256"); r.status != 200 || !strings.Contains(r.body, `"status":"New"`) {
		t.Errorf("second claimant: %d %s", r.status, r.body)
	}

	// A signature over another order id is refused before any lookup.
	forged := strings.Replace(signedClaim(t, alice, "order10256"), `"order_id":"order10256"`, `"order_id":"closed"`, 1)
	wantError(t, h.do("POST", "/order/claim", forged), 401, "Cannot claim order because the signature is invalid.")
	wantError(t, h.do("POST", "/order/claim", `{"address":"`+alice.base58()+`","order_id":"a","signature":"00"}`), 400, "Invalid signature length")
}
