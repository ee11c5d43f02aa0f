// Package cli is taripay's command tree: the server and its command-line
// tools, one file per command.
package cli

import "github.com/spf13/cobra"

// NewRootCmd is the `taripay` command with every subcommand.
func NewRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "taripay",
		Short:         "Accept Tari (XTR) payments for Shopify orders",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newServeCmd(),
		newMigrateCmd(),
		newKeysCmd(),
		newClaimCmd(),
		newWalletCmd(),
		newRolesCmd(),
		newBenchCmd(),
	)
	return root
}
