package tari

import (
	"strconv"
	"strings"
	"testing"
)

// A valid memo body, varied one way at a time.
const memoBody = `{"address":"145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn","order_id":"order10256","signature":"6689435195fda30c9c3805b844b45adadac2d5b5ca647dca342531e50bd5ff658b0aa458d184e720a6fcd5c7be4efec65e7e7e78e1c86003bf00147962cb540d"}`

func TestParseMemoSignatureStrict(t *testing.T) {
	sig := "6689435195fda30c9c3805b844b45adadac2d5b5ca647dca342531e50bd5ff658b0aa458d184e720a6fcd5c7be4efec65e7e7e78e1c86003bf00147962cb540d"
	tests := []struct {
		name    string
		body    string
		wantErr string // substring; "" means it parses and verifies
	}{
		{"valid", memoBody, ""},
		{"unknown fields ignored", strings.Replace(memoBody, `{`, `{"extra":[1,{"a":null}],"extra":2,`, 1), ""},
		{"whitespace", " \n" + strings.ReplaceAll(memoBody, `,`, " ,\t") + "\n", ""},
		{"upper-case signature", strings.Replace(memoBody, sig, strings.ToUpper(sig), 1), ""},
		{"key case", strings.Replace(memoBody, `"order_id"`, `"Order_ID"`, 1), "missing field `order_id`"},
		{"duplicate key", strings.Replace(memoBody, `{`, `{"order_id":"x",`, 1), "duplicate field `order_id`"},
		{"missing signature", `{"address":"145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn","order_id":"o"}`, "missing field `signature`"},
		{"null order id", strings.Replace(memoBody, `"order10256"`, `null`, 1), "invalid type: null"},
		{"number order id", strings.Replace(memoBody, `"order10256"`, `10256`, 1), "invalid type: integer `10256`"},
		{"invalid utf-8", strings.Replace(memoBody, `order10256`, "order\xff", 1), "invalid UTF-8"},
		{"lone surrogate", strings.Replace(memoBody, `order10256`, `order\ud800`, 1), "surrogate"},
		{"trailing characters", memoBody + "x", "trailing characters"},
		{"two objects", memoBody + memoBody, "trailing characters"},
		{"not an object", `[1,2]`, "invalid type: sequence, expected struct MemoSignature"},
		{"empty", ``, "EOF"},
		{"short signature", strings.Replace(memoBody, sig, sig[:126], 1), "Invalid signature length"},
		{"non-hex signature", strings.Replace(memoBody, sig, "zz"+sig[2:], 1), "invalid public nonce"},
		{"non-canonical s", strings.Replace(memoBody, sig, sig[:64]+strings.Repeat("f", 64), 1), "invalid signature key"},
		{"bad address", strings.Replace(memoBody, `145yntp6`, `145yntp7`, 1), "Could not recover TariAddress from string"},
		{"wrapped claim", `{"claim":` + memoBody + `}`, "missing field `address`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMemoSignature([]byte(tc.body))
			if tc.wantErr == "" {
				if err != nil || !m.Verify() {
					t.Fatalf("err %v, verify %v", err, err == nil && m.Verify())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// Positions follow serde_json: after the offending value or key, at the
// closing brace for a missing field, at the first trailing character.
func TestSyntaxErrorPositions(t *testing.T) {
	const addr = "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn"
	tests := []struct {
		name, body, want string
		parse            func([]byte) error
	}{
		{"missing field", `{"address":"` + addr + `","order_id":"o"}`, "missing field `signature` at line 1 column 76", parseMemo},
		{"multi-line type", "{\n  \"order_id\": 5\n}", "invalid type: integer `5`, expected a string at line 2 column 15", parseMemo},
		{"duplicate", `{"order_id":"a","order_id":"b"}`, "duplicate field `order_id` at line 1 column 26", parseMemo},
		{"trailing", memoBody + "  x", "trailing characters at line 1 column " + strconv.Itoa(len(memoBody)+3), parseMemo},
		{"bad signature, last field", strings.Replace(memoBody, `"6689`, `"66`, 1), "Invalid signature length at line 1 column " + strconv.Itoa(len(memoBody)-2), parseMemo},
		{"bad address, first field", strings.Replace(memoBody, `145yntp6`, `145yntp7`, 1), "Could not recover TariAddress from string at line 1 column 60", parseMemo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse([]byte(tc.body))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func parseMemo(b []byte) error {
	_, err := ParseMemoSignature(b)
	return err
}
