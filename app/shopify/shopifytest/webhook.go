package shopifytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"
)

// Webhook describes one delivery. Zero fields get realistic defaults.
type Webhook struct {
	Topic     string // e.g. "orders/create"
	Shop      string // default "test-shop.myshopify.com"
	EventID   string // default a fresh UUID
	WebhookID string // default a fresh UUID
	Secret    string // signs the body; "" leaves the request unsigned
	Body      []byte
}

// Request builds the POST Shopify would send to url, signed over the exact
// body bytes.
func (w Webhook) Request(url string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(w.Body))
	if err != nil {
		panic(err)
	}
	if w.Shop == "" {
		w.Shop = "test-shop.myshopify.com"
	}
	if w.EventID == "" {
		w.EventID = NewUUID()
	}
	if w.WebhookID == "" {
		w.WebhookID = NewUUID()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Topic", w.Topic)
	req.Header.Set("X-Shopify-Shop-Domain", w.Shop)
	req.Header.Set("X-Shopify-API-Version", "2026-10")
	req.Header.Set("X-Shopify-Webhook-Id", w.WebhookID)
	req.Header.Set("X-Shopify-Event-Id", w.EventID)
	req.Header.Set("X-Shopify-Triggered-At", time.Now().UTC().Format(time.RFC3339Nano))
	if w.Secret != "" {
		req.Header.Set("X-Shopify-Hmac-Sha256", Sign(w.Body, w.Secret))
	}
	return req
}

// Sign returns base64(HMAC-SHA256(secret, body)), Shopify's webhook signature.
// It is written independently of package shopify's, so each checks the other.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// NewUUID returns a random version-4 UUID.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
