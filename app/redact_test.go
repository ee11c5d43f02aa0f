package app

import "testing"

func TestRedactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/orders?x=1", "/api/orders?x=1"},
		{"/pay/AbCdEfGhIjKlMnOpQrStUv", "/pay/AbCdEf…"},
		{"/pay/AbCdEfGhIjKlMnOpQrStUv/qr.png", "/pay/AbCdEf…/qr.png"},
		{"/pay/AbCdEfGhIjKlMnOpQrStUv/status?t=1", "/pay/AbCdEf…/status?t=1"},
		{"/pay/order/5714720719169/0123456789abcdef", "/pay/order/5714720719169/012345…"},
		{"/pay/abc", "/pay/abc"},
		{"/admin?embedded=1&id_token=eyJhbGciOiJIUzI1NiJ9.e30.sig&shop=a.myshopify.com", "/admin?embedded=1&id_token=eyJhbG…&shop=a.myshopify.com"},
		{"/admin?HMAC=deadbeefcafe&x", "/admin?HMAC=deadbe…&x"},
	}
	for _, tt := range tests {
		if got := redactURI(tt.in); got != tt.want {
			t.Errorf("redactURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
