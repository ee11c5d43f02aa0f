package shopify

import (
	"maps"
	"slices"
	"testing"

	"taripay/app/shopify/adminapi"
	"taripay/app/shopify/shopifytest"
)

// TestAppTOMLDeclaresEveryTopic keeps shopify.app.toml in step with Topics
// and the API version.
func TestAppTOMLDeclaresEveryTopic(t *testing.T) {
	app, err := shopifytest.LoadApp()
	if err != nil {
		t.Fatal(err)
	}
	if app.Webhooks.APIVersion != DefaultAPIVersion {
		t.Errorf("webhooks.api_version is %s, not %s", app.Webhooks.APIVersion, DefaultAPIVersion)
	}
	var declared []string
	for _, s := range app.Webhooks.Subscriptions {
		topics := append(slices.Clone(s.Topics), s.ComplianceTopics...)
		if len(topics) != 1 {
			t.Errorf("subscription %s has topics %v, want one", s.URI, topics)
			continue
		}
		if want := "/shopify/webhook/" + topics[0]; s.URI != want {
			t.Errorf("topic %s is sent to %s, want %s", topics[0], s.URI, want)
		}
		declared = append(declared, topics[0])
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

// TestAppTOMLDeclaresEveryScope keeps shopify.app.toml's access scopes in
// step with adminapi.Scopes, which the admin's setup checklist compares with the
// granted ones.
func TestAppTOMLDeclaresEveryScope(t *testing.T) {
	app, err := shopifytest.LoadApp()
	if err != nil {
		t.Fatal(err)
	}
	declared := slices.Sorted(maps.Keys(app.Scopes()))
	if want := slices.Sorted(slices.Values(adminapi.Scopes)); !slices.Equal(declared, want) {
		t.Errorf("shopify.app.toml asks for %v, adminapi.Scopes holds %v", declared, want)
	}
}

// TestSchemaIsThePinnedVersion keeps the vendored Admin API schema, which
// the fake validates every request against, at the version taripay calls.
func TestSchemaIsThePinnedVersion(t *testing.T) {
	s, err := shopifytest.AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != DefaultAPIVersion {
		t.Errorf("vendored Admin schema is %s, DefaultAPIVersion is %s: vendor the pinned version (app/shopify/shopifytest/testdata/README.md)", s.Version, DefaultAPIVersion)
	}
}
