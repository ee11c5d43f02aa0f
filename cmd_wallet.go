package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// CONTRACT STUB: replaced by the helper that owns the wallet command.
func newWalletCmd() *cobra.Command {
	return &cobra.Command{Use: "wallet", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
