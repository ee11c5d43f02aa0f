package shopify

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestAppTOMLDeclaresEveryTopic keeps shopify.app.toml in step with Topics
// and the API version.
func TestAppTOMLDeclaresEveryTopic(t *testing.T) {
	b, err := os.ReadFile("../../shopify.app.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(b)
	if !regexp.MustCompile(`(?m)^api_version = "` + DefaultAPIVersion + `"$`).MatchString(toml) {
		t.Errorf("webhooks.api_version is not %s", DefaultAPIVersion)
	}
	subs := regexp.MustCompile(`(?:compliance_)?topics = \[ "([a-z_/]+)" \]\s+uri = "/shopify/webhook/([a-z_/]+)"`).FindAllStringSubmatch(toml, -1)
	var declared []string
	for _, m := range subs {
		if m[1] != m[2] {
			t.Errorf("topic %s is sent to /shopify/webhook/%s", m[1], m[2])
		}
		declared = append(declared, m[1])
	}
	for _, topic := range Topics {
		if !slices.Contains(declared, topic) {
			t.Errorf("shopify.app.toml does not declare %s", topic)
		}
	}
	if len(declared) != len(Topics) {
		t.Errorf("declared %v, want %v", declared, Topics)
	}
}
