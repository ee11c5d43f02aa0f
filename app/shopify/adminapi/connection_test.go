package adminapi

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"testing"

	"taripay/app/shopify/shopifytest"
)

// TestAdminConnection makes the setup checklist's live call against the
// fake Admin API, which checks it against the vendored schema: the shop's
// name and granted scopes when it works, and in a few words why not when it
// does not.
func TestAdminConnection(t *testing.T) {
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String()
	refused.Close() // nothing listens there now

	fake := shopifytest.New(t)
	fake.Name = "Tari Teas"
	tests := []struct {
		name    string
		url     string
		token   string
		grant   []string // nil: what shopify.app.toml asks for
		want    string   // the shop's name, when the call works
		missing []string
		cause   string
	}{
		{name: "connected", url: fake.URL, token: shopifytest.Token, want: "Tari Teas"},
		{name: "write grants read", url: fake.URL, token: shopifytest.Token, want: "Tari Teas",
			grant: []string{"write_orders", "read_customers", "write_products", "write_metaobjects", "write_metaobject_definitions"}},
		{name: "a scope not granted", url: fake.URL, token: shopifytest.Token, want: "Tari Teas",
			grant:   []string{"write_orders", "write_products", "write_metaobjects", "write_metaobject_definitions"},
			missing: []string{"read_customers"}},
		{name: "wrong token", url: fake.URL, token: "shpat_wrong",
			cause: "Shopify answered HTTP 401: [API] Invalid API key or access token (unrecognized login or wrong password)"},
		{name: "nothing listening", url: refusedURL, token: shopifytest.Token,
			cause: "connection refused at " + refused.Addr().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.grant != nil {
				fake.Grant(tt.grant...)
				t.Cleanup(func() { fake.Grant(Scopes...) })
			}
			a, err := New(Config{APIBaseURL: tt.url, AccessToken: tt.token, APIVersion: "2026-07"}, nil, nil, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			c, err := a.Connection(context.Background())
			if tt.cause != "" {
				if err == nil || Cause(err) != tt.cause {
					t.Fatalf("Connection() = %+v, %v; cause %q, want %q", c, err, Cause(err), tt.cause)
				}
				return
			}
			if err != nil || c.Name != tt.want || !slices.Equal(c.MissingScopes(), tt.missing) {
				t.Fatalf("Connection() = %+v (missing %v), %v; want %s missing %v", c, c.MissingScopes(), err, tt.want, tt.missing)
			}
		})
	}
}
