package serde

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// A SyntaxError is JSON that serde would reject. Msg follows serde's
// wording for the cases that matter (missing, duplicate and mistyped
// fields); Line and Column say where serde_json would report it, as near as
// this decoder can tell.
type SyntaxError struct {
	Msg          string
	Offset       int64 // bytes consumed when the error was found
	Line, Column int
}

// Error is serde_json's Display form, "msg at line L column C", which the
// reference puts after "Json deserialize error: ".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at line %d column %d", e.Msg, e.Line, e.Column)
}

// Field decodes one known field's raw value.
type Field struct {
	Name     string
	Required bool
	Decode   func(v jsontext.Value) error
}

// DecodeObject reads data as exactly one JSON object, serde-derive style:
// keys match exactly, a repeated known key is an error ("duplicate field"),
// unknown keys are skipped, a missing required key is an error, invalid
// UTF-8 and lone surrogates are errors and nothing may follow the object.
func DecodeObject(data []byte, expecting string, fields []Field) error {
	return locate(data, decodeTopLevel(data, expecting, fields, nil))
}

// DecodeFlattened decodes a struct with a #[serde(flatten)] member, as
// jwt-compact's Claims and header are: direct fields decode in place, the
// other keys are buffered and decoded into the flattened fields once the
// object has been read. Errors in flattened fields therefore carry no
// position of their own and are reported at the closing brace.
func DecodeFlattened(data []byte, expecting string, direct, flat []Field) error {
	type entry struct {
		name  string
		value jsontext.Value
	}
	var rest []entry
	err := decodeTopLevel(data, expecting, direct, func(name string, v jsontext.Value) {
		rest = append(rest, entry{name, v.Clone()})
	})
	if err != nil {
		return locate(data, err)
	}
	end := int64(len(bytes.TrimRight(data, " \t\r\n")))
	atEnd := func(err error) error {
		var se *SyntaxError
		if errors.As(err, &se) {
			err = errors.New(se.Msg)
		}
		return locate(data, &SyntaxError{Msg: err.Error(), Offset: end})
	}
	seen := make([]bool, len(flat))
	for _, e := range rest {
		i := fieldIndex(flat, e.name)
		if i < 0 {
			continue
		}
		if seen[i] {
			return atEnd(errors.New("duplicate field `" + e.name + "`"))
		}
		seen[i] = true
		if err := flat[i].Decode(e.value); err != nil {
			return atEnd(err)
		}
	}
	for i, f := range flat {
		if f.Required && !seen[i] {
			return atEnd(errors.New("missing field `" + f.Name + "`"))
		}
	}
	return nil
}

func decodeTopLevel(data []byte, expecting string, fields []Field, other func(string, jsontext.Value)) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true))
	if err := decodeObjectFrom(dec, data, expecting, fields, other); err != nil {
		return err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		// serde points at the first character after the value.
		end := dec.InputOffset()
		end += int64(len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n")))
		return &SyntaxError{Msg: "trailing characters", Offset: end + 1}
	}
	return nil
}

// locate fills in serde_json's line and column for a SyntaxError.
func locate(data []byte, err error) error {
	var se *SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	off := min(max(se.Offset, 0), int64(len(data)))
	before := data[:off]
	se.Line = 1 + bytes.Count(before, []byte{'\n'})
	se.Column = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return se
}

// DecodeObjectValue decodes a nested object. Offsets in its errors are
// relative to v; decodeObjectFrom rebases them.
func DecodeObjectValue(v jsontext.Value, expecting string, fields []Field) error {
	return decodeObjectFrom(jsontext.NewDecoder(bytes.NewReader(v), jsontext.AllowDuplicateNames(true)), v, expecting, fields, nil)
}

// customError marks a failure raised after serde_json had read the value,
// in a FromStr or deserialize_with (bad address, bad signature). serde gives
// those the position where the enclosing object stopped reading: after the
// value, or after the closing brace when the field was the last one.
type customError struct{ error }

// Custom marks err as raised after the value was read, as a FromStr or
// deserialize_with failure is, so that it is reported where serde reports
// those.
func Custom(err error) error { return customError{err} }

// FromStr decodes a JSON string through parse into *dst, as serde does for
// a type that implements FromStr; parse's error is a Custom one.
func FromStr[T any](dst *T, parse func(string) (T, error)) func(jsontext.Value) error {
	return func(v jsontext.Value) error {
		s, err := String(v)
		if err != nil {
			return err
		}
		if *dst, err = parse(s); err != nil {
			return Custom(err)
		}
		return nil
	}
}

// ReadValue reads data as exactly one JSON value, with nothing after it.
func ReadValue(data []byte) (jsontext.Value, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true))
	v, err := dec.ReadValue()
	if err != nil {
		return nil, locate(data, ReadError(dec, err))
	}
	v = v.Clone() // ReadValue's result dies at the next read
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, locate(data, &SyntaxError{Msg: "trailing characters", Offset: dec.InputOffset() + 1})
	}
	return v, nil
}

// decodeObjectFrom reads one object from dec, whose input is data. Unknown
// keys go to other when it is not nil, and are skipped otherwise.
func decodeObjectFrom(dec *jsontext.Decoder, data []byte, expecting string, fields []Field, other func(string, jsontext.Value)) error {
	if k := dec.PeekKind(); k != '{' {
		if k == 0 {
			_, err := dec.ReadToken()
			return ReadError(dec, err)
		}
		v, err := dec.ReadValue()
		if err != nil {
			return ReadError(dec, err)
		}
		return &SyntaxError{Msg: "invalid type: " + Unexpected(v) + ", expected " + expecting, Offset: dec.InputOffset()}
	}
	if _, err := dec.ReadToken(); err != nil {
		return ReadError(dec, err)
	}
	seen := make([]bool, len(fields))
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return ReadError(dec, err)
		}
		name := tok.String()
		i := fieldIndex(fields, name)
		if i < 0 {
			if other == nil {
				err = dec.SkipValue()
			} else {
				var v jsontext.Value
				if v, err = dec.ReadValue(); err == nil {
					other(name, v)
				}
			}
			if err != nil {
				return ReadError(dec, err)
			}
			continue
		}
		if seen[i] {
			return &SyntaxError{Msg: "duplicate field `" + name + "`", Offset: dec.InputOffset()}
		}
		seen[i] = true
		v, err := dec.ReadValue()
		if err != nil {
			return ReadError(dec, err)
		}
		if err := fields[i].Decode(v); err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				// A nested object's error: rebase its offset onto ours.
				start := dec.InputOffset() - int64(len(v))
				return &SyntaxError{Msg: se.Msg, Offset: start + se.Offset}
			}
			off := dec.InputOffset()
			if errors.As(err, new(customError)) {
				rest := bytes.TrimLeft(data[off:], " \t\r\n")
				if len(rest) > 0 && rest[0] == '}' {
					off = int64(len(data)-len(rest)) + 1
				}
			}
			return &SyntaxError{Msg: err.Error(), Offset: off}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return ReadError(dec, err)
	}
	for i, f := range fields {
		if f.Required && !seen[i] {
			return &SyntaxError{Msg: "missing field `" + f.Name + "`", Offset: dec.InputOffset()}
		}
	}
	return nil
}

func fieldIndex(fields []Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// ReadError turns an error of dec into a SyntaxError at dec's offset, in
// serde_json's words where they differ.
func ReadError(dec *jsontext.Decoder, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &SyntaxError{Msg: "EOF while parsing a value", Offset: dec.InputOffset()}
	}
	return &SyntaxError{Msg: strings.TrimPrefix(err.Error(), "jsontext: "), Offset: dec.InputOffset()}
}

// Unexpected describes a value as serde's "invalid type" errors do.
func Unexpected(v jsontext.Value) string {
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
		if isJSONInteger(v) && fitsInt64OrUint64(string(v)) {
			return "integer `" + string(v) + "`"
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return "floating point `" + formatFloat(f) + "`"
	case '[':
		return "sequence"
	case '{':
		return "map"
	}
	return "value"
}

// String decodes a JSON string (serde String).
func String(v jsontext.Value) (string, error) {
	if v.Kind() != '"' {
		return "", fmt.Errorf("invalid type: %s, expected a string", Unexpected(v))
	}
	s, err := jsontext.AppendUnquote(nil, v)
	if err != nil || !utf8.Valid(s) {
		return "", errors.New("invalid unicode code point")
	}
	return string(s), nil
}

// OptString decodes Option<String>: null or a string.
func OptString(v jsontext.Value) (*string, error) {
	if v.Kind() == 'n' {
		return nil, nil
	}
	s, err := String(v)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func fitsInt64OrUint64(s string) bool {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return true
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// formatFloat prints f as serde_json's error messages do (ryu): integral
// values keep a ".0", very large or small ones use an exponent.
func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if a := math.Abs(f); a != 0 && (a >= 1e16 || a < 1e-5) {
		return strings.Replace(strconv.FormatFloat(f, 'e', -1, 64), "e+", "e", 1)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func isJSONInteger(v jsontext.Value) bool {
	return v.Kind() == '0' && !bytes.ContainsAny(v, ".eE")
}

// Int decodes an integer of the given bit size; floats are refused as
// serde refuses them for integer fields.
func Int(v jsontext.Value, bits int, expecting string) (int64, error) {
	if !isJSONInteger(v) || !fitsInt64OrUint64(string(v)) {
		return 0, fmt.Errorf("invalid type: %s, expected %s", Unexpected(v), expecting)
	}
	n, err := strconv.ParseInt(string(v), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("invalid value: integer `%s`, expected %s", v, expecting)
	}
	return n, nil
}

// Uint decodes an unsigned integer of the given bit size.
func Uint(v jsontext.Value, bits int, expecting string) (uint64, error) {
	if !isJSONInteger(v) || !fitsInt64OrUint64(string(v)) {
		return 0, fmt.Errorf("invalid type: %s, expected %s", Unexpected(v), expecting)
	}
	n, err := strconv.ParseUint(string(v), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("invalid value: integer `%s`, expected %s", v, expecting)
	}
	return n, nil
}

// StringArray decodes a JSON array of strings, each passed to check.
func StringArray(v jsontext.Value, check func(string) error) ([]string, error) {
	if v.Kind() != '[' {
		return nil, fmt.Errorf("invalid type: %s, expected a sequence", Unexpected(v))
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
		s, err := String(e)
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
