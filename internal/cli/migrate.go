package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"taripay/db"
)

// defaultDatabaseURL is where taripay keeps its data without TPG_DATABASE_URL.
const defaultDatabaseURL = "sqlite://data/taripay.db"

func newMigrateCmd() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded database migrations and exit",
		Long: "Apply the embedded migrations to TPG_DATABASE_URL (sqlite://path or postgres://…, default " +
			defaultDatabaseURL + "). `serve` does the same at start; a schema newer than the binary is refused.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				url = defaultDatabaseURL
			}
			d, err := db.Connect(cmd.Context(), url)
			if err != nil {
				return err
			}
			defer d.Close()
			applied, err := d.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "database is up to date")
			}
			for _, name := range applied {
				fmt.Fprintln(cmd.OutOrStdout(), "applied", name)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "database-url", os.Getenv("TPG_DATABASE_URL"), "database URL (default $TPG_DATABASE_URL)")
	return cmd
}
