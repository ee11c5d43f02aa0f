// Package taritest loads the shared Tari test vectors
// (engine/tari/testdata/tari_vectors.json), and taripay's own
// wallet-cancellation vectors (engine/tari/testdata/cancellation_vectors.json),
// for tests in any package.
package taritest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Vectors mirrors tari_vectors.json.
type Vectors struct {
	LoginTokens []struct {
		Source        string   `json:"source"`
		Token         string   `json:"token"`
		Valid         bool     `json:"valid"`
		AddressBase58 string   `json:"address_base58"`
		Nonce         uint64   `json:"nonce"`
		DesiredRoles  []string `json:"desired_roles"`
	} `json:"login_tokens"`
	WalletBodies []SignedBody `json:"wallet_bodies"`
	MemoClaims   []SignedBody `json:"memo_claims"`
	Keys         []KeyVector  `json:"keys"`
	AccessTokens []struct {
		ServerKey KeyVector `json:"server_key"`
		Now       int64     `json:"now"`
		Result    struct {
			Claims       json.RawMessage `json:"claims"`
			ServerPubkey string          `json:"server_pubkey"`
			Token        string          `json:"token"`
		} `json:"result"`
	} `json:"access_tokens"`
}

// SignedBody is a signed JSON body as a client sends it; Source names the
// reference file it came from.
type SignedBody struct {
	Source string          `json:"source"`
	Valid  bool            `json:"valid"`
	Body   json.RawMessage `json:"body"`
}

// KeyVector is a key pair and its address in every encoding.
type KeyVector struct {
	SecretKey string `json:"secret_key"`
	PublicKey string `json:"public_key"`
	Address   struct {
		Base58         string          `json:"base58"`
		Emoji          string          `json:"emoji"`
		Hex            string          `json:"hex"`
		Features       byte            `json:"features"`
		NetworkByte    byte            `json:"network_byte"`
		PublicSpendKey string          `json:"public_spend_key"`
		SerdeJSON      json.RawMessage `json:"serde_json"`
	} `json:"address"`
}

// Load reads the vectors, failing t if it cannot.
func Load(t testing.TB) Vectors {
	t.Helper()
	var v Vectors
	load(t, "tari_vectors.json", &v)
	return v
}

// Cancellations mirrors cancellation_vectors.json: /wallet/tx_cancelled
// bodies, and signatures moved between it and /wallet/tx_confirmation.
type Cancellations struct {
	SecretKey   string `json:"secret_key"`   // the hot wallet that signed the valid body
	NonceScalar string `json:"nonce_scalar"` // the Schnorr nonce it was signed with
	Bodies      []struct {
		Scenario string          `json:"scenario"`
		Kind     string          `json:"kind"` // "cancellation" or "confirmation"
		Valid    bool            `json:"valid"`
		Body     json.RawMessage `json:"body"`
	} `json:"bodies"`
}

// LoadCancellations reads cancellation_vectors.json, failing t if it cannot.
func LoadCancellations(t testing.TB) Cancellations {
	t.Helper()
	var v Cancellations
	load(t, "cancellation_vectors.json", &v)
	return v
}

func load(t testing.TB, name string, v any) {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("taritest: cannot locate the vector files")
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("taritest: %s: %v", name, err)
	}
}

// FixedNonce returns a reader whose 64 bytes wide-reduce to the canonical
// scalar given in hex, so that signatures made with it reproduce exactly.
func FixedNonce(t testing.TB, scalarHex string) io.Reader {
	t.Helper()
	b, err := hex.DecodeString(scalarHex)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad nonce %q", scalarHex)
	}
	return bytes.NewReader(append(b, make([]byte, 32)...))
}

// JSONEqual reports whether a and b hold the same JSON value, whatever the
// order of their keys and their spacing.
func JSONEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
