package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// CONTRACT STUB: replaced by the helper that owns the roles command.
func newRolesCmd() *cobra.Command {
	return &cobra.Command{Use: "roles", RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
