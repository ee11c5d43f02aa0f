package shopify

import (
	"net/url"
	"testing"
)

// TestVerifyLaunch checks Shopify's documented example (the app URL's
// query, client secret "hush") and what must not pass.
func TestVerifyLaunch(t *testing.T) {
	const query = "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173"
	q, _ := url.ParseQuery(query)
	tests := []struct {
		name   string
		mutate func(url.Values)
		secret string
		want   bool
	}{
		{"as Shopify signed it", func(url.Values) {}, "hush", true},
		{"another secret", func(url.Values) {}, "other", false},
		{"no secret", func(url.Values) {}, "", false},
		{"a changed shop", func(v url.Values) { v.Set("shop", "evil.myshopify.com") }, "hush", false},
		{"an added parameter", func(v url.Values) { v.Set("embedded", "1") }, "hush", false},
		{"no hmac", func(v url.Values) { v.Del("hmac") }, "hush", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range q {
				v[k] = append([]string(nil), x...)
			}
			tt.mutate(v)
			if got := VerifyLaunch(v, tt.secret); got != tt.want {
				t.Errorf("VerifyLaunch = %v, want %v", got, tt.want)
			}
		})
	}
}
