package cli

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"taripay/app/config"
	"taripay/internal/server"
)

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the payment server",
		Long: "Run the payment server on TPG_HOST:TPG_PORT. Settings come from TPG_* variables and an optional\n" +
			".env file in the working directory; the process environment wins over the file\n" +
			"(docs/configuration.md).\n\n" + config.Help(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := newLogger()
			slog.SetDefault(log) // the engine logs through the default logger
			cfg, err := loadConfig()
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			return server.Run(cmd.Context(), cfg, server.Options{Log: log})
		},
	}
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// loadConfig reads .env and the environment once.
func loadConfig() (config.Config, error) {
	lookup, err := config.LookupEnv(".env")
	if err != nil {
		return config.Config{}, err
	}
	return config.Load(lookup)
}
