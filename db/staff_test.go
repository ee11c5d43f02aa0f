package db_test

import (
	"context"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/internal/shopdata"
)

// TestMigrationPinsAnEarlierInstall runs migration 0201 over a database
// installed before it: one stored shop token pins that shop, with no
// installer yet; none, or tokens of several shops, pin nothing.
func TestMigrationPinsAnEarlierInstall(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				shops []string
				want  string
			}{
				{"one shop", []string{"a.myshopify.com"}, "a.myshopify.com"},
				{"no install", nil, ""},
				{"two shops", []string{"a.myshopify.com", "b.myshopify.com"}, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ctx := context.Background()
					d, u := dbtest.OpenURL(t, backend)
					// back to the schema before 0201, with the earlier install's tokens
					for _, q := range []string{"DROP TABLE staff_roles", "DROP TABLE staff", "DROP TABLE installation", "DELETE FROM schema_migrations WHERE version = 201"} {
						if _, err := d.Bun().ExecContext(ctx, q); err != nil {
							t.Fatal(err)
						}
					}
					at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
					for _, shop := range tc.shops {
						if err := db.NewShopTokenStore(d.Bun()).SaveShopToken(ctx, shopdata.Token{Shop: shop, AccessToken: "shpat", UpdatedAt: at}); err != nil {
							t.Fatal(err)
						}
					}
					again, err := db.Open(ctx, u)
					if err != nil {
						t.Fatal(err)
					}
					defer again.Close()
					e := engine.New(engine.Config{}, again, nil)
					shop, err := e.Shop(ctx)
					if err != nil || shop != tc.want {
						t.Fatalf("pinned shop = %q, %v; want %q", shop, err, tc.want)
					}
					if tc.want == "" {
						return
					}
					if m, err := e.Install(ctx, tc.want, "5"); err != nil || !m.Installer || !m.Has(engine.RoleSuperAdmin) {
						t.Fatalf("the first staff user after the upgrade = %+v, %v", m, err)
					}
				})
			}
		})
	}
}
