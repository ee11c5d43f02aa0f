package tari

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEmojiAlphabet(t *testing.T) {
	if len(emojiRunes) != 256 || len(emojiIndex) != 256 {
		t.Fatalf("alphabet has %d runes, %d distinct", len(emojiRunes), len(emojiIndex))
	}
	if !strings.HasPrefix(emojiAlphabet, "🐢📟🌈🌊🎯") || !strings.HasSuffix(emojiAlphabet, "🚽🚿🧲") {
		t.Fatal("alphabet is not tari v1.3.1-pre.1's")
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	got, err := emojiDecode(emojiEncode(all))
	if err != nil || string(got) != string(all) {
		t.Fatalf("emoji round trip: %v", err)
	}
}

func TestBase58(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0}, "1"},
		{[]byte{3}, "4"},
		{[]byte{57}, "z"},
		{[]byte{0, 0, 1}, "112"},
		{[]byte("hello world"), "StV1DL6CwTryKyV"},
	}
	for _, tc := range tests {
		if got := base58Encode(tc.in); got != tc.want {
			t.Errorf("encode %x = %q, want %q", tc.in, got, tc.want)
		}
		if got, err := base58Decode(tc.want); err != nil || string(got) != string(tc.in) {
			t.Errorf("decode %q = %x, %v", tc.want, got, err)
		}
	}
	for _, bad := range []string{"0", "O", "I", "l", "+", "é"} {
		if _, err := base58Decode(bad); err == nil {
			t.Errorf("decode %q succeeded", bad)
		}
	}
}

func TestDammSum(t *testing.T) {
	a := NewAddress(MainNet, mustKey(t, testRand()).Public()).Bytes()
	if !dammSumValid(a) {
		t.Fatal("fresh address fails its checksum")
	}
	for i := range a {
		for _, delta := range []byte{1, 0x80, 0xff} {
			b := append([]byte(nil), a...)
			b[i] ^= delta
			if dammSumValid(b) {
				t.Fatalf("substitution at %d not detected", i)
			}
		}
		if i+1 < len(a) && a[i] != a[i+1] {
			b := append([]byte(nil), a...)
			b[i], b[i+1] = b[i+1], b[i]
			if dammSumValid(b) {
				t.Fatalf("transposition at %d not detected", i)
			}
		}
	}
	if dammSumValid([]byte{0}) {
		t.Fatal("one byte is never valid")
	}
}

func TestParseAddressExamples(t *testing.T) {
	tests := []struct {
		in                  string
		network             Network
		features            byte
		dual                bool
		base58, spendPrefix string
	}{
		{"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt", MainNet, 3, false, "", ""},
		{"345UiW1KVM6L1KaffXbipcWV9c9BkFztDsyMEkj8fQABpYN8SXk7UCTLZfiZEArHNBtbcBsaUMD8q1yJG9X98J1TwoA", NextNet, 3, true, "", ""},
		{"143UtnSymZykCAm95xAKKKe8nowL6zif8qb1h7yHxgtD9XZ", MainNet, 3, false, "", ""},
		{"14s9vDTwrweZvWEgQ9gNhXXPX68DPXSSAHNFWYEPi5JsBQY", MainNet, 3, false, "", "a8d523755de41b9c"},
		{"000310c2e78e1bbbe58779eade51cf6d66f26288d934e9eda26fb20c8bcb88825d2a05", MainNet, 3, false, "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn", ""},
		{"🐢🌊🌹💵😱🐺🍊💦😍🦆🐛👍🔮🎭📷🐊🏠🚓🏁🦂🔩🍳🤢🚁👠🐍💍🌴🐶📿🦂🐬🎼🥝🐋", MainNet, 3, false, "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn", ""},
		{" 🐢🌊|🌹💵😱🐺🍊💦😍🦆🐛👍🔮🎭📷🐊🏠🚓🏁🦂🔩🍳🤢🚁👠🐍💍🌴🐶📿🦂🐬🎼🥝|🐋\t", MainNet, 3, false, "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn", ""},
	}
	for _, tc := range tests {
		a, err := ParseAddress(tc.in)
		if err != nil {
			t.Fatalf("ParseAddress(%q): %v", tc.in, err)
		}
		if a.Network() != tc.network || a.Features() != tc.features || a.IsDual() != tc.dual {
			t.Errorf("%q: network %v features %d dual %v", tc.in, a.Network(), a.Features(), a.IsDual())
		}
		want := tc.base58
		if want == "" {
			want = tc.in
		}
		if a.Base58() != want {
			t.Errorf("%q: base58 %s, want %s", tc.in, a.Base58(), want)
		}
		if !strings.HasPrefix(a.SpendKey().Hex(), tc.spendPrefix) {
			t.Errorf("%q: spend key %s", tc.in, a.SpendKey().Hex())
		}
	}
}

func TestParseAddressRejects(t *testing.T) {
	good := NewAddress(MainNet, mustKey(t, testRand()).Public())
	withByte := func(i int, v byte) string {
		b := good.Bytes()
		b[i] = v
		b[len(b)-1] = dammSum(b[:len(b)-1])
		return emojiEncode(b)
	}
	b := good.Bytes()
	b[5], b[6] = b[6], b[5]
	transposed := emojiEncode(b)
	tests := map[string]string{
		"empty":               "",
		"legacy hex (33)":     "a8d523755de41b9c14de709ca59d52bc1772658258962ef5bbefa8c59082e54733",
		"bad checksum":        good.Hex()[:68] + "00",
		"transposed emoji":    transposed,
		"unknown network":     withByte(0, 0x05),
		"features 4":          withByte(1, 4),
		"non-canonical key":   withByte(2, 0xff),
		"variation selector":  strings.Replace(good.Emoji(), "🐢", "⭐\uFE0F", 1),
		"34 emoji":            string([]rune(good.Emoji())[:34]),
		"base58 short":        good.Base58()[:44],
		"base58 with 0":       "0" + good.Base58()[1:],
		"odd hex":             good.Hex()[1:],
		"legacy emoji":        "👽🔥🍓🐗🎼😉🍊👘🍁🔮🐎👘👣👙🎮💨🍆🐑🏉🐬🎷👒🍪🚜💦🚌👽💼🐼🐬😍🎡🍰",
		"base58 bad checksum": good.Base58()[:len(good.Base58())-1] + "1",
	}
	for name, in := range tests {
		if a, err := ParseAddress(in); err != ErrAddressString {
			t.Errorf("%s: ParseAddress(%q) = %v, %v", name, in, a, err)
		}
	}
}

func TestAddressFromBytesErrorOrder(t *testing.T) {
	good := NewAddress(MainNet, mustKey(t, testRand()).Public()).Bytes()
	resum := func(b []byte) []byte { b[len(b)-1] = dammSum(b[:len(b)-1]); return b }
	mod := func(i int, v byte) []byte {
		b := append([]byte(nil), good...)
		b[i] = v
		return resum(b)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"size", good[:34], ErrAddressSize},
		{"checksum before network", func() []byte { b := mod(0, 9); b[34] ^= 1; return b }(), ErrAddressChecksum},
		{"network before features", func() []byte { b := mod(0, 9); b[1] = 7; return resum(b) }(), ErrAddressNetwork},
		{"features", mod(1, 7), ErrAddressFeatures},
		{"key", mod(33, 0xff), ErrAddressKey},
	}
	for _, tc := range tests {
		if _, err := AddressFromBytes(tc.in); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestDummyAddress(t *testing.T) {
	tests := map[string]string{
		"1234": "13111eLuVvxBvAhWdTUMEKJRgpbFusby2KqBaGT5emkFzt",
		"bob":  "13111eLuVvxBvAAf3tKJFWKNhJrv5e1dV4on8e3AW1Qq4e",
	}
	for id, want := range tests {
		a := DummyAddress(id)
		if a.Base58() != want {
			t.Errorf("DummyAddress(%q) = %s, want %s", id, a.Base58(), want)
		}
		if !strings.HasPrefix(a.Hex(), "0002000000ba5e4d0000") {
			t.Errorf("DummyAddress(%q) hex %s", id, a.Hex())
		}
	}
	for _, id := range []string{"", "5500221", "orderid-X-1", strings.Repeat("z", 500)} {
		a := DummyAddress(id)
		if got, err := ParseAddress(a.Base58()); err != nil || got != a || !strings.HasPrefix(a.Base58(), "13111eLuVvx") {
			t.Errorf("DummyAddress(%q) = %s does not parse back: %v", id, a.Base58(), err)
		}
	}
}

func TestAddressUnmarshalJSON(t *testing.T) {
	const key = "10c2e78e1bbbe58779eade51cf6d66f26288d934e9eda26fb20c8bcb88825d2a"
	tests := []struct {
		in      string
		wantErr string
		want    string // base58 on success
	}{
		{`{"Single":{"network":"mainnet","features":3,"public_spend_key":"` + key + `"}}`, "", "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn"},
		{`{"Single":{"public_spend_key":" 0x` + strings.ToUpper(key) + `","features":3,"network":"MainNet","x":1}}`, "", "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn"},
		{`{"Single":{"network":"esme","features":200,"public_spend_key":"` + key + `"}}`, "", ""},
		{`{"network":"mainnet","public_key":"` + key + `"}`, "invalid value: map, expected map with a single key", ""},
		{`{"single":{"network":"mainnet","features":3,"public_spend_key":"` + key + `"}}`, "unknown variant `single`", ""},
		{`{"Single":{"network":"mainnet","features":256,"public_spend_key":"` + key + `"}}`, "invalid value", ""},
		{`{"Single":{"network":"moonnet","features":3,"public_spend_key":"` + key + `"}}`, "network", ""},
		{`{"Single":{"network":"mainnet","features":3}}`, "missing field `public_spend_key`", ""},
		{`{"Dual":{"network":"mainnet","features":3,"public_spend_key":"` + key + `"}}`, "missing field `public_view_key`", ""},
		{`{"Single":{"network":"mainnet","features":3,"public_spend_key":"` + key + `"},"Dual":{}}`, "expected map with a single key", ""},
		{`{}`, "expected map with a single key", ""},
		{`{"Triple":{}}`, "unknown variant `Triple`, expected `Single` or `Dual`", ""},
		{`null`, "invalid type: null, expected string or map", ""},
		{`{"Single":{"network":"mainnet","features":3,"public_spend_key":"` + key + `"}} x`, "trailing characters", ""},
		{`[1]`, "invalid type: sequence, expected string or map", ""},
		{`"Single"`, "unit variant", ""},
		{`"14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt"`, "unknown variant", ""},
	}
	for _, tc := range tests {
		var a Address
		err := a.UnmarshalJSON([]byte(tc.in))
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.in, err)
			} else if tc.want != "" && a.Base58() != tc.want {
				t.Errorf("%s: got %s", tc.in, a.Base58())
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err %v, want %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestKeysHex(t *testing.T) {
	const sk = "bf9da371add03729f9df1ab8f6356a7104868fe75de9d5235d33af28cfcae701"
	for _, in := range []string{sk, " 0x" + strings.ToUpper(sk) + "\n"} {
		k, err := ParseSecretKey(in)
		if err != nil || k.Hex() != sk {
			t.Errorf("ParseSecretKey(%q): %v", in, err)
		}
	}
	for _, bad := range []string{"", sk[1:], sk[2:], sk + "00", "zz" + sk[2:], strings.Repeat("f", 64)} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) succeeded", bad)
		}
	}
	if _, err := ParsePublicKey(strings.Repeat("f", 64)); err == nil {
		t.Error("non-canonical point accepted")
	}
	if p, err := ParsePublicKey(strings.Repeat("0", 64)); err != nil || !p.IsIdentity() {
		t.Error("identity must parse (and fail only at verification)")
	}
	k, _ := ParseSecretKey(sk)
	if s := k.String(); strings.Contains(s, sk[:8]) || !utf8.ValidString(s) {
		t.Error("String leaks the secret")
	}
}
