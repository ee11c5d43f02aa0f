package tari

import (
	"errors"
	"strings"
	"unicode/utf8"
)

var errEmoji = errors.New("invalid emoji character")

// Lookup tables built once from emojiAlphabet; read-only afterwards.
var (
	emojiRunes = []rune(emojiAlphabet)
	emojiIndex = func() map[rune]byte {
		m := make(map[rune]byte, len(emojiRunes))
		for i, r := range emojiRunes {
			m[r] = byte(i)
		}
		return m
	}()
)

// emojiEncode renders each byte as its emoji.
func emojiEncode(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) * 4)
	for _, c := range b {
		sb.WriteRune(emojiRunes[c])
	}
	return sb.String()
}

// emojiDecode maps each rune of s back to its byte. Variation selectors are
// not in the alphabet, so "⭐\uFE0F" fails, as it does in the reference.
func emojiDecode(s string) ([]byte, error) {
	out := make([]byte, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		c, ok := emojiIndex[r]
		if !ok {
			return nil, errEmoji
		}
		out = append(out, c)
	}
	return out, nil
}
