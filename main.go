// Command taripay lets a Shopify merchant accept Tari (XTR): one binary for
// the server and its command-line tools.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "taripay:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
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
