package wallethook

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// Kernel fields as the wallet prints them (hex of the excess, the
// signature's public nonce and its scalar).
const (
	excess    = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
	nonce     = "4cb694459f21f8e4d3e74bbb1a9f27f3ff2af0ab4b4e5e9c26b1d8b9d0f9a955"
	signature = "7ee3bed7943dcf06938b1d1a9b4416a49e326adc774220f39d98c6cd6e89f204"
)

// complete returns the 13 arguments of args_from_complete (notifier/mod.rs).
func complete(kind, amount, paymentID, status, confirmations, direction string) []string {
	return []string{kind, amount, "12375671662993302800", "", paymentID, mainAddr, dualAddr,
		status, excess, nonce, signature, confirmations, direction}
}

func intp(n int) *int { return &n }

func TestParse(t *testing.T) {
	order := PaymentID{Raw: "type(PaymentToOther), data(order 1001)", Form: FormOpen, TxType: "PaymentToOther", Data: []byte("order 1001")}
	tests := []struct {
		name string
		args []string
		want Event
	}{
		{"received", complete("received", "12.500000 T", order.Raw, "Completed", "", "Inbound"),
			Event{Kind: Received, Amount: 12_500_000, PaymentID: order, Status: "Completed", Direction: "Inbound"}},
		{"confirmation", complete("confirmation", "12.500000 T", order.Raw, "Mined Unconfirmed", "1", "Inbound"),
			Event{Kind: Confirmation, Amount: 12_500_000, PaymentID: order, Status: "Mined Unconfirmed", Confirmations: intp(1), Direction: "Inbound"}},
		{"one-sided, detected", complete("confirmation", "500 \u00b5T", order.Raw, "One-Sided Unconfirmed", "0", "Inbound"),
			Event{Kind: Confirmation, Amount: 500, PaymentID: order, Status: "One-Sided Unconfirmed", Confirmations: intp(0), Direction: "Inbound"}},
		{"mined", complete("mined", "12.500000 T", order.Raw, "Mined Confirmed", "3", "Inbound"),
			Event{Kind: Mined, Amount: 12_500_000, PaymentID: order, Status: "Mined Confirmed", Confirmations: intp(3), Direction: "Inbound"}},
		{"mined, no required count", complete("mined", "1.000000 T", "None", "Mined Confirmed", "", "Inbound"),
			Event{Kind: Mined, Amount: 1_000_000, PaymentID: PaymentID{Raw: "None", Form: FormNone}, Status: "Mined Confirmed", Direction: "Inbound"}},
		{"cancelled, completed", complete("cancelled", "2500000000", "data(6f726465722031303031)", "Rejected", "", "Inbound"),
			Event{Kind: Cancelled, Amount: 2_500_000_000, PaymentID: PaymentID{Raw: "data(6f726465722031303031)", Form: FormData, Data: []byte("order 1001")}, Status: "Rejected", Direction: "Inbound"}},
	}
	for i := range tests {
		w := &tests[i].want
		w.TxID, w.Source, w.Destination = "12375671662993302800", mainAddr, dualAddr
		w.Excess, w.PublicNonce, w.Signature = excess, nonce, signature
	}
	tests = append(tests, []struct {
		name string
		args []string
		want Event
	}{
		{"before payment ids (12)", []string{"received", "500000 \u00b5T", "42", "order 1001", "deadbeef", "cafe", "Completed", "", "", "", "", "Inbound"},
			Event{Kind: Received, Amount: 500_000, TxID: "42", Message: "order 1001", Source: "deadbeef", Destination: "cafe", Status: "Completed", Direction: "Inbound"}},
		{"sent (7)", []string{"sent", "1.000000 T", "7", "thanks", mainAddr, "Pending", "outbound"},
			Event{Kind: Sent, Amount: 1_000_000, TxID: "7", Message: "thanks", Destination: mainAddr, Status: "Pending", Direction: "outbound"}},
		{"queued (7)", []string{"queued", "1.000000 T", "7", "", mainAddr, "Queued", "outbound"},
			Event{Kind: Queued, Amount: 1_000_000, TxID: "7", Destination: mainAddr, Status: "Queued", Direction: "outbound"}},
		{"cancelled while pending, inbound (7)", []string{"cancelled", "5 \u00b5T", "8", "", mainAddr, "Pending", "inbound"},
			Event{Kind: Cancelled, Amount: 5, TxID: "8", Source: mainAddr, Status: "Pending", Direction: "inbound"}},
	}...)
	for _, tc := range tests {
		got, err := Parse(tc.args)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := complete("received", "12.500000 T", "None", "Completed", "", "Inbound")
	with := func(i int, v string) []string {
		a := slices.Clone(good)
		a[i] = v
		return a
	}
	tests := map[string][]string{
		"no arguments":          nil,
		"received with 7":       {"received", "1 \u00b5T", "7", "", mainAddr, "Pending", "inbound"},
		"received with 11":      good[:11],
		"received with 14":      append(slices.Clone(good), "x"),
		"sent with 13":          with(0, "sent"),
		"bad amount":            with(1, "12.5000000 T"),
		"negative amount":       with(1, "-1"),
		"tx id not a number":    with(2, "abc"),
		"tx id over u64":        with(2, "18446744073709551616"),
		"tx id empty":           with(2, ""),
		"bad payment id":        with(4, "u256(x)"),
		"bad confirmations":     with(11, "x"),
		"negative confirmation": with(11, "-1"),
		"huge confirmations":    with(11, "99999999999999999999"),
	}
	for name, args := range tests {
		if got, err := Parse(args); err == nil {
			t.Errorf("%s: Parse(%q) = %+v, want an error", name, args, got)
		}
	}
	if _, err := Parse(with(0, "rescanned")); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("unknown event: %v, want ErrUnknownEvent", err)
	}
}
