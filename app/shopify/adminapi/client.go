// Package adminapi is the client of Shopify's GraphQL Admin API. Each
// GraphQL document is a named constant (a *Query or *Mutation per
// operation) next to the method that sends it: client.go holds the
// transport, its errors and the order calls of the outbox worker (read,
// mark paid, capture, cancel); orders.go the open orders and pay links;
// catalog.go variant prices, rates, webhook subscriptions and their
// definitions; connection.go the scopes, the shop's name and its checkout
// pages. Every document is
// checked against the vendored schema (documents_test.go).
package adminapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	goshopify "github.com/bold-commerce/go-shopify/v4"
)

// Config is where and how the client reaches the shop's Admin API.
type Config struct {
	Shop        string // <x>.myshopify.com
	APIBaseURL  string // replaces https://{Shop} (TPG_SHOPIFY_API_BASE_URL)
	APIVersion  string
	AccessToken string // the static token, used when New is given no TokenSource
}

var shopPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ErrShopDomain is returned for a shop that is not a plain myshopify domain.
var ErrShopDomain = errors.New("shop must be <name>.myshopify.com")

// ValidateShop accepts only "<name>.myshopify.com": go-shopify would send
// requests (and secrets) to any host it is given.
func ValidateShop(shop string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(shop))
	if !shopPattern.MatchString(s) {
		return "", fmt.Errorf("%w: %q", ErrShopDomain, shop)
	}
	return s, nil
}

// Client calls the GraphQL Admin API with the shop's access token. Every
// operation is named, so the fake Admin API (and Shopify's logs) can tell them
// apart. It is safe for concurrent use: go-shopify's client is not, so each
// call builds its own (which is cheap).
type Client struct {
	cfg    Config
	tokens TokenSource
	base   *url.URL // nil: https://{shop}
	client *http.Client
	log    *slog.Logger
	// payLinkDefined is set once the taripay.pay_url definition is known
	// to exist (SetPayLink).
	payLinkDefined atomic.Bool
}

// TokenSource supplies a shop's offline access token, e.g. one obtained by
// token exchange and refreshed as it expires.
type TokenSource interface {
	AccessToken(ctx context.Context, shop string) (string, error)
}

// staticToken is TPG_SHOPIFY_ADMIN_ACCESS_TOKEN.
type staticToken string

func (t staticToken) AccessToken(context.Context, string) (string, error) { return string(t), nil }

// New returns an Admin API client, or an error when the configuration
// cannot reach a shop safely. A nil tokens uses cfg.AccessToken.
func New(cfg Config, tokens TokenSource, client *http.Client, log *slog.Logger) (*Client, error) {
	a := &Client{cfg: cfg, tokens: tokens, client: client, log: log}
	if a.client == nil {
		a.client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.APIBaseURL != "" {
		u, err := url.Parse(cfg.APIBaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("TPG_SHOPIFY_API_BASE_URL %q is not an http(s) URL", cfg.APIBaseURL)
		}
		a.base = u
	} else if _, err := ValidateShop(cfg.Shop); err != nil {
		return nil, err
	}
	if a.tokens == nil {
		if cfg.AccessToken == "" {
			return nil, errors.New("no Shopify access token")
		}
		a.tokens = staticToken(cfg.AccessToken)
	}
	return a, nil
}

// CallError is a failed Admin API call. Temporary ones (5xx, 429, THROTTLED,
// network) may be retried, after RetryAfter when Shopify said so; refusals
// (4xx, userErrors, and GraphQL errors such as ACCESS_DENIED, which come
// with HTTP 200) may not.
type CallError struct {
	Op         string
	Status     int
	Temporary  bool
	RetryAfter time.Duration
	Err        error
}

func (e *CallError) Error() string {
	// Shopify answers GraphQL errors (a refused field, an invalid query)
	// with HTTP 200: the status would only confuse the message.
	if e.Status != 0 && e.Status != http.StatusOK {
		return fmt.Sprintf("shopify %s: HTTP %d: %v", e.Op, e.Status, e.Err)
	}
	return fmt.Sprintf("shopify %s: %v", e.Op, e.Err)
}

func (e *CallError) Unwrap() error { return e.Err }

// UserErrors are a mutation's userErrors: Shopify refused it, and asking
// again will not help.
type UserErrors []string

func (u UserErrors) Error() string { return "user errors: " + strings.Join(u, "; ") }

// roundTripper points go-shopify at the configured base URL and remembers
// the URL it dialled and the response headers go-shopify does not expose
// with full precision.
type roundTripper struct {
	base       *url.URL
	next       http.RoundTripper
	dialled    string // method and URL, without query or credentials
	status     int
	retryAfter string
	version    string
}

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if rt.base != nil {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = rt.base.Scheme, rt.base.Host
		req.URL.Path = strings.TrimRight(rt.base.Path, "/") + req.URL.Path
		req.Host = rt.base.Host
	}
	u := *req.URL
	u.RawQuery, u.Fragment, u.User = "", "", nil
	rt.dialled = req.Method + " " + u.String()
	resp, err := rt.next.RoundTrip(req)
	if resp != nil {
		rt.status = resp.StatusCode
		rt.retryAfter = resp.Header.Get("Retry-After")
		rt.version = resp.Header.Get("X-Shopify-API-Version")
	}
	return resp, err
}

// query runs one GraphQL operation and classifies its failure.
func (a *Client) query(ctx context.Context, op, q string, vars map[string]any, out any) error {
	next := a.client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	rt := &roundTripper{base: a.base, next: next}
	shop := a.cfg.Shop
	if shop == "" {
		shop = "unset.myshopify.com" // only reached with APIBaseURL, which replaces the host
	}
	token, err := a.tokens.AccessToken(ctx, a.cfg.Shop)
	if err != nil {
		// A lapsed token comes back when the merchant next opens the app.
		return &CallError{Op: op, Temporary: true, Err: fmt.Errorf("access token: %w", err)}
	}
	c, err := goshopify.NewClient(goshopify.App{}, shop, token,
		goshopify.WithVersion(a.cfg.APIVersion),
		goshopify.WithHTTPClient(&http.Client{Transport: rt, Timeout: a.client.Timeout}))
	if err != nil {
		return &CallError{Op: op, Err: err}
	}
	err = c.GraphQL.Query(ctx, q, vars, out)
	// The URL actually dialled, so a wrong base URL or shop shows at once.
	a.log.Info("shopify admin api", "op", op, "url", rt.dialled, "status", rt.status, "ok", err == nil)
	if rt.version != "" && rt.version != a.cfg.APIVersion {
		a.log.Warn("shopify answered with another API version", "requested", a.cfg.APIVersion, "served", rt.version)
	}
	if err == nil {
		return nil
	}
	ce := &CallError{Op: op, Err: err}
	var rl goshopify.RateLimitError
	var re goshopify.ResponseError
	var de goshopify.ResponseDecodingError
	var ne net.Error
	switch {
	case errors.As(err, &rl):
		ce.Status, ce.Temporary = rl.Status, true
		ce.RetryAfter = retryAfter(rt.retryAfter, rl.RetryAfter)
	case errors.As(err, &re):
		ce.Status = re.Status
		ce.Temporary = re.Status >= 500 || re.Status == http.StatusTooManyRequests
		ce.RetryAfter = retryAfter(rt.retryAfter, 0)
	case errors.As(err, &de):
		ce.Status, ce.Temporary = de.Status, de.Status >= 500 || de.Status == http.StatusTooManyRequests
		ce.RetryAfter = retryAfter(rt.retryAfter, 0)
	case errors.As(err, &ne): // *url.Error: the request never got an answer
		ce.Temporary = true
	}
	return ce
}

// retryAfter prefers the header's exact (possibly fractional) seconds to
// go-shopify's truncated whole seconds.
func retryAfter(header string, whole int) time.Duration {
	if f, err := strconv.ParseFloat(header, 64); err == nil && f > 0 {
		return time.Duration(f * float64(time.Second))
	}
	return time.Duration(whole) * time.Second
}

// gid builds a GraphQL global id; numericID takes one apart.
func gid(kind, id string) string { return "gid://shopify/" + kind + "/" + id }

func numericID(g string) string { return g[strings.LastIndexByte(g, '/')+1:] }

type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
}

func checkUserErrors(op string, errs []userError) error {
	if len(errs) == 0 {
		return nil
	}
	u := make(UserErrors, len(errs))
	for i, e := range errs {
		u[i] = strings.TrimSpace(strings.Join(e.Field, ".") + " " + e.Message)
	}
	return &CallError{Op: op, Err: u}
}

// MoneyV2 is a GraphQL amount.
type MoneyV2 struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

// LiveTransaction is one of a live order's payment transactions.
type LiveTransaction struct {
	ID                 string // numeric
	Kind               string // AUTHORIZATION, CAPTURE, SALE, …
	Status             string // SUCCESS, PENDING, …
	ManuallyCapturable bool
	Amount             MoneyV2 // presentment money, as orderCapture expects
	ParentID           string
}

// LiveOrder is the state of an order in Shopify right now, re-read before
// every side effect.
type LiveOrder struct {
	ID              string // numeric
	Name            string
	Cancelled       bool
	FinancialStatus string   // displayFinancialStatus: PENDING, AUTHORIZED, PAID, …
	Gateways        []string // paymentGatewayNames
	CanMarkAsPaid   bool
	Transactions    []LiveTransaction
}

// ErrOrderGone is returned when Shopify no longer knows an order.
var ErrOrderGone = errors.New("order not found in Shopify")

const orderQuery = `query GetOrder($id: ID!) {
  order(id: $id) {
    id name cancelledAt displayFinancialStatus paymentGatewayNames canMarkAsPaid
    transactions(first: 100) {
      id kind status manuallyCapturable
      amountSet { presentmentMoney { amount currencyCode } }
      parentTransaction { id }
    }
  }
}`

// Order reads an order's live state.
func (a *Client) Order(ctx context.Context, orderID string) (LiveOrder, error) {
	var resp struct {
		Order *struct {
			ID                     string   `json:"id"`
			Name                   string   `json:"name"`
			CancelledAt            *string  `json:"cancelledAt"`
			DisplayFinancialStatus string   `json:"displayFinancialStatus"`
			PaymentGatewayNames    []string `json:"paymentGatewayNames"`
			CanMarkAsPaid          bool     `json:"canMarkAsPaid"`
			Transactions           []struct {
				ID                 string `json:"id"`
				Kind               string `json:"kind"`
				Status             string `json:"status"`
				ManuallyCapturable bool   `json:"manuallyCapturable"`
				AmountSet          struct {
					PresentmentMoney MoneyV2 `json:"presentmentMoney"`
				} `json:"amountSet"`
				ParentTransaction *struct {
					ID string `json:"id"`
				} `json:"parentTransaction"`
			} `json:"transactions"`
		} `json:"order"`
	}
	if err := a.query(ctx, "GetOrder", orderQuery, map[string]any{"id": gid("Order", orderID)}, &resp); err != nil {
		return LiveOrder{}, err
	}
	if resp.Order == nil {
		return LiveOrder{}, &CallError{Op: "GetOrder", Err: fmt.Errorf("%w: %s", ErrOrderGone, orderID)}
	}
	o := resp.Order
	live := LiveOrder{
		ID: numericID(o.ID), Name: o.Name, Cancelled: o.CancelledAt != nil,
		FinancialStatus: o.DisplayFinancialStatus, Gateways: o.PaymentGatewayNames, CanMarkAsPaid: o.CanMarkAsPaid,
	}
	for _, t := range o.Transactions {
		lt := LiveTransaction{ID: numericID(t.ID), Kind: t.Kind, Status: t.Status,
			ManuallyCapturable: t.ManuallyCapturable, Amount: t.AmountSet.PresentmentMoney}
		if t.ParentTransaction != nil {
			lt.ParentID = numericID(t.ParentTransaction.ID)
		}
		live.Transactions = append(live.Transactions, lt)
	}
	return live, nil
}

const markAsPaidMutation = `mutation MarkAsPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) { order { id displayFinancialStatus } userErrors { field message } }
}`

// MarkAsPaid records the order's whole outstanding balance as paid.
func (a *Client) MarkAsPaid(ctx context.Context, orderID string) error {
	var resp struct {
		OrderMarkAsPaid struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"orderMarkAsPaid"`
	}
	vars := map[string]any{"input": map[string]any{"id": gid("Order", orderID)}}
	if err := a.query(ctx, "MarkAsPaid", markAsPaidMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("MarkAsPaid", resp.OrderMarkAsPaid.UserErrors)
}

const captureMutation = `mutation Capture($input: OrderCaptureInput!) {
  orderCapture(input: $input) { transaction { id status } userErrors { field message } }
}`

// Capture captures an authorisation in full.
func (a *Client) Capture(ctx context.Context, orderID string, auth LiveTransaction) error {
	var resp struct {
		OrderCapture struct {
			UserErrors []userError `json:"userErrors"`
		} `json:"orderCapture"`
	}
	vars := map[string]any{"input": map[string]any{
		"id":                  gid("Order", orderID),
		"parentTransactionId": gid("OrderTransaction", auth.ID),
		"amount":              auth.Amount.Amount,
		"currency":            auth.Amount.CurrencyCode,
	}}
	if err := a.query(ctx, "Capture", captureMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("Capture", resp.OrderCapture.UserErrors)
}

const cancelMutation = `mutation CancelOrder($orderId: ID!, $restock: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: OTHER, restock: $restock, notifyCustomer: false, staffNote: $staffNote,
    refundMethod: { originalPaymentMethodsRefund: false }) {
    job { id } orderCancelUserErrors { field message code }
  }
}`

// Cancel cancels an order without refunding or notifying the customer.
func (a *Client) Cancel(ctx context.Context, orderID string, restock bool, note string) error {
	var resp struct {
		OrderCancel struct {
			UserErrors []userError `json:"orderCancelUserErrors"`
		} `json:"orderCancel"`
	}
	vars := map[string]any{"orderId": gid("Order", orderID), "restock": restock, "staffNote": note}
	if err := a.query(ctx, "CancelOrder", cancelMutation, vars, &resp); err != nil {
		return err
	}
	return checkUserErrors("CancelOrder", resp.OrderCancel.UserErrors)
}
