package cli

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"taripay/engine/tari"
)

// keyOutput is what `keys new` and `keys show` print.
type keyOutput struct {
	Network   string `json:"network"`
	SecretKey string `json:"secret_key,omitempty"`
	PublicKey string `json:"public_key"`
	Base58    string `json:"base58"`
	Emoji     string `json:"emoji"`
	Hex       string `json:"hex"`
}

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Make and inspect Tari keys and addresses",
	}
	cmd.AddCommand(newKeysNewCmd(), newKeysShowCmd())
	return cmd
}

func newKeysNewCmd() *cobra.Command {
	var network string
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Generate a key pair and print it with its address forms (the output contains the secret)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			net, err := tari.ParseNetwork(network)
			if err != nil {
				return err
			}
			k, err := tari.NewSecretKey(rand.Reader)
			if err != nil {
				return fmt.Errorf("generate key: %w", err)
			}
			out := describeKey(net, k)
			out.SecretKey = k.Hex()
			return writeJSON(cmd.OutOrStdout(), out)
		},
	}
	cmd.Flags().StringVar(&network, "network", "mainnet", "Tari network: mainnet, stagenet, nextnet, localnet, igor or esmeralda")
	return cmd
}

func newKeysShowCmd() *cobra.Command {
	var (
		network string
		src     = secretSource{env: "TPG_SECRET_KEY"}
	)
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the public key and address forms of a secret key",
		Long: "Print the public key and address forms of a secret key.\n\n" +
			"The secret is read from TPG_SECRET_KEY, or --secret-file, or --secret " +
			"(avoid --secret: it lands in shell history and process lists).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			net, err := tari.ParseNetwork(network)
			if err != nil {
				return err
			}
			k, _, err := src.load()
			if err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), describeKey(net, k))
		},
	}
	cmd.Flags().StringVar(&network, "network", "mainnet", "Tari network of the address")
	src.addFlags(cmd, true)
	return cmd
}

func describeKey(net tari.Network, k tari.SecretKey) keyOutput {
	a := tari.NewAddress(net, k.Public())
	return keyOutput{
		Network:   net.String(),
		PublicKey: k.Public().Hex(),
		Base58:    a.Base58(),
		Emoji:     a.Emoji(),
		Hex:       a.Hex(),
	}
}

// secretSource finds a secret key in --secret (when the command allows it),
// --secret-file or the environment variable env, in that order.
type secretSource struct {
	env          string // TPG_SECRET_KEY, or TPG_WALLET_SECRET_KEY for the hot wallet
	secret, file string
}

// addFlags adds --secret-file and, when allowArg, --secret.
func (s *secretSource) addFlags(cmd *cobra.Command, allowArg bool) {
	if allowArg {
		cmd.Flags().StringVar(&s.secret, "secret", "", "secret key in hex (prefer "+s.env+" or --secret-file)")
	}
	cmd.Flags().StringVar(&s.file, "secret-file", "", "file holding the secret key in hex (else "+s.env+")")
}

// load returns the key and where it came from, for error messages.
func (s *secretSource) load() (tari.SecretKey, string, error) {
	text, from := s.secret, "--secret"
	switch {
	case s.secret != "" && s.file != "":
		return tari.SecretKey{}, "", errors.New("give either --secret or --secret-file, not both")
	case s.file != "":
		b, err := os.ReadFile(s.file)
		if err != nil {
			return tari.SecretKey{}, "", fmt.Errorf("read secret key: %w", err)
		}
		text, from = strings.TrimSpace(string(b)), s.file
	case s.secret == "":
		text, from = strings.TrimSpace(os.Getenv(s.env)), s.env
	}
	if text == "" {
		return tari.SecretKey{}, "", fmt.Errorf("no secret key: set %s or pass --secret-file", s.env)
	}
	k, err := tari.ParseSecretKey(text)
	if err != nil {
		return tari.SecretKey{}, "", fmt.Errorf("secret key from %s: %s", from, secretKeyProblem(err))
	}
	return k, from, nil
}

// secretKeyProblem says plainly what a secret key must be: the parser's
// errors are the reference's wire messages, written for another audience.
func secretKeyProblem(err error) string {
	if errors.Is(err, tari.ErrSecretKey) {
		return "not a valid secret key (a Tari secret key is a canonical scalar: make one with `taripay keys new`)"
	}
	return "a secret key is 64 hex characters (32 bytes), as printed by `taripay keys new`"
}

// writeJSON prints v as indented JSON, leaving emoji and '&' unescaped.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
