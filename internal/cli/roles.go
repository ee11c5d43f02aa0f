package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/server"
)

func newRolesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "Grant or revoke access roles offline, in the database of TPG_DATABASE_URL",
		Long: "Grant or revoke access roles offline, in the database of TPG_DATABASE_URL.\n" +
			"Roles: read_all, write, payment_wallet, super_admin. Every address holds user implicitly.\n" +
			"A role change takes effect at the address's next login.",
	}
	cmd.AddCommand(
		rolesSubcommand("grant", "Grant ROLEs to ADDRESS", true),
		rolesSubcommand("revoke", "Revoke ROLEs from ADDRESS", false),
	)
	return cmd
}

func rolesSubcommand(name, short string, grant bool) *cobra.Command {
	return &cobra.Command{
		Use:   name + " ADDRESS ROLE...",
		Short: short,
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := tari.ParseAddress(args[0])
			if err != nil {
				return fmt.Errorf("%q: %w", args[0], err)
			}
			var roles []engine.Role
			for _, r := range args[1:] {
				if !tari.ValidRole(r) {
					return fmt.Errorf("unknown role %q (want read_all, write, payment_wallet, super_admin or user)", r)
				}
				roles = append(roles, engine.Role(r))
			}
			cfg, err := loadConfig()
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			ctx := engine.WithActor(cmd.Context(), "cli:roles")
			e, database, err := server.OpenEngine(ctx, cfg)
			if err != nil {
				return err
			}
			defer database.Close()
			if grant {
				err = e.UpdateRoles(ctx, a.Base58(), roles, nil)
			} else {
				err = e.UpdateRoles(ctx, a.Base58(), nil, roles)
			}
			if err != nil {
				return fmt.Errorf("%s roles: %w", name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %v for %s\n", name, roles, a.Base58())
			return nil
		},
	}
}
