package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// CONTRACT STUB: replaced by the helper that owns the claim command.
func newClaimCmd() *cobra.Command {
	return &cobra.Command{Use: "claim", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
