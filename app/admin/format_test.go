package admin

import (
	"encoding/base64"
	"testing"
)

func TestAdminHost(t *testing.T) {
	enc := func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		param, want string
		ok          bool
	}{
		{enc("admin.shopify.com/store/test-shop"), "admin.shopify.com/store/test-shop", true},
		{base64.StdEncoding.EncodeToString([]byte("test-shop.myshopify.com/admin")), "test-shop.myshopify.com/admin", true},
		{enc("evil.example.com"), "", false},
		{enc("admin.shopify.com.evil.com/x"), "", false},
		{enc("admin.shopify.com@evil.com"), "", false},
		{enc("admin.shopify.com/store/x?y=1"), "", false},
		{"%%%", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := adminHost(tt.param)
		if ok != tt.ok || got != tt.want {
			t.Errorf("adminHost(%q) = %q, %v; want %q, %v", tt.param, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzAdminHost(f *testing.F) {
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("admin.shopify.com/store/x")))
	f.Fuzz(func(t *testing.T, param string) {
		host, ok := adminHost(param)
		if !ok {
			return
		}
		name := host
		for i := range host {
			if host[i] == '/' {
				name = host[:i]
				break
			}
		}
		if name != "admin.shopify.com" && !ValidShop(name) {
			t.Fatalf("accepted host %q", host)
		}
	})
}
