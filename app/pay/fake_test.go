package pay

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

// fakeEngine is a function-field fake of the engine methods the pay pages use.
type fakeEngine struct {
	mu     sync.Mutex
	orders map[string]engine.Order // by claim token
	// waiting are the orders waiting for an exchange rate, by claim token.
	waiting map[string]engine.WaitingOrder
	claim   func(orderRef, address string) (engine.ClaimResult, error)
	claims  []string                        // "orderID address" of every ClaimWithToken call
	viewers map[string][]engine.OrderViewer // by order id
	// receipts add up the payments that name an order, by order id.
	receipts map[string]engine.OrderReceipts
	// late are the payments that arrived after an order closed, by order id.
	late map[string][]engine.LatePayment
	rate engine.ExchangeRate
	// PaymentAddress returns payTo (testHandler sets the hot wallet) and
	// payToErr; noPay makes it ErrNoPaymentAddress.
	payTo    tari.Address
	payToErr error
	noPay    bool
	fail     error // returned by OrderByClaimToken when set
}

// setStatus changes an order's status as the engine would, safely while the
// server runs.
func (f *fakeEngine) setStatus(token string, s engine.OrderStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[token]
	o.Status = s
	f.orders[token] = o
}

// setReceipts records what the payments that name an order add up to, as
// the engine would once they arrive, safely while the server runs.
func (f *fakeEngine) setReceipts(orderID string, r engine.OrderReceipts) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.receipts = map[string]engine.OrderReceipts{orderID: r}
}

func (f *fakeEngine) CheckShop(context.Context, string) error { return nil }

func (f *fakeEngine) OrderByClaimToken(_ context.Context, token string) (engine.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return engine.Order{}, f.fail
	}
	if o, ok := f.orders[token]; ok {
		return o, nil
	}
	return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no order")
}

func (f *fakeEngine) Order(_ context.Context, ref string, _ bool) (engine.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.orders {
		if o.OrderID == ref {
			return o, nil
		}
	}
	return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no order")
}

func (f *fakeEngine) WaitingOrderByClaimToken(_ context.Context, token string) (engine.WaitingOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if w, ok := f.waiting[token]; ok {
		return w, nil
	}
	return engine.WaitingOrder{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no waiting order")
}

func (f *fakeEngine) WaitingOrder(_ context.Context, orderID string) (engine.WaitingOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, w := range f.waiting {
		if w.OrderID == orderID {
			return w, nil
		}
	}
	return engine.WaitingOrder{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "no waiting order")
}

func (f *fakeEngine) ClaimWithToken(_ context.Context, token, address string) (engine.ClaimResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	orderID := f.orders[token].OrderID
	f.claims = append(f.claims, orderID+" "+address)
	if f.claim != nil {
		return f.claim(orderID, address)
	}
	return engine.ClaimResult{}, nil
}

func (f *fakeEngine) OrderViewers(_ context.Context, orderID string) ([]engine.OrderViewer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.viewers[orderID], nil
}

func (f *fakeEngine) ReceiptsForOrder(_ context.Context, o engine.Order) (engine.OrderReceipts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.receipts[o.OrderID], nil
}

func (f *fakeEngine) LatePayments(_ context.Context, q engine.LatePaymentQuery) ([]engine.LatePayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.late[q.OrderID], nil
}

func (f *fakeEngine) Deadline(o engine.Order) (time.Time, bool) {
	return engine.Config{UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}.Deadline(o)
}

func (f *fakeEngine) PaymentAddress(context.Context) (tari.Address, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noPay {
		return tari.Address{}, engine.Errorf(engine.EUNCONFIGURED, engine.ErrNoPaymentAddress, "no payment address")
	}
	return f.payTo, f.payToErr
}

func (f *fakeEngine) ExchangeRate(_ context.Context, currency string) (engine.ExchangeRate, error) {
	if f.rate.Currency != currency {
		return engine.ExchangeRate{}, engine.Errorf(engine.ENOTFOUND, nil, "no rate")
	}
	return f.rate, nil
}

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// key derives a test key from a seed byte, so signatures are reproducible.
func key(t testing.TB, seed byte) (tari.SecretKey, tari.Address) {
	t.Helper()
	k, err := tari.NewSecretKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return k, tari.NewAddress(tari.MainNet, k.Public())
}

func sign(t testing.TB, seed byte, orderID string) tari.MemoSignature {
	t.Helper()
	k, a := key(t, seed)
	m, err := tari.SignMemo(bytes.NewReader(bytes.Repeat([]byte{seed + 1}, 64)), k, a, orderID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const (
	tokenA = "tokA0123456789abcdefXYZ"
	tokenB = "tokB0123456789abcdefXYZ"
)

func str(s string) *string { return &s }

func testOrder(token, id string, status engine.OrderStatus) engine.Order {
	claimed := now.Add(-time.Hour)
	o := engine.Order{
		ID: 1, OrderID: id, AltID: str("#1001"), CustomerID: "cust1",
		TotalPrice: 2_400_500_000, OriginalPrice: str("190.04"), Currency: "USD",
		CreatedAt: now.Add(-2 * time.Hour), UpdatedAt: now.Add(-time.Hour), RecordedAt: now.Add(-30 * time.Minute),
		Status: status, ExchangeRate: 12_631_578, ClaimToken: token,
	}
	if status != engine.OrderUnclaimed {
		o.ClaimedAt = &claimed
	}
	return o
}

func testHandler(t testing.TB, f *fakeEngine) (*fiber.App, *Handler) {
	t.Helper()
	_, hot := key(t, 9)
	f.payTo = hot
	h := New(f, nil, Config{
		StrictMode: true,
		LinkSecret: []byte("link-secret"),
	}, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/pay/order/:order_id/:mac", h.EmailLink)
	app.Get("/pay/:token", h.Show)
	app.Get("/pay/:token/status", h.Status)
	app.Get("/pay/:token/qr.png", h.QR)
	app.Post("/pay/:token/claim", h.SubmitClaim)
	return app, h
}

func get(t testing.TB, app *fiber.App, path string) (*http.Response, []byte) {
	t.Helper()
	return do(t, app, httptestRequest(http.MethodGet, path, nil))
}

func postForm(t testing.TB, app *fiber.App, path string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	req := httptestRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, app, req)
}

func httptestRequest(method, path string, body io.Reader) *http.Request {
	req, err := http.NewRequest(method, "http://pay.test"+path, body)
	if err != nil {
		panic(err)
	}
	return req
}

func do(t testing.TB, app *fiber.App, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func doc(t testing.TB, body []byte) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testid(d *goquery.Document, id string) *goquery.Selection {
	return d.Find(`[data-testid="` + id + `"]`)
}
