package cli

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/cobra"

	"taripay/engine/tari"
)

func newClaimCmd() *cobra.Command {
	var (
		network, order, server string
		src                    = secretSource{env: "TPG_SECRET_KEY"}
	)
	cmd := &cobra.Command{
		Use:   "claim",
		Short: "Sign a claim for an order, and optionally send it to a server",
		Long: "Sign an order claim (memo signature) with a wallet's secret key and print it as JSON: " +
			"the body of POST /order/claim, or the note of a Shopify order.\n\n" +
			"With --server, POST it to <server>/order/claim and print the server's answer; " +
			"a non-2xx answer makes the command fail.\n\n" +
			"The secret is read from TPG_SECRET_KEY, or --secret-file, or --secret.",
		Example: "  TPG_SECRET_KEY=… taripay claim --order 5501234 --server https://pay.example.com",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if order == "" {
				return errors.New("--order is required")
			}
			net, err := tari.ParseNetwork(network)
			if err != nil {
				return err
			}
			k, _, err := src.load()
			if err != nil {
				return err
			}
			claim, err := tari.SignMemo(rand.Reader, k, tari.NewAddress(net, k.Public()), order)
			if err != nil {
				return fmt.Errorf("sign claim: %w", err)
			}
			body, err := claim.MarshalJSON()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if server == "" {
				_, err = fmt.Fprintf(out, "%s\n", body)
				return err
			}
			return postClaim(cmd, server, body)
		},
	}
	cmd.Flags().StringVar(&order, "order", "", "order id to claim (required)")
	cmd.Flags().StringVar(&network, "network", "mainnet", "Tari network of the claiming address")
	cmd.Flags().StringVar(&server, "server", "", "base URL of a taripay server; POSTs the claim to <server>/order/claim")
	src.addFlags(cmd, true)
	return cmd
}

// postClaim sends the claim and prints the server's answer body.
func postClaim(cmd *cobra.Command, server string, body []byte) error {
	url := strings.TrimSuffix(server, "/") + "/order/claim"
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("claim request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post claim: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read claim answer: %w", err)
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if ok {
		answer = base58SendTo(answer)
	}
	if _, err := fmt.Fprintf(cmd.OutOrStdout(), "%s\n", bytes.TrimSpace(answer)); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("server answered %s", resp.Status)
	}
	return nil
}

// base58SendTo rewrites the send_to of the server's ClaimedOrder, the
// address object the reference's wire format has, as the base58 address a
// customer pastes into a wallet, keeping every other member as it came. An
// answer of another shape is returned unchanged.
func base58SendTo(answer []byte) []byte {
	dec := jsontext.NewDecoder(bytes.NewReader(answer))
	var out bytes.Buffer
	enc := jsontext.NewEncoder(&out)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' || enc.WriteToken(tok) != nil {
		return answer
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return answer
		}
		name := tok.String() // the token dies at the next read
		v, err := dec.ReadValue()
		if err != nil {
			return answer
		}
		var a tari.Address
		if name == "send_to" && a.UnmarshalJSON(v) == nil {
			v = jsontext.Value(strconv.Quote(a.Base58()))
		}
		if enc.WriteToken(jsontext.String(name)) != nil || enc.WriteValue(v) != nil {
			return answer
		}
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' || enc.WriteToken(tok) != nil {
		return answer
	}
	return out.Bytes()
}
