package admin

import (
	"embed"
	"strings"
)

//go:embed assets
var assets embed.FS

// Asset returns an admin stylesheet or script and its content type.
func Asset(name string) (body []byte, contentType string, ok bool) {
	if strings.ContainsAny(name, "/\\") {
		return nil, "", false
	}
	body, err := assets.ReadFile("assets/" + name)
	if err != nil {
		return nil, "", false
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		return body, "text/css; charset=utf-8", true
	case strings.HasSuffix(name, ".js"):
		return body, "text/javascript; charset=utf-8", true
	}
	return nil, "", false
}
