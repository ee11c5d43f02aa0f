package tari

import (
	"bytes"
	"strings"
	"taripay/engine/tari/taritest"
	"testing"
	"time"
)

func TestVectorKeys(t *testing.T) {
	v := taritest.Load(t)
	all := append([]taritest.KeyVector{}, v.Keys...)
	for _, at := range v.AccessTokens {
		all = append(all, at.ServerKey)
	}
	for _, kv := range all {
		t.Run(kv.Address.Base58, func(t *testing.T) {
			sk, err := ParseSecretKey(kv.SecretKey)
			if err != nil {
				t.Fatal(err)
			}
			if got := sk.Public().Hex(); got != kv.PublicKey {
				t.Fatalf("public key %s, want %s", got, kv.PublicKey)
			}
			a := NewAddress(MainNet, sk.Public())
			if a.Base58() != kv.Address.Base58 || a.Emoji() != kv.Address.Emoji || a.Hex() != kv.Address.Hex {
				t.Fatalf("address forms %s %s %s", a.Base58(), a.Emoji(), a.Hex())
			}
			js, _ := a.MarshalJSON()
			if !taritest.JSONEqual(t, js, kv.Address.SerdeJSON) {
				t.Fatalf("serde json %s, want %s", js, kv.Address.SerdeJSON)
			}
			for _, form := range []string{kv.Address.Base58, kv.Address.Emoji, kv.Address.Hex} {
				p, err := ParseAddress(form)
				if err != nil || p != a {
					t.Fatalf("ParseAddress(%q) = %v, %v", form, p, err)
				}
			}
		})
	}
}

func TestVectorLoginTokens(t *testing.T) {
	for _, tc := range taritest.Load(t).LoginTokens {
		t.Run(tc.Source, func(t *testing.T) {
			c, err := ParseLoginToken(tc.Token)
			if (err == nil) != tc.Valid {
				t.Fatalf("valid = %v, want %v (err %v)", err == nil, tc.Valid, err)
			}
			if !tc.Valid {
				return
			}
			if c.Nonce != tc.Nonce || !equalStrings(c.DesiredRoles, tc.DesiredRoles) {
				t.Fatalf("claims %+v", c)
			}
			if tc.AddressBase58 != "" && c.Address.Base58() != tc.AddressBase58 {
				t.Fatalf("address %s, want %s", c.Address.Base58(), tc.AddressBase58)
			}
		})
	}
}

func TestVectorMemoClaims(t *testing.T) {
	for _, tc := range taritest.Load(t).MemoClaims {
		t.Run(tc.Source, func(t *testing.T) {
			m, err := ParseMemoSignature(tc.Body)
			if err != nil {
				t.Fatal(err)
			}
			if m.Verify() != tc.Valid {
				t.Fatalf("verify = %v, want %v", m.Verify(), tc.Valid)
			}
		})
	}
}

func TestVectorAccessTokens(t *testing.T) {
	for _, tc := range taritest.Load(t).AccessTokens {
		pub, err := ParsePublicKey(tc.Result.ServerPubkey)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Unix(tc.Now, 0)
		c, err := VerifyAccessToken(tc.Result.Token, pub, now)
		if err != nil {
			t.Fatal(err)
		}
		if c.IssuedAt != tc.Now || c.Expires != tc.Now+86400 {
			t.Fatalf("claims %+v", c)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The generated vectors were made with a fixed nonce; signing the same
// claims with it must give the same token, byte for byte.
func TestVectorGeneratedTokensReproduce(t *testing.T) {
	v := taritest.Load(t)
	t.Run("login", func(t *testing.T) {
		tc := v.LoginTokens[4]
		k, err := ParseSecretKey(v.Keys[0].SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		if NewAddress(MainNet, k.Public()).Base58() != tc.AddressBase58 {
			t.Fatal("vector key does not match the token's address")
		}
		got, err := SignLoginToken(taritest.FixedNonce(t, generatorNonce), k, LoginClaims{
			Address: NewAddress(MainNet, k.Public()), Nonce: tc.Nonce, DesiredRoles: tc.DesiredRoles,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.Token {
			t.Fatalf("token\n got %s\nwant %s", got, tc.Token)
		}
	})
	t.Run("access", func(t *testing.T) {
		tc := v.AccessTokens[0]
		k, err := ParseSecretKey(tc.ServerKey.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		var claims AccessClaims
		if claims, err = decodeAccessClaimsJSON(tc.Result.Claims); err != nil {
			t.Fatal(err)
		}
		got, err := IssueAccessToken(taritest.FixedNonce(t, generatorNonce), k, claims)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.Result.Token {
			t.Fatalf("token\n got %s\nwant %s", got, tc.Result.Token)
		}
	})
}

func decodeAccessClaimsJSON(data []byte) (AccessClaims, error) {
	c, _, err := decodeAccessClaims(data)
	return c, err
}

// With the generator's nonce, every signature kind must carry the public
// nonce R of the generated tokens. Since s is then fixed by s·G = R + e·P,
// "same R and verifies" pins every byte of the signature.
func TestVectorFixedNonceSignatures(t *testing.T) {
	v := taritest.Load(t)
	tok := v.LoginTokens[4].Token
	wantR, err := b64.DecodeString(tok[strings.LastIndexByte(tok, '.')+1:])
	if err != nil {
		t.Fatal(err)
	}
	wantR = wantR[:32]
	k, err := ParseSecretKey(v.Keys[0].SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	a := NewAddress(MainNet, k.Public())
	m, err := SignMemo(taritest.FixedNonce(t, generatorNonce), k, a, "order10256")
	if err != nil {
		t.Fatal(err)
	}
	w, err := SignWallet(taritest.FixedNonce(t, generatorNonce), k, a, 1, []byte(`{"txid":"payment001"}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, sig := range map[string]Signature{"memo": m.Signature, "wallet": w} {
		if !bytes.Equal(sig.Bytes()[:32], wantR) {
			t.Errorf("%s: R = %x, want %x", name, sig.Bytes()[:32], wantR)
		}
	}
	if !m.Verify() || !VerifyWallet(a, 1, []byte(`{"txid":"payment001"}`), w) {
		t.Fatal("fixed-nonce signatures do not verify")
	}
}
