package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taripay/engine/tari"
)

// runCLI runs the real root command in-process and returns its stdout.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := NewRootCmd()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// checkKeyOutput verifies printed key material independently: the public
// key is the secret's, and every address form parses to the same address
// on the requested network.
func checkKeyOutput(t *testing.T, out keyOutput, secret tari.SecretKey, network tari.Network) {
	t.Helper()
	if out.PublicKey != secret.Public().Hex() {
		t.Fatalf("public key %s is not the secret's", out.PublicKey)
	}
	want := tari.NewAddress(network, secret.Public())
	for _, form := range []string{out.Base58, out.Emoji, out.Hex} {
		a, err := tari.ParseAddress(form)
		if err != nil || a != want {
			t.Fatalf("address form %q parses to %v, %v; want %v", form, a, err, want)
		}
	}
	if out.Network != network.String() {
		t.Fatalf("network %q", out.Network)
	}
}

func TestKeysNew(t *testing.T) {
	tests := []struct {
		args    []string
		network tari.Network
	}{
		{[]string{"keys", "new"}, tari.MainNet},
		{[]string{"keys", "new", "--network", "nextnet"}, tari.NextNet},
		{[]string{"keys", "new", "--network", "Esme"}, tari.Esmeralda},
	}
	for _, tc := range tests {
		stdout, err := runCLI(t, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var out keyOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v: output is not JSON: %v\n%s", tc.args, err, stdout)
		}
		k, err := tari.ParseSecretKey(out.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		checkKeyOutput(t, out, k, tc.network)
	}
	if _, err := runCLI(t, "keys", "new", "--network", "moonnet"); err == nil {
		t.Fatal("unknown network accepted")
	}
}

func TestKeysShow(t *testing.T) {
	const secret = "bf9da371add03729f9df1ab8f6356a7104868fe75de9d5235d33af28cfcae701"
	k, _ := tari.ParseSecretKey(secret)
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  string
		args []string
	}{
		{"flag", "", []string{"keys", "show", "--secret", secret}},
		{"file", "", []string{"keys", "show", "--secret-file", file}},
		{"env", secret, []string{"keys", "show"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TPG_SECRET_KEY", tc.env)
			stdout, err := runCLI(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			var out keyOutput
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatal(err)
			}
			checkKeyOutput(t, out, k, tari.MainNet)
			if out.Base58 != "145yntp6GHTuDuTVPtbyPdo8rVjRppjdfyoxZeY958kh1Mn" {
				t.Fatalf("base58 %s", out.Base58)
			}
			if strings.Contains(stdout, secret) {
				t.Fatal("keys show prints the secret")
			}
		})
	}
	t.Setenv("TPG_SECRET_KEY", "")
	for _, tc := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"keys", "show"}, "no secret key"},
		{[]string{"keys", "show", "--secret", "abcd"}, "a secret key is 64 hex characters"},
		{[]string{"keys", "show", "--secret", "zz"}, "a secret key is 64 hex characters"},
		{[]string{"keys", "show", "--secret", strings.Repeat("ff", 32)}, "not a valid secret key"},
		{[]string{"keys", "show", "--secret", secret, "--secret-file", file}, "not both"},
		{[]string{"keys", "show", "--secret-file", file + ".missing"}, "read secret key"},
	} {
		_, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one saying %q", tc.args, err, tc.want)
		}
	}
}
