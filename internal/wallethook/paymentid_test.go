package wallethook

import (
	"reflect"
	"strings"
	"testing"
)

// Addresses from Tari's payment_id.rs tests (an esmeralda dual and single
// address) and a mainnet single address.
const (
	dualAddr   = "f425UWsDp714RiN53c1G6ek57rfFnotB5NCMyrn4iDgbR8i2sXVHa4xSsedd66o9KmkRgErQnyDdCaAdNLzcKrj7eUb"
	singleAddr = "f3S7XTiyKQauZpDUjdR8NbcQ33MYJigiWiS44ccZCxwAAjk"
	mainAddr   = "14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt"
)

func TestParsePaymentID(t *testing.T) {
	const u256Max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
	tests := []struct {
		in   string
		want PaymentID // Raw is filled in from in
	}{
		// Every wallet.
		{"None", PaymentID{Form: FormNone}},
		{"", PaymentID{Form: FormNone}},
		{"u256(1)", PaymentID{Form: FormU256, Number: "1"}},
		{"u256(465465489789785458694894263185648978947864164681631)", PaymentID{Form: FormU256, Number: "465465489789785458694894263185648978947864164681631"}},
		{"u256(" + u256Max + ")", PaymentID{Form: FormU256, Number: u256Max}},
		// Wallets 1.6–1.9 (encrypted_data.rs): hex data.
		{"u64(156486946518564)", PaymentID{Form: FormU64, Number: "156486946518564"}},
		{"address(" + mainAddr + ")", PaymentID{Form: FormAddress, Address: mainAddr}},
		{"data(6f726465722031303031)", PaymentID{Form: FormData, Data: []byte("order 1001")}},
		{"data(0102ff)", PaymentID{Form: FormData, Data: []byte{1, 2, 0xff}}},
		{"data(1001)", PaymentID{Form: FormData, Data: []byte{0x10, 0x01}}}, // hex wins: see ParsePaymentID
		{"data(order 1001)", PaymentID{Form: FormData, Data: []byte("order 1001")}},
		{"data(ORDER)", PaymentID{Form: FormData, Data: []byte("ORDER")}},
		{"data()", PaymentID{Form: FormData}},
		{"address_and_data(" + mainAddr + ",6f726465722031303031)", PaymentID{Form: FormAddressAndData, Address: mainAddr, Data: []byte("order 1001")}},
		{"address_and_data(" + mainAddr + ",)", PaymentID{Form: FormAddressAndData, Address: mainAddr}},
		// Later wallets (payment_id.rs): the user data as lossy UTF-8 text.
		{"type(PaymentToOther), data(order 1001)", PaymentID{Form: FormOpen, TxType: "PaymentToOther", Data: []byte("order 1001")}},
		{"type(PaymentToOther), data()", PaymentID{Form: FormOpen, TxType: "PaymentToOther"}},
		{"type(PaymentToOther), data(6f72)", PaymentID{Form: FormOpen, TxType: "PaymentToOther", Data: []byte("6f72")}},
		{"type(PaymentToOther), data(order (1001), thanks!)", PaymentID{Form: FormOpen, TxType: "PaymentToOther", Data: []byte("order (1001), thanks!")}},
		{"type(PaymentToOther), data(\ufffd\ufffdorder 1001)", PaymentID{Form: FormOpen, TxType: "PaymentToOther", Data: []byte("\ufffd\ufffdorder 1001")}},
		{"type(Coinbase), data(data(x))", PaymentID{Form: FormOpen, TxType: "Coinbase", Data: []byte("data(x)")}},
		{"sender_address(" + dualAddr + "), sender_one_sided(true), fee(25 \u00b5T), type(PaymentToOther), data(order 1001)",
			PaymentID{Form: FormSender, Address: dualAddr, TxType: "PaymentToOther", Data: []byte("order 1001")}},
		{"sender_address(" + singleAddr + "), sender_one_sided(false), fee(123 \u00b5T), type(CoinSplit), data()",
			PaymentID{Form: FormSender, Address: singleAddr, TxType: "CoinSplit"}},
		{"sender_address(" + dualAddr + "), sender_one_sided(false), amount(12.500000 T), fee(123 \u00b5T), type(PaymentToOther), data(Order #1001)",
			PaymentID{Form: FormSender, Address: dualAddr, TxType: "PaymentToOther", Data: []byte("Order #1001")}},
		{"recipient_address(" + singleAddr + "), sender_one_sided(false), amount(123456 \u00b5T), fee(123 \u00b5T), type(CoinJoin), data()",
			PaymentID{Form: FormRecipient, Address: singleAddr, TxType: "CoinJoin"}},
		{"recipient_address(" + dualAddr + "), sender_one_sided(true), amount(1.000000 T), fee(0 \u00b5T), type(Burn), data(order 1001)",
			PaymentID{Form: FormRecipient, Address: dualAddr, TxType: "Burn", Data: []byte("order 1001")}},
		{"Raw(07010203)", PaymentID{Form: FormRaw, Data: []byte{7, 1, 2, 3}}},
		// Anything else is the payer's text.
		{"order 1001", PaymentID{Form: FormText, Data: []byte("order 1001")}},
		{"Order #1001", PaymentID{Form: FormText, Data: []byte("Order #1001")}},
		{"#1001", PaymentID{Form: FormText, Data: []byte("#1001")}},
		{"order: 1001", PaymentID{Form: FormText, Data: []byte("order: 1001")}},
		{"N/A", PaymentID{Form: FormText, Data: []byte("N/A")}},
		{"note(1001)", PaymentID{Form: FormText, Data: []byte("note(1001)")}},
		{"none", PaymentID{Form: FormText, Data: []byte("none")}},
	}
	for _, tc := range tests {
		got, err := ParsePaymentID(tc.in)
		tc.want.Raw = tc.in
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParsePaymentID(%q) =\n  %+v, %v\nwant\n  %+v", tc.in, got, err, tc.want)
		}
	}
}

// A string that opens like a form the wallet prints must be that form.
func TestParsePaymentIDRejects(t *testing.T) {
	sender := "sender_address(" + dualAddr + "), sender_one_sided(true), fee(25 \u00b5T), type(PaymentToOther), data(x)"
	for _, in := range []string{
		"u256()", "u256(abc)", "u256(-1)", "u256(1", "u256(1) ", "u256(1), data(x)",
		"u256(115792089237316195423570985008687907853269984665640564039457584007913129639936)", // 2^256
		"u64(18446744073709551616)", // 2^64
		"address()", "address(0OIl)", "address(" + mainAddr + ") x",
		"data(x", "data(6f72",
		"address_and_data(" + mainAddr + ")", "address_and_data(" + mainAddr + ",6F72)", "address_and_data(" + mainAddr + ",6f7)",
		"address_and_data(,6f72)",
		"Raw(zz)", "Raw(0)", "Raw(0102",
		"type(PaymentToOther)", "type(PaymentToOther), data(x", "type(), data(x)", "type(Payment To Other), data(x)",
		"type(PaymentToOther),data(x)", "type(PaymentToOther), fee(1 \u00b5T), data(x)",
		strings.Replace(sender, "sender_one_sided(true)", "sender_one_sided(yes)", 1),
		strings.Replace(sender, "fee(25 \u00b5T)", "fee(25)x", 1),
		strings.Replace(sender, "fee(25 \u00b5T)", "fee(-25 \u00b5T)", 1),
		strings.Replace(sender, "sender_one_sided(true), ", "", 1),
		strings.Replace(sender, "sender_address("+dualAddr+")", "sender_address(0x12)", 1),
		strings.Replace(sender, "data(x)", "data(x) ", 1),
		"recipient_address(" + dualAddr + "), sender_one_sided(true), fee(1 \u00b5T), type(Burn), data()", // no amount
		"type(PaymentToOther), data(" + strings.Repeat("x", maxPaymentIDLen) + ")",
	} {
		if got, err := ParsePaymentID(in); err == nil {
			t.Errorf("ParsePaymentID(%q) = %+v, want an error", in, got)
		}
	}
}
