package tari

// dammSum is the Tari address checksum: a Damm-style check over GF(2^8)
// with mask 0x1B. It catches every single-byte substitution
// and every adjacent transposition.
func dammSum(b []byte) byte {
	var r byte
	for _, d := range b {
		r ^= d
		carry := r&0x80 != 0
		r <<= 1
		if carry {
			r ^= 0x1B
		}
	}
	return r
}

// dammSumValid reports whether b ends with its own checksum.
func dammSumValid(b []byte) bool {
	return len(b) >= 2 && dammSum(b) == 0
}
