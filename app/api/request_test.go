package api

import (
	"errors"
	"strings"
	"testing"
	"time"

	"taripay/engine"
)

func TestFormatTime(t *testing.T) {
	base := time.Date(2024, 5, 29, 8, 42, 20, 0, time.UTC)
	tests := []struct {
		ns   int
		zone string
		want string
	}{
		{0, "Z", "2024-05-29T08:42:20Z"},
		{29_000_000, "Z", "2024-05-29T08:42:20.029Z"},
		{29_845_000, "Z", "2024-05-29T08:42:20.029845Z"},
		{29_845_041, "Z", "2024-05-29T08:42:20.029845041Z"},
		{0, "+00:00", "2024-05-29T08:42:20+00:00"},
	}
	for _, tt := range tests {
		if got := formatTime(base.Add(time.Duration(tt.ns)), tt.zone); got != tt.want {
			t.Errorf("formatTime(+%dns) = %s, want %s", tt.ns, got, tt.want)
		}
	}
	// Other zones are written in UTC.
	if got := formatTime(base.In(time.FixedZone("", 3600)), "Z"); got != "2024-05-29T08:42:20Z" {
		t.Errorf("non-UTC: %s", got)
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"OnChain": "on_chain", "Manual": "manual", "Received": "received", "Multiple": "multiple"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%s) = %s", in, got)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-11T0:0:0Z", time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC), true},
		{"2024-03-10T15:15:00Z", time.Date(2024, 3, 10, 15, 15, 0, 0, time.UTC), true},
		{"2024-03-10T15:15:00.5+01:00", time.Date(2024, 3, 10, 14, 15, 0, 500_000_000, time.UTC), true},
		{"2024-03-10 15:15:00-0130", time.Date(2024, 3, 10, 16, 45, 0, 0, time.UTC), true},
		{"2024-02-30T00:00:00Z", time.Time{}, false},
		{"2024-03-10T25:00:00Z", time.Time{}, false},
		{"2024-03-10", time.Time{}, false},
		{"2024-03-10T15:15:00 01:00", time.Time{}, false}, // a '+' sent unescaped decodes to a space
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseDateTime(tt.in)
		if (err == nil) != tt.ok || (tt.ok && !got.Equal(tt.want)) {
			t.Errorf("parseDateTime(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2024-03-11T0:0:0Z", "2024-03-10T15:15:00.123456789+05:30", "9999-12-31T23:59:59Z", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDateTime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC || got.Year() < 0 || got.Year() > 10000 {
			t.Errorf("parseDateTime(%q) = %v", s, got)
		}
	})
}

type sample struct {
	OrderID string  `json:"order_id"`
	Amount  int64   `json:"amount"`
	Reason  *string `json:"reason"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"order_id":"1","amount":5}`, true},
		{`{"order_id":"1","amount":5,"reason":null}`, true},
		{` {"amount":-5,"order_id":""} `, true},
		{`{"order_id":"1"}`, false},                           // missing required
		{`{"order_id":null,"amount":5}`, false},               // required null
		{`{"order_id":"1","amount":5,"x":{"y":[1]}}`, true},   // unknown member: ignored
		{`{"order_id":"1","amount":5,"x":1,"x":2}`, false},    // duplicate, even unknown
		{`{"order_id":"1","amount":5,"order_id":"2"}`, false}, // duplicate member
		{`{"Order_ID":"1","amount":5}`, false},                // names match exactly
		{`{"order_id":1,"amount":5}`, false},                  // wrong type
		{`{"order_id":"1","amount":5.5}`, false},              // not an integer
		{`{"order_id":"1","amount":99999999999999999999}`, false},
		{"{\"order_id\":\"\xff\",\"amount\":5}", false},           // not UTF-8
		{`{"order_id":"1\u0000","amount":5}`, false},              // NUL: not text
		{`{"order_id":"1","amount":5,"reason":"a\u0000"}`, false}, // in an optional member too
		{`{"order_id":"1","amount":5}{}`, false},                  // trailing data
		{`[]`, false},
		{`null`, false},
		{``, false},
	}
	for _, tt := range tests {
		var v sample
		err := decodeJSON([]byte(tt.body), &v, "order_id", "amount")
		if (err == nil) != tt.ok {
			t.Errorf("decodeJSON(%q) = %v, want ok=%v", tt.body, err, tt.ok)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Status != 400 || !strings.HasPrefix(e.Message, "Json deserialize error: ")) {
			t.Errorf("decodeJSON(%q) error %v is not a 400 deserialize error", tt.body, err)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"order_id":"1","amount":5}`, `{"order_id":"1","amount":5,"reason":"r"}`, `{`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v sample
		err := decodeJSON(body, &v, "order_id", "amount")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != 400 {
				t.Fatalf("decodeJSON(%q): %v is not a 400", body, err)
			}
			return
		}
		if !engine.ValidText(v.OrderID) || (v.Reason != nil && !engine.ValidText(*v.Reason)) {
			t.Errorf("decodeJSON(%q) accepted a string that is not text", body)
		}
	})
}
