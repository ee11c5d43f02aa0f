package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// CONTRACT STUB: replaced by the helper that owns the keys command.
func newKeysCmd() *cobra.Command {
	return &cobra.Command{Use: "keys", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
