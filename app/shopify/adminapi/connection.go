package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"syscall"
)

// Scopes are the access scopes taripay asks for; shopify.app.toml declares
// the same list (TestAppTOMLDeclaresEveryScope).
var Scopes = []string{
	"read_orders", "write_orders", "read_customers", "read_products", "write_products",
	"read_metaobjects", "write_metaobjects", "read_metaobject_definitions", "write_metaobject_definitions",
}

// ShopConnection is what one live Admin API call says about the shop: that
// the token works, the shop's name, and the scopes it grants.
type ShopConnection struct {
	Name   string
	Scopes []string // the handles granted to this installation
}

// MissingScopes lists the scopes of Scopes that c does not grant; a write
// scope also grants its read scope.
func (c ShopConnection) MissingScopes() []string {
	var missing []string
	for _, s := range Scopes {
		if slices.Contains(c.Scopes, s) {
			continue
		}
		if r, ok := strings.CutPrefix(s, "read_"); ok && slices.Contains(c.Scopes, "write_"+r) {
			continue
		}
		missing = append(missing, s)
	}
	return missing
}

const connectionQuery = `query Connection { shop { name } currentAppInstallation { accessScopes { handle } } }`

// Connection makes the cheapest call that proves the token works, for the
// admin's setup checklist.
func (a *Client) Connection(ctx context.Context) (ShopConnection, error) {
	var resp struct {
		Shop struct {
			Name string `json:"name"`
		} `json:"shop"`
		CurrentAppInstallation struct {
			AccessScopes []struct {
				Handle string `json:"handle"`
			} `json:"accessScopes"`
		} `json:"currentAppInstallation"`
	}
	if err := a.query(ctx, "Connection", connectionQuery, nil, &resp); err != nil {
		return ShopConnection{}, err
	}
	c := ShopConnection{Name: resp.Shop.Name}
	for _, s := range resp.CurrentAppInstallation.AccessScopes {
		c.Scopes = append(c.Scopes, s.Handle)
	}
	return c, nil
}

// Cause says in a few words why a call to Shopify failed, for a merchant:
// "connection refused at 127.0.0.1:9", "no answer from
// test-shop.myshopify.com within the timeout", or Shopify's own refusal.
func Cause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		// the address dialled, which TPG_SHOPIFY_API_BASE_URL may have
		// put in place of the URL's host
		host := ue.URL
		var op *net.OpError
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			host = u.Host
		}
		if errors.As(err, &op) && op.Addr != nil {
			host = op.Addr.String()
		}
		var dns *net.DNSError
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "connection refused at " + host
		case errors.As(err, &dns):
			return "cannot resolve " + dns.Name
		case ue.Timeout():
			return "no answer from " + host + " within the timeout"
		}
		return fmt.Sprintf("cannot reach %s: %v", host, ue.Err)
	}
	var ce *CallError
	if errors.As(err, &ce) {
		if ce.Status != 0 && ce.Status != 200 {
			return fmt.Sprintf("Shopify answered HTTP %d: %v", ce.Status, ce.Err)
		}
		return "Shopify refused: " + ce.Err.Error()
	}
	return err.Error()
}

// checkoutPagesQuery reads the checkout profiles: typOspPagesActive exists
// only on CheckoutProfile, though the query is deprecated in favour of
// checkoutAndAccountsConfigurations. It needs no access scope.
const checkoutPagesQuery = `query CheckoutPages { checkoutProfiles(first: 25) { nodes { isPublished typOspPagesActive } } }`

// OrderPagesExtensible says whether the shop's published checkout profile
// renders app extensions on the Thank-you and Order status pages, where the
// Pay with Tari block shows; false when no profile is published.
func (a *Client) OrderPagesExtensible(ctx context.Context) (bool, error) {
	var resp struct {
		CheckoutProfiles struct {
			Nodes []struct {
				IsPublished       bool `json:"isPublished"`
				TypOspPagesActive bool `json:"typOspPagesActive"`
			} `json:"nodes"`
		} `json:"checkoutProfiles"`
	}
	if err := a.query(ctx, "CheckoutPages", checkoutPagesQuery, nil, &resp); err != nil {
		return false, err
	}
	for _, p := range resp.CheckoutProfiles.Nodes {
		if p.IsPublished {
			return p.TypOspPagesActive, nil
		}
	}
	return false, nil
}

const shopNameQuery = `query ShopName { shop { name } }`

// ShopName returns the shop's name as its customers know it.
func (a *Client) ShopName(ctx context.Context) (string, error) {
	var resp struct {
		Shop struct {
			Name string `json:"name"`
		} `json:"shop"`
	}
	if err := a.query(ctx, "ShopName", shopNameQuery, nil, &resp); err != nil {
		return "", err
	}
	return resp.Shop.Name, nil
}
