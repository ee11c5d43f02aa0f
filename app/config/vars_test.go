package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestVarsAreWhatLoadReads: the table lists exactly the variables Load
// asks for (with the Shopify part on, so that it asks for all of them).
func TestVarsAreWhatLoadReads(t *testing.T) {
	var asked []string
	lookup := func(k string) (string, bool) {
		if !slices.Contains(asked, k) {
			asked = append(asked, k)
		}
		if k == "TPG_SHOPIFY_HMAC_SECRET" {
			return "s", true
		}
		return "", false
	}
	if _, err := Load(lookup); err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, v := range Vars() {
		if slices.Contains(listed, v.Name) {
			t.Errorf("%s is listed twice", v.Name)
		}
		listed = append(listed, v.Name)
	}
	slices.Sort(asked)
	slices.Sort(listed)
	if !slices.Equal(asked, listed) {
		t.Errorf("Load reads\n%v\nthe table lists\n%v", asked, listed)
	}
}

// TestVarDefaultsAreLoadDefaults: setting a variable to the default the
// table gives changes nothing.
func TestVarDefaultsAreLoadDefaults(t *testing.T) {
	base := map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s"} // the Shopify part on
	want, err := Load(env(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars() {
		if v.Default == "" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			m := map[string]string{v.Name: v.Default}
			for k, x := range base {
				m[k] = x
			}
			got, err := Load(env(m))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s=%s is not the default:\n%+v\nwant\n%+v", v.Name, v.Default, got, want)
			}
		})
	}
}

// TestConfigurationDoc: docs/configuration.md holds the table as Markdown
// renders it.
func TestConfigurationDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash("docs/configuration.md")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), Markdown()) {
		t.Errorf("docs/configuration.md lacks the table of config.Vars; put this in it:\n%s", Markdown())
	}
}
