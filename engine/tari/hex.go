package tari

import (
	"encoding/hex"
	"errors"
	"strings"
)

// Hex decoding errors, worded like tari_utilities' HexError.
var (
	errHexChars  = errors.New("Only hexadecimal characters may be used")
	errHexLength = errors.New("Hex string lengths must be a multiple of 2")
)

// decodeHex follows tari_utilities 0.7 from_hex: surrounding whitespace is
// trimmed, an optional 0x prefix is dropped, case is ignored and an odd
// length is an error. Keys and signatures in config and JSON go through it.
func decodeHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "0x")
	if len(s)%2 != 0 {
		return nil, errHexLength
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errHexChars
	}
	return b, nil
}
