package app

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/api"
	"taripay/app/shopify/shopifytest"
)

// A compressed request body is refused before anything inflates it, on
// every route: a 1 KB body could otherwise inflate to gigabytes.
func TestEncodedBodyRefused(t *testing.T) {
	h := newHarness(t, map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s"})
	var zipped bytes.Buffer
	w := gzip.NewWriter(&zipped)
	w.Write(bytes.Repeat([]byte("0"), 1<<20))
	w.Close()
	for _, tc := range []struct{ path, encoding string }{
		{"/order/claim", "gzip"},
		{"/wallet/incoming_payment", "gzip, gzip"},
		{"/shopify/webhook/orders/create", "deflate"},
		{"/auth", "br"},
	} {
		r := h.do(http.MethodPost, tc.path, zipped.Bytes(), "Content-Encoding", tc.encoding)
		wantError(t, r, http.StatusUnsupportedMediaType, ErrEncodedBody.Message)
		if strings.Contains(r.body, "1048576") {
			t.Errorf("%s: the refusal reports the inflated size: %s", tc.path, r.body)
		}
	}
	if r := h.do(http.MethodPost, "/order/claim", `{}`, "Content-Encoding", "identity"); r.status == http.StatusUnsupportedMediaType {
		t.Errorf("identity refused: %s", r.body)
	}
}

// A Shopify order with many line items is larger than an API body may be;
// its webhook is accepted up to WebhookBodyLimit, and one over that is
// refused with its event id and topic in the log, since Shopify will not
// send it again. Every other route keeps api.BodyLimit.
func TestWebhookBodyLimit(t *testing.T) {
	const secret = "s"
	h := newHarness(t, map[string]string{"TPG_SHOPIFY_HMAC_SECRET": secret})
	raw, err := os.ReadFile(filepath.Join("shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	large := func(size int) []byte {
		var o map[string]any
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		for i := 0; len(items)*200 < size; i++ {
			items = append(items, map[string]any{"id": 14318839365844 + i, "price": "1.00", "quantity": 1,
				"title": fmt.Sprintf("Tari sticker %06d %s", i, strings.Repeat("x", 120)), "variant_id": 44021397602516})
		}
		o["line_items"] = items
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	send := func(body []byte, event string) response {
		hook := shopifytest.Webhook{Topic: "orders/create", EventID: event, Secret: secret, Body: body}
		req := hook.Request("http://taripay.test/shopify/webhook/orders/create")
		var headers []string
		for k := range req.Header {
			headers = append(headers, k, req.Header.Get(k))
		}
		return h.do(http.MethodPost, "/shopify/webhook/orders/create", body, headers...)
	}
	if body := large(400 << 10); len(body) <= api.BodyLimit {
		t.Fatalf("the large order is only %d bytes", len(body))
	} else if r := send(body, "large-order"); r.status != http.StatusOK {
		t.Errorf("a %d-byte order: %d %s", len(body), r.status, r.body)
	}
	r := send(large(WebhookBodyLimit+1), "too-large-order")
	wantError(t, r, http.StatusRequestEntityTooLarge, api.ErrBodyTooLarge.Message)
	if log := h.log.String(); !strings.Contains(log, "webhook refused: body too large") || !strings.Contains(log, "too-large-order") {
		t.Errorf("the refused delivery is not logged with its event id:\n%s", log)
	}
	r = h.do(http.MethodPost, "/order/claim", `{"pad":"`+strings.Repeat("x", api.BodyLimit)+`"}`)
	wantError(t, r, http.StatusRequestEntityTooLarge, api.ErrBodyTooLarge.Message)
}

// A panic in a handler is a 500 JSON reply naming a request id that the
// log line with the stack also names; the server goes on serving.
func TestPanicRecovered(t *testing.T) {
	// The app of the route table, plus a route that panics, added before it
	// serves (adding one to a serving app would race with it).
	var logs bytes.Buffer
	app := New(Deps{Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: time.Now})
	app.Get("/test/panic", func(*fiber.Ctx) error { panic("boom") })
	res, err := app.Test(httptest.NewRequest(http.MethodGet, "/test/panic", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	var reply struct {
		Error     string `json:"error"`
		RequestID string `json:"request_id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&reply); err != nil || res.StatusCode != http.StatusInternalServerError ||
		reply.RequestID == "" || res.Header.Get(fiber.HeaderXRequestID) != reply.RequestID {
		t.Fatalf("%d %+v %v", res.StatusCode, reply, err)
	}
	log := logs.String()
	if !strings.Contains(log, "handler panicked") || !strings.Contains(log, "boom") || !strings.Contains(log, "request_id="+reply.RequestID) {
		t.Errorf("the panic is not logged with its stack and request id:\n%s", log)
	}
	if res, err := app.Test(httptest.NewRequest(http.MethodGet, "/health", nil), -1); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("after the panic: %v %v", res, err)
	}
}
