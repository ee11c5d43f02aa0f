package shopifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
)

// OAuth is Shopify's access_token endpoint for token exchange and refresh,
// recording each grant. It answers 401 to a client secret other than
// Secret, 400 to the session token "bad", and otherwise a fresh expiring
// offline token.
type OAuth struct {
	Secret string

	mu     sync.Mutex
	grants []map[string]string
	n      int
	refuse bool // answer every grant 500, as Shopify down would
}

// RefuseAll answers every grant 500, as Shopify down would, while on.
func (f *OAuth) RefuseAll(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = on
}

// ServeHTTP answers POST /admin/oauth/access_token.
func (f *OAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]string
	json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	f.grants = append(f.grants, body)
	f.n++
	n, refuse := f.n, f.refuse
	f.mu.Unlock()
	if refuse {
		w.WriteHeader(500)
		return
	}
	if r.URL.Path != "/admin/oauth/access_token" || body["client_secret"] != f.Secret {
		w.WriteHeader(401)
		return
	}
	switch body["grant_type"] {
	case "urn:ietf:params:oauth:grant-type:token-exchange":
		if body["subject_token"] == "bad" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_subject_token"}`)
			return
		}
	case "refresh_token":
		if body["refresh_token"] == "" {
			w.WriteHeader(400)
			return
		}
	default:
		w.WriteHeader(400)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": "shpat_" + string(rune('a'+n)), "scope": "read_orders,write_orders",
		"expires_in": 3600, "refresh_token": "shprt_" + string(rune('a'+n)), "refresh_token_expires_in": 86400,
	})
}

// Grants returns the bodies of the grants received so far.
func (f *OAuth) Grants() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.grants)
}

// GrantTypes returns each grant's grant_type, in order.
func (f *OAuth) GrantTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, g := range f.grants {
		out = append(out, g["grant_type"])
	}
	return out
}
