package tari

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// appendJSONString appends s as serde_json writes a string: only '"', '\\'
// and control characters are escaped (short forms for \b \t \n \f \r,
// lowercase \u00xx otherwise); '/', '<', '>', '&', DEL, U+2028/2029 and all
// other non-ASCII text go out raw. Signed payloads depend on every byte.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// appendJSONOptString writes a string or null, as serde does for Option<String>.
func appendJSONOptString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *s)
}

// A SyntaxError reports JSON that serde would reject, with serde's wording
// where it matters and the byte offset where the problem was found.
type SyntaxError struct {
	Msg    string
	Offset int64
}

func (e *SyntaxError) Error() string { return e.Msg }

// objectField decodes one known field's raw value.
type objectField struct {
	name     string
	required bool
	decode   func(v jsontext.Value) error
}

// decodeObject reads data as exactly one JSON object, serde-derive style:
// keys match exactly, a repeated known key is an error ("duplicate field"),
// unknown keys are skipped, a missing required key is an error, invalid
// UTF-8 and lone surrogates are errors and nothing may follow the object.
func decodeObject(data []byte, expecting string, fields []objectField) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true))
	if err := decodeObjectFrom(dec, expecting, fields); err != nil {
		return err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return &SyntaxError{Msg: "trailing characters", Offset: dec.InputOffset()}
	}
	return nil
}

// decodeObjectValue is decodeObject for a value nested in another object.
func decodeObjectValue(v jsontext.Value, expecting string, fields []objectField) error {
	return decodeObjectFrom(jsontext.NewDecoder(bytes.NewReader(v), jsontext.AllowDuplicateNames(true)), expecting, fields)
}

func decodeObjectFrom(dec *jsontext.Decoder, expecting string, fields []objectField) error {
	if k := dec.PeekKind(); k != '{' {
		if k == 0 {
			_, err := dec.ReadToken()
			return syntaxError(dec, err)
		}
		v, err := dec.ReadValue()
		if err != nil {
			return syntaxError(dec, err)
		}
		return &SyntaxError{Msg: "invalid type: " + unexpected(v) + ", expected " + expecting, Offset: dec.InputOffset()}
	}
	if _, err := dec.ReadToken(); err != nil {
		return syntaxError(dec, err)
	}
	seen := make([]bool, len(fields))
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return syntaxError(dec, err)
		}
		name := tok.String()
		i := fieldIndex(fields, name)
		if i < 0 {
			if err := dec.SkipValue(); err != nil {
				return syntaxError(dec, err)
			}
			continue
		}
		if seen[i] {
			return &SyntaxError{Msg: "duplicate field `" + name + "`", Offset: dec.InputOffset()}
		}
		seen[i] = true
		v, err := dec.ReadValue()
		if err != nil {
			return syntaxError(dec, err)
		}
		if err := fields[i].decode(v); err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				return err
			}
			return &SyntaxError{Msg: err.Error(), Offset: dec.InputOffset()}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return syntaxError(dec, err)
	}
	for i, f := range fields {
		if f.required && !seen[i] {
			return &SyntaxError{Msg: "missing field `" + f.name + "`", Offset: dec.InputOffset()}
		}
	}
	return nil
}

func fieldIndex(fields []objectField, name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

func syntaxError(dec *jsontext.Decoder, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &SyntaxError{Msg: "EOF while parsing a value", Offset: dec.InputOffset()}
	}
	return &SyntaxError{Msg: strings.TrimPrefix(err.Error(), "jsontext: "), Offset: dec.InputOffset()}
}

// unexpected describes a value as serde's "invalid type" errors do.
func unexpected(v jsontext.Value) string {
	switch v.Kind() {
	case 'n':
		return "null"
	case 't':
		return "boolean `true`"
	case 'f':
		return "boolean `false`"
	case '"':
		s, _ := jsontext.AppendUnquote(nil, v)
		return "string " + strconv.Quote(string(s))
	case '0':
		if isJSONInteger(v) {
			return "integer `" + string(v) + "`"
		}
		return "floating point `" + string(v) + "`"
	case '[':
		return "sequence"
	case '{':
		return "map"
	}
	return "value"
}

// stringValue decodes a JSON string (serde String).
func stringValue(v jsontext.Value) (string, error) {
	if v.Kind() != '"' {
		return "", fmt.Errorf("invalid type: %s, expected a string", unexpected(v))
	}
	s, err := jsontext.AppendUnquote(nil, v)
	if err != nil || !utf8.Valid(s) {
		return "", errors.New("invalid unicode code point")
	}
	return string(s), nil
}

// optStringValue decodes Option<String>: null or a string.
func optStringValue(v jsontext.Value) (*string, error) {
	if v.Kind() == 'n' {
		return nil, nil
	}
	s, err := stringValue(v)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func isJSONInteger(v jsontext.Value) bool {
	return v.Kind() == '0' && !bytes.ContainsAny(v, ".eE")
}

// intValue decodes an integer of the given bit size; floats are refused as
// serde refuses them for integer fields.
func intValue(v jsontext.Value, bits int, expecting string) (int64, error) {
	if !isJSONInteger(v) {
		return 0, fmt.Errorf("invalid type: %s, expected %s", unexpected(v), expecting)
	}
	n, err := strconv.ParseInt(string(v), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("invalid value: integer `%s`, expected %s", v, expecting)
	}
	return n, nil
}

// uintValue decodes an unsigned integer of the given bit size.
func uintValue(v jsontext.Value, bits int, expecting string) (uint64, error) {
	if !isJSONInteger(v) {
		return 0, fmt.Errorf("invalid type: %s, expected %s", unexpected(v), expecting)
	}
	n, err := strconv.ParseUint(string(v), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("invalid value: integer `%s`, expected %s", v, expecting)
	}
	return n, nil
}

// stringArrayValue decodes a JSON array of strings, each passed to check.
func stringArrayValue(v jsontext.Value, check func(string) error) ([]string, error) {
	if v.Kind() != '[' {
		return nil, fmt.Errorf("invalid type: %s, expected a sequence", unexpected(v))
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	out := []string{}
	for dec.PeekKind() != ']' {
		e, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		s, err := stringValue(e)
		if err != nil {
			return nil, err
		}
		if err := check(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
