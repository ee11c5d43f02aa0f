package shopifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestScopesAny(t *testing.T) {
	granted := ParseScopes(" read_orders, write_products ,")
	tests := []struct {
		need []string
		want bool
	}{
		{nil, true},
		{[]string{"read_orders"}, true},
		{[]string{"read_products"}, true}, // write grants read
		{[]string{"write_products"}, true},
		{[]string{"write_orders"}, false}, // read does not grant write
		{[]string{"read_customers"}, false},
		{[]string{"read_customers", "read_orders"}, true}, // any one of them
		{[]string{""}, false},
	}
	for _, tt := range tests {
		if got := granted.Any(tt.need); got != tt.want {
			t.Errorf("Any(%q) = %v, want %v", tt.need, got, tt.want)
		}
	}
}

func TestDenied(t *testing.T) {
	schema, err := AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	const (
		orders   = `query A { orders(first: 1) { nodes { id customer { id } } } }`
		variants = `query B($ids: [ID!]!) { nodes(ids: $ids) { id ... on ProductVariant { price } } }`
		spread   = `query C($ids: [ID!]!) { nodes(ids: $ids) { ...V } } fragment V on ProductVariant { price }`
		paid     = `mutation D { orderMarkAsPaid(input: {id: "gid://shopify/Order/1"}) { userErrors { message } } }`
		shop     = `query E { shop { currencyCode } }`
	)
	tests := []struct {
		doc, scopes string
		want        []string // the paths denied
	}{
		{orders, "read_orders", []string{"orders.nodes.customer"}},
		{orders, "read_orders,read_customers", nil},
		{orders, "write_orders,write_customers", nil},
		{orders, "read_customers", []string{"orders.nodes"}},
		{variants, "read_orders", []string{"nodes"}},
		{variants, "write_products", nil},
		{spread, "read_orders", []string{"nodes"}},
		{spread, "read_products", nil},
		{paid, "read_orders", []string{"orderMarkAsPaid"}},
		{paid, "write_orders", nil},
		{shop, "", nil},
	}
	for _, tt := range tests {
		op, errs := schema.Validate(tt.doc)
		if errs != nil {
			t.Fatalf("%s: %v", tt.doc, errs)
		}
		var got []string
		for _, e := range schema.Denied(op, ParseScopes(tt.scopes)) {
			if e.Extensions["code"] != "ACCESS_DENIED" || !strings.HasPrefix(e.Message, "Access denied for ") {
				t.Errorf("%s: error %+v is not Shopify's", tt.doc, e)
			}
			got = append(got, e.Path.String())
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s with %q: denied %v, want %v", tt.doc, tt.scopes, got, tt.want)
		}
	}
}

func TestValidateVariables(t *testing.T) {
	schema, err := AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	const (
		topic    = `query A($topic: WebhookSubscriptionTopic!) { webhookSubscriptions(first: 1, topics: [$topic]) { nodes { id } } }`
		customer = `query B($by: CustomerIdentifierInput!) { customerByIdentifier(identifier: $by) { id } }`
		nodes    = `query C($ids: [ID!]!) { nodes(ids: $ids) { id } }`
	)
	tests := []struct {
		doc  string
		vars map[string]any
		want string // "" when valid
	}{
		{topic, map[string]any{"topic": "ORDERS_CREATE"}, ""},
		{topic, map[string]any{"topic": "Orders_Create"}, "Variable $topic Orders_Create is not a valid WebhookSubscriptionTopic"},
		{topic, map[string]any{}, "Variable $topic must be defined"},
		{customer, map[string]any{"by": map[string]any{"id": "gid://shopify/Customer/1"}}, ""},
		{customer, map[string]any{"by": map[string]any{"id": "1", "emailAddress": "a@b.c"}}, "Variable $by OneOf input CustomerIdentifierInput must have exactly one field"},
		{customer, map[string]any{"by": map[string]any{"id": nil}}, "Variable $by OneOf input CustomerIdentifierInput must have exactly one field"},
		{customer, map[string]any{"by": map[string]any{"email": "a@b.c"}}, "Variable $by.email unknown field"},
		{nodes, map[string]any{"ids": []string{"gid://shopify/ProductVariant/1"}}, ""}, // Go values, as taripay passes them
		{nodes, map[string]any{"ids": []any{"1", nil}}, "Variable $ids[1] cannot be null"},
	}
	for _, tt := range tests {
		op, errs := schema.Validate(tt.doc)
		if errs != nil {
			t.Fatalf("%s: %v", tt.doc, errs)
		}
		got := ""
		if errs := schema.ValidateVariables(op, tt.vars); len(errs) > 0 {
			got = errs[0].Message
		}
		if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s with %v: %q, want %q", tt.doc, tt.vars, got, tt.want)
		}
	}
}

// post sends one GraphQL request to the fake as taripay's client does.
func post(t *testing.T, f *Fake, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", f.URL+"/admin/api/2026-10/graphql.json", bytes.NewReader(body))
	req.Header.Set("X-Shopify-Access-Token", f.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

const markAsPaid = `mutation MarkAsPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) { userErrors { field message } }
}`

// TestFakeAnswersLikeShopify: a request Shopify would not run is answered
// HTTP 200 with errors, and changes nothing.
func TestFakeAnswersLikeShopify(t *testing.T) {
	order := map[string]any{"input": map[string]any{"id": "gid://shopify/Order/1"}}
	tests := []struct {
		name    string
		scopes  []string // nil: shopify.app.toml's
		query   string
		vars    map[string]any
		code    string // extensions.code of the first error; "" for a schema error
		message string
	}{
		{"misspelt field", nil, strings.Replace(markAsPaid, "userErrors", "userError", 1), order,
			"", `Cannot query field "userError" on type "OrderMarkAsPaidPayload"`},
		{"renamed argument", nil, strings.Replace(markAsPaid, "(input:", "(order:", 1), order,
			"", `Unknown argument "order" on field "Mutation.orderMarkAsPaid"`},
		{"missing variable", nil, markAsPaid, nil, "", "Variable $input must be defined"},
		{"unknown input field", nil, markAsPaid, map[string]any{"input": map[string]any{"orderId": "1"}}, "", "unknown field"},
		{"outside the granted scopes", []string{"read_orders"}, markAsPaid, order,
			"ACCESS_DENIED", "Access denied for orderMarkAsPaid field. Required access: `write_orders` access scope."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			f.AllowInvalid()
			if tt.scopes != nil {
				f.Grant(tt.scopes...)
			}
			f.AddOrder(Order{ID: "1"})
			status, body := post(t, f, tt.query, tt.vars)
			errs, _ := body["errors"].([]any)
			if status != http.StatusOK || len(errs) == 0 || body["data"] != nil {
				t.Fatalf("answer %d %v, want 200 with errors and no data", status, body)
			}
			first, _ := errs[0].(map[string]any)
			ext, _ := first["extensions"].(map[string]any)
			if msg, _ := first["message"].(string); !strings.Contains(msg, tt.message) || (tt.code != "" && ext["code"] != tt.code) {
				t.Errorf("error %v, want %s %q", first, tt.code, tt.message)
			}
			if o, _ := f.Order("1"); o.FinancialStatus != "PENDING" {
				t.Errorf("a refused request changed the order: %s", o.FinancialStatus)
			}
			if c := f.Calls("MarkAsPaid"); len(c) != 1 || len(c[0].Errors) == 0 || f.Succeeded("MarkAsPaid") != 0 {
				t.Errorf("calls %+v: want one, refused", c)
			}
		})
	}

	f := New(t)
	f.AddOrder(Order{ID: "1"})
	if status, body := post(t, f, markAsPaid, order); status != http.StatusOK || body["errors"] != nil || f.Succeeded("MarkAsPaid") != 1 {
		t.Errorf("a valid request with shopify.app.toml's scopes: %d %v", status, body)
	}
}

// recorder is a test that remembers its failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

// TestFakeFailsTheTestOnInvalidRequests: taripay never means to send an
// invalid request, so one fails the test that let it through.
func TestFakeFailsTheTestOnInvalidRequests(t *testing.T) {
	r := &recorder{TB: t}
	f := New(r)
	f.Grant() // scopes are not the test's concern: an access refusal is no schema error
	post(t, f, markAsPaid, map[string]any{"input": map[string]any{"id": "gid://shopify/Order/1"}})
	post(t, f, `query ShopCurrency { shop { currencyCod } }`, nil)
	f.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], `Cannot query field "currencyCod"`) {
		t.Errorf("test failures %q, want one for the misspelt field", r.failed)
	}
}
