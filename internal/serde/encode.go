// Package serde reads and writes JSON exactly as the reference's Rust
// serde_json and serde-derive do, byte for byte and error for error: the
// Tari JSON that is signed (JWT claims, memo and wallet payloads) and the
// error messages the reference answers with.
package serde

// AppendString appends s as serde_json writes a string: only '"', '\\'
// and control characters are escaped (short forms for \b \t \n \f \r,
// lowercase \u00xx otherwise); '/', '<', '>', '&', DEL, U+2028/2029 and all
// other non-ASCII text go out raw. Signed payloads depend on every byte.
func AppendString(dst []byte, s string) []byte {
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

// AppendOptString writes a string or null, as serde does for Option<String>.
func AppendOptString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return AppendString(dst, *s)
}
