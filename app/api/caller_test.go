package api

import (
	"net/netip"
	"strings"
	"testing"
)

func TestXForwardedFor(t *testing.T) {
	tests := []struct {
		list string
		hops int
		want string // "" means no IP
	}{
		{"10.0.0.1", 1, "10.0.0.1"},
		{" 10.0.0.1 ", 1, "10.0.0.1"},
		{"192.168.1.100, 10.0.0.1", 1, "10.0.0.1"}, // the client wrote the first, our proxy the last
		{"192.168.1.100, 10.0.0.1", 2, "192.168.1.100"},
		{"1.1.1.1,192.168.1.100,10.0.0.1", 2, "192.168.1.100"},
		{"10.0.0.1", 2, ""}, // fewer entries than trusted hops
		{"garbage, 10.0.0.1", 1, "10.0.0.1"},
		{"10.0.0.1, garbage", 1, ""},
		{"10.0.0.1,", 1, ""},
		{"", 1, ""},
		{"10.0.0.1:4711", 1, "10.0.0.1"},
		{"2001:db8::1", 1, "2001:db8::1"},
		{"[2001:db8::1]:4711", 1, "2001:db8::1"},
		{"[2001:db8::1]", 1, "2001:db8::1"},
		{"::ffff:10.0.0.1", 1, "10.0.0.1"},
		{"fe80::1%eth0", 1, ""},
		{"unknown", 1, ""},
	}
	for _, tt := range tests {
		ip, ok := XForwardedFor(tt.list, tt.hops)
		if got := addrString(ip, ok); got != tt.want {
			t.Errorf("XForwardedFor(%q, %d) = %q, want %q", tt.list, tt.hops, got, tt.want)
		}
	}
}

func TestForwardedFor(t *testing.T) {
	tests := []struct {
		header string
		hops   int
		want   string
	}{
		{"for=10.0.0.1", 1, "10.0.0.1"},
		{"For=10.0.0.1;proto=https;by=10.0.0.2", 1, "10.0.0.1"},
		{`for="10.0.0.1:4711"`, 1, "10.0.0.1"},
		{`for="[2001:db8:cafe::17]:4711"`, 1, "2001:db8:cafe::17"},
		{`for="[2001:db8:cafe::17]"`, 1, "2001:db8:cafe::17"},
		{"for=192.168.1.100, for=10.0.0.1", 1, "10.0.0.1"},
		{"for=192.168.1.100, for=10.0.0.1", 2, "192.168.1.100"},
		{"for=10.0.0.1", 2, ""},
		{`for="192.168.1.100, for=10.0.0.1`, 1, "10.0.0.1"}, // a client's unbalanced quote is left of what we read
		{`for="192.168.1.100, for=10.0.0.1`, 2, ""},
		{`for="x,y", for=10.0.0.1`, 1, "10.0.0.1"},
		{`for="x,y", for=10.0.0.1`, 2, ""},
		{"for=unknown", 1, ""},
		{"for=_hidden", 1, ""},
		{"proto=https", 1, ""},
		{"for=10.0.0.1;for=10.0.0.2", 1, ""},
		{"for=10.0.0.1, ", 1, ""},
		{"", 1, ""},
	}
	for _, tt := range tests {
		ip, ok := ForwardedFor(tt.header, tt.hops)
		if got := addrString(ip, ok); got != tt.want {
			t.Errorf("ForwardedFor(%q, %d) = %q, want %q", tt.header, tt.hops, got, tt.want)
		}
	}
}

func addrString(ip netip.Addr, ok bool) string {
	if !ok {
		return ""
	}
	return ip.String()
}

// FuzzForwardedHeaders: whatever a client writes before the entries our
// proxies append, the caller's IP is the one they appended.
func FuzzForwardedHeaders(f *testing.F) {
	f.Add("192.168.1.100", "10.0.0.1", uint8(1))
	f.Add(`for="[::1`, `for="[2001:db8::1]:80"`, uint8(1))
	f.Add("for=1.2.3.4, for=5.6.7.8", "for=10.0.0.1, for=10.0.0.2", uint8(2))
	f.Add("", "x", uint8(3))
	f.Fuzz(func(t *testing.T, client, trusted string, hops uint8) {
		n := int(hops%4) + 1
		for _, parse := range []func(string, int) (netip.Addr, bool){XForwardedFor, ForwardedFor} {
			ip, ok := parse(client, n)
			if ok && (!ip.IsValid() || ip.Zone() != "" || ip.Is4In6()) {
				t.Fatalf("%q gave %v", client, ip)
			}
			// trusted as our proxies would write it: n entries, no quotes
			// left open, nothing after the last.
			if strings.Count(trusted, ",") != n-1 || strings.Count(trusted, `"`)%2 != 0 || strings.Contains(trusted, `\`) {
				continue
			}
			want, wantOK := parse(trusted, n)
			got, gotOK := parse(client+","+trusted, n)
			if got != want || gotOK != wantOK {
				t.Fatalf("client prefix %q changed %q: %v %v, want %v %v", client, trusted, got, gotOK, want, wantOK)
			}
		}
	})
}
