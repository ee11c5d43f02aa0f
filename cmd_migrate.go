package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// CONTRACT STUB: replaced by the helper that owns the migrate command.
func newMigrateCmd() *cobra.Command {
	return &cobra.Command{Use: "migrate", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
