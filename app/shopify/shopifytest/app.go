package shopifytest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Scopes is a set of granted access scopes.
type Scopes map[string]bool

// ParseScopes reads a comma-separated scope list, as shopify.app.toml and
// Shopify's token answers write it.
func ParseScopes(list string) Scopes {
	s := Scopes{}
	for _, sc := range strings.Split(list, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			s[sc] = true
		}
	}
	return s
}

// Any reports whether one of the alternatives is granted: "Any scope that
// writes a resource also grants read access to it" (Shopify's access-scope
// guide). No alternatives means nothing is needed.
func (s Scopes) Any(alternatives []string) bool {
	for _, a := range alternatives {
		if s[a] || (strings.HasPrefix(a, "read_") && s["write_"+strings.TrimPrefix(a, "read_")]) {
			return true
		}
	}
	return len(alternatives) == 0
}

// App is the part of shopify.app.toml the tests check.
type App struct {
	AccessScopes struct {
		Scopes string `toml:"scopes"`
	} `toml:"access_scopes"`
	Webhooks struct {
		APIVersion    string `toml:"api_version"`
		Subscriptions []struct {
			Topics           []string `toml:"topics"`
			ComplianceTopics []string `toml:"compliance_topics"`
			URI              string   `toml:"uri"`
		} `toml:"subscriptions"`
	} `toml:"webhooks"`
}

// Scopes are the scopes the app asks for.
func (a App) Scopes() Scopes { return ParseScopes(a.AccessScopes.Scopes) }

// LoadApp reads shopify.app.toml at the root of the module that holds the
// working directory, which for a test is its package's directory.
func LoadApp() (App, error) {
	dir, err := os.Getwd()
	if err != nil {
		return App{}, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return App{}, errors.New("shopify.app.toml: no go.mod above the working directory")
		}
		dir = parent
	}
	var a App
	if _, err := toml.DecodeFile(filepath.Join(dir, "shopify.app.toml"), &a); err != nil {
		return App{}, err
	}
	if a.AccessScopes.Scopes == "" {
		return App{}, errors.New("shopify.app.toml: no access_scopes.scopes")
	}
	return a, nil
}
