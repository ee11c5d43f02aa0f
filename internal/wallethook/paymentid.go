package wallethook

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Forms of the payment id argument, named after the Display output of
// Tari's PaymentId that produced them (docs/wallet.md lists each with its
// source).
const (
	FormNone           = "none"             // None, or no payment id at all
	FormU64            = "u64"              // u64(<n>), wallets 1.6–1.9
	FormU256           = "u256"             // u256(<n>)
	FormAddress        = "address"          // address(<base58>), wallets 1.6–1.9
	FormData           = "data"             // data(<hex>), wallets 1.6–1.9
	FormAddressAndData = "address_and_data" // address_and_data(<base58>,<hex>), wallets 1.6–1.9
	FormOpen           = "open"             // type(<tx type>), data(<text>)
	FormSender         = "sender"           // sender_address(<base58>), sender_one_sided(…), [amount(…),] fee(…), type(…), data(<text>)
	FormRecipient      = "recipient"        // recipient_address(<base58>), sender_one_sided(…), amount(…), fee(…), type(…), data(<text>)
	FormRaw            = "raw"              // Raw(<hex>): bytes Tari could not decode
	FormText           = "text"             // none of the above: taken as plain text
)

// PaymentID is the payment id argument taken apart.
type PaymentID struct {
	Raw  string // the argument as given
	Form string // one of the Form constants
	// Data is the payer's user data: for data(<hex>), address_and_data and
	// Raw the decoded bytes; for the newer forms the text between
	// "data(" and the final ")" (Tari prints the bytes as lossy UTF-8); for
	// FormText the whole argument. Nil when there is none.
	Data    []byte
	Number  string // the decimal n of u64(n) or u256(n)
	Address string // address(…), sender_address(…) or recipient_address(…), as printed (base58)
	TxType  string // type(…), e.g. PaymentToOther
}

// maxPaymentIDLen bounds the argument before any work. The longest the
// wallet prints is a recipient form with a 441-character payment-id
// address and 256 bytes of user data that are all invalid UTF-8 (each
// printed as the 3-byte U+FFFD): about 1.4 KB.
const maxPaymentIDLen = 4096

var errPaymentIDSyntax = errors.New("not a form the console wallet prints")

// ParsePaymentID reads the payment id argument in any of the forms the
// console wallet has printed (Display of Tari's PaymentId): None, u64(n),
// u256(n), address(…), data(<hex>), address_and_data(…), type(…), data(…),
// the sender_address(…) and recipient_address(…) forms, and Raw(<hex>).
// A string that opens like one of these must be exactly that form. Any
// other string is plain text (FormText) with itself as the data, so a
// hook that passes the payer's note as it is still works.
//
// In data(X), X is hex when it is non-empty, of even length and only
// 0-9a-f, as Tari's to_hex writes it (wallets 1.6–1.9 printed only hex
// there); otherwise X is taken as text. The newer type(…), data(…) forms
// always hold text.
func ParsePaymentID(s string) (PaymentID, error) {
	if len(s) > maxPaymentIDLen {
		return PaymentID{}, fmt.Errorf("payment id of %d bytes: too long", len(s))
	}
	p := PaymentID{Raw: s}
	if err := p.parse(); err != nil {
		return PaymentID{}, fmt.Errorf("payment id %q: %w", s, err)
	}
	if len(p.Data) == 0 {
		p.Data = nil
	}
	return p, nil
}

func (p *PaymentID) parse() error {
	s := p.Raw
	if s == "" || s == "None" {
		p.Form = FormNone
		return nil
	}
	fields, ok := splitFields(s)
	if !ok || !knownForm(fields[0].name) {
		if opensKnownForm(s) {
			return errPaymentIDSyntax
		}
		p.Form, p.Data = FormText, []byte(s)
		return nil
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	for _, form := range forms {
		if slices.Equal(names, form.names) {
			p.Form = form.form
			for _, f := range fields {
				if err := p.set(f); err != nil {
					return fmt.Errorf("%s(…): %w", f.name, err)
				}
			}
			return nil
		}
	}
	return errPaymentIDSyntax
}

// forms lists the field names of each structured form, in order.
var forms = []struct {
	form  string
	names []string
}{
	{FormU64, []string{"u64"}},
	{FormU256, []string{"u256"}},
	{FormAddress, []string{"address"}},
	{FormData, []string{"data"}},
	{FormAddressAndData, []string{"address_and_data"}},
	{FormRaw, []string{"Raw"}},
	{FormOpen, []string{"type", "data"}},
	{FormSender, []string{"sender_address", "sender_one_sided", "fee", "type", "data"}},
	{FormSender, []string{"sender_address", "sender_one_sided", "amount", "fee", "type", "data"}},
	{FormRecipient, []string{"recipient_address", "sender_one_sided", "amount", "fee", "type", "data"}},
}

func knownForm(first string) bool {
	for _, f := range forms {
		if f.names[0] == first {
			return true
		}
	}
	return false
}

// opensKnownForm reports whether s starts like a structured form, so that
// a malformed one is an error rather than plain text.
func opensKnownForm(s string) bool {
	for _, f := range forms {
		if strings.HasPrefix(s, f.names[0]+"(") {
			return true
		}
	}
	return false
}

type field struct{ name, value string }

// splitFields splits `a(x), b(y), data(z)` into its fields. Every value
// runs to the first ')', except data's, which is always last and runs to
// the final ')': it is the payer's text and may hold anything.
func splitFields(s string) ([]field, bool) {
	var fields []field
	for {
		open := strings.IndexByte(s, '(')
		if open <= 0 || !isName(s[:open]) {
			return nil, false
		}
		f := field{name: s[:open]}
		s = s[open+1:]
		if f.name == "data" {
			if !strings.HasSuffix(s, ")") {
				return nil, false
			}
			f.value = s[:len(s)-1]
			return append(fields, f), true
		}
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil, false
		}
		f.value, s = s[:end], s[end+1:]
		fields = append(fields, f)
		if s == "" {
			return fields, true
		}
		if s, _ = strings.CutPrefix(s, ", "); s == "" {
			return nil, false
		}
	}
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

var (
	errHex    = errors.New("not lowercase hex")
	errNumber = errors.New("not a decimal number in range")
	errBool   = errors.New("not true or false")
	errBase58 = errors.New("not a base58 address")
	errTxType = errors.New("not a transaction type")
)

// set checks one field's value and records what it carries.
func (p *PaymentID) set(f field) error {
	var err error
	switch f.name {
	case "u64", "u256":
		bits := 64
		if f.name == "u256" {
			bits = 256
		}
		if !isUint(f.value, bits) {
			return errNumber
		}
		p.Number = f.value
	case "address", "sender_address", "recipient_address":
		if !isBase58(f.value) {
			return errBase58
		}
		p.Address = f.value
	case "address_and_data":
		address, data, ok := strings.Cut(f.value, ",")
		if !ok || !isBase58(address) {
			return errBase58
		}
		p.Address = address
		if p.Data, err = decodeHex(data); err != nil {
			return err
		}
	case "Raw":
		p.Data, err = decodeHex(f.value)
		return err
	case "data":
		p.Data = []byte(f.value)
		if p.Form == FormData && isHex(f.value) {
			p.Data, _ = hex.DecodeString(f.value)
		}
	case "type":
		if f.value == "" || !isName(f.value) {
			return errTxType
		}
		p.TxType = f.value
	case "sender_one_sided":
		if f.value != "true" && f.value != "false" {
			return errBool
		}
	case "amount", "fee":
		_, err = ParseAmount(f.value)
		return err
	}
	return nil
}

// isHex reports whether s is what Tari's to_hex writes: lowercase digits,
// even length, non-empty.
func isHex(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// decodeHex decodes to_hex output; empty is no bytes.
func decodeHex(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if !isHex(s) {
		return nil, errHex
	}
	return hex.DecodeString(s)
}

// isUint reports whether s is a decimal integer that fits in bits bits.
func isUint(s string, bits int) bool {
	if s == "" || len(s) > 78 { // 2^256 has 78 digits
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	n, _ := new(big.Int).SetString(s, 10)
	return n.BitLen() <= bits
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func isBase58(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base58Alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
