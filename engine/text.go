package engine

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored and shown as text: valid UTF-8
// with no NUL. PostgreSQL refuses both in text columns, so an identifier or
// a client's text that fails this is bad input, refused before any query.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// CleanText returns s with every NUL and every invalid UTF-8 sequence
// replaced by U+FFFD, and whether anything was replaced. It is for text
// that describes something that already happened outside taripay (a
// received payment's memo, a placed order's note): such an event is stored
// with its text mended, never refused.
func CleanText(s string) (string, bool) {
	if ValidText(s) {
		return s, false
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD"), true
}
