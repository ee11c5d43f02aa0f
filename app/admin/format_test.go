package admin

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"taripay/app/shopify/sessiontoken"
)

func TestHostShop(t *testing.T) {
	enc := func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		param, want string
		ok          bool
	}{
		{enc("admin.shopify.com/store/test-shop"), "test-shop.myshopify.com", true},
		{enc("admin.shopify.com/store/test-shop/apps/x"), "test-shop.myshopify.com", true},
		{base64.StdEncoding.EncodeToString([]byte("test-shop.myshopify.com/admin")), "test-shop.myshopify.com", true},
		{enc("evil-shop.myshopify.com/pages/login"), "evil-shop.myshopify.com", true},
		{enc("evil.example.com"), "", false},
		{enc("admin.shopify.com.evil.com/x"), "", false},
		{enc("admin.shopify.com@evil.com"), "", false},
		{enc("admin.shopify.com/store/x?y=1"), "", false},
		{enc("admin.shopify.com/store/"), "", false},
		{enc("admin.shopify.com/store/evil.com%2F"), "", false},
		{"%%%", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := hostShop(tt.param)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("hostShop(%q) = %q, %v; want %q, %v", tt.param, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzHostShop(f *testing.F) {
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/x")))
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("x.myshopify.com/admin")))
	f.Fuzz(func(t *testing.T, param string) {
		if shop, ok := hostShop(param); ok && !sessiontoken.ValidShop(shop) {
			t.Fatalf("accepted shop %q", shop)
		}
	})
}

func TestAdminPath(t *testing.T) {
	for ref, want := range map[string]bool{
		"/admin":                             true,
		"/admin/orders?embedded=1&shop=x":    true,
		"/admin/orders/1001":                 true,
		"https://evil.example/admin":         false,
		"//evil.example/admin":               false,
		"///admin/x":                         false,
		"/\\evil.example":                    false,
		"/admin/../../evil":                  false,
		"/administrator":                     false,
		"/admin\t/x":                         false,
		"javascript:alert(1)//admin":         false,
		"/pay/token":                         false,
		"":                                   false,
		"/admin/orders#x":                    true,
		"/admin/x?next=https://evil.example": true,
	} {
		if got := adminPath(ref); got != want {
			t.Errorf("adminPath(%q) = %v, want %v", ref, got, want)
		}
	}
}

func FuzzAdminPath(f *testing.F) {
	f.Add("/admin/orders?embedded=1")
	f.Add("//evil.example/admin")
	base, _ := url.Parse("https://app.example/admin/bounce")
	f.Fuzz(func(t *testing.T, ref string) {
		if !adminPath(ref) {
			return
		}
		u, err := base.Parse(ref)
		if err != nil || u.Host != "app.example" || u.Scheme != "https" || !strings.HasPrefix(u.Path, "/admin") {
			t.Fatalf("accepted %q, which leads to %v (%v)", ref, u, err)
		}
	})
}
