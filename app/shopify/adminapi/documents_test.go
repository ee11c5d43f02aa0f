package adminapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"taripay/app/shopify/shopifytest"
)

// document is a GraphQL operation written in taripay's Go source.
type document struct {
	where string // file:line
	name  string // operation name
	text  string
}

var operationPattern = regexp.MustCompile(`^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)`)

// documents finds every GraphQL operation in the non-test Go files under
// dir: each string literal that starts like one.
func documents(t *testing.T, dir string) []document {
	t.Helper()
	var docs []document
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if m := operationPattern.FindStringSubmatch(s); err == nil && m != nil {
				docs = append(docs, document{where: fset.Position(lit.Pos()).String(), name: m[1], text: s})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestEveryDocumentIsValid checks every GraphQL document in app/, sent by a
// test scenario or not, against Shopify's Admin schema and scope table,
// with the scopes shopify.app.toml asks for.
func TestEveryDocumentIsValid(t *testing.T) {
	schema, err := shopifytest.AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	app, err := shopifytest.LoadApp()
	if err != nil {
		t.Fatal(err)
	}
	docs := documents(t, "../..")
	if len(docs) == 0 {
		t.Fatal("no GraphQL documents found in app/")
	}
	seen := map[string]string{}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			// the fake, and Shopify's logs, tell operations apart by name
			if other, dup := seen[d.name]; dup {
				t.Errorf("%s: operation %s is also named at %s", d.where, d.name, other)
			}
			seen[d.name] = d.where
			op, errs := schema.Validate(d.text)
			if len(errs) > 0 {
				t.Fatalf("%s: not valid against the %s Admin schema: %v", d.where, schema.Version, errs)
			}
			if errs := schema.Denied(op, app.Scopes()); len(errs) > 0 {
				t.Errorf("%s: shopify.app.toml's scopes do not reach: %v", d.where, errs)
			}
		})
	}
	t.Logf("%d documents", len(docs))
}

// TestSchemaRejectsBrokenDocuments shows the fake's validation catches the
// breakages Shopify would refuse and a name-routing fake let through.
func TestSchemaRejectsBrokenDocuments(t *testing.T) {
	schema, err := shopifytest.AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		doc      string
		old, new string // the breakage, made in doc
		vars     map[string]any
		want     string // in the errors
	}{
		{"orderCancel without its required reason", cancelMutation, "reason: OTHER, ", "",
			map[string]any{"orderId": "gid://shopify/Order/1", "restock": true}, `argument "reason" of type "OrderCancelReason!" is required`},
		{"orderMarkAsPaid(input:) renamed", markAsPaidMutation, "orderMarkAsPaid(input:", "orderMarkAsPaid(order:",
			map[string]any{"input": map[string]any{"id": "gid://shopify/Order/1"}}, `Unknown argument "order"`},
		{"GetOrder field misspelt", orderQuery, "cancelledAt", "canceledAt",
			map[string]any{"id": "gid://shopify/Order/1"}, `Cannot query field "canceledAt" on type "Order"`},
		{"orderCapture misspelt", captureMutation, "orderCapture(", "orderCaptures(",
			map[string]any{"input": map[string]any{"id": "x", "parentTransactionId": "y", "amount": "1.00"}}, `Cannot query field "orderCaptures"`},
		{"metafieldsSet misspelt", setPricesMutation, "metafieldsSet(", "metafieldSet(",
			map[string]any{"metafields": []any{}}, `Cannot query field "metafieldSet"`},
		{"webhookSubscriptionCreate argument renamed", createSubscriptionMutation, "webhookSubscription: $sub", "subscription: $sub",
			map[string]any{"topic": "ORDERS_CREATE", "sub": map[string]any{"uri": "https://x.example"}}, `Unknown argument "subscription"`},

		// variables are held to the schema too
		{"MarkAsPaid input with an unknown field", markAsPaidMutation, "", "",
			map[string]any{"input": map[string]any{"orderId": "gid://shopify/Order/1"}}, "unknown field"},
		{"CancelOrder without a required variable", cancelMutation, "", "",
			map[string]any{"orderId": "gid://shopify/Order/1"}, "Variable $restock must be defined"},
		{"Capture amount missing", captureMutation, "", "",
			map[string]any{"input": map[string]any{"id": "x", "parentTransactionId": "y"}}, "Variable $input.amount must be defined"},
		{"webhook topic not in WebhookSubscriptionTopic", createSubscriptionMutation, "", "",
			map[string]any{"topic": "ORDERS_CREATED", "sub": map[string]any{"uri": "https://x.example"}}, "ORDERS_CREATED is not a valid WebhookSubscriptionTopic"},
		{"webhook topic in the wrong case", createSubscriptionMutation, "", "",
			map[string]any{"topic": "orders_create", "sub": map[string]any{"uri": "https://x.example"}}, "orders_create is not a valid WebhookSubscriptionTopic"},
		{"metafield owner of the wrong type", setPricesMutation, "", "",
			map[string]any{"metafields": []any{map[string]any{"ownerId": true, "key": "k", "value": "1"}}}, "cannot use bool as ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(tt.doc, tt.old, tt.new, 1)
			if tt.old != "" && doc == tt.doc {
				t.Fatalf("%q is no longer in the document", tt.old)
			}
			op, errs := schema.Validate(doc)
			if errs == nil {
				errs = schema.ValidateVariables(op, tt.vars)
			}
			if !strings.Contains(errs.Error(), tt.want) {
				t.Errorf("errors %q, want %q", errs.Error(), tt.want)
			}
			// and the unbroken document with good variables passes
			if tt.old != "" {
				op, errs := schema.Validate(tt.doc)
				if errs == nil {
					errs = schema.ValidateVariables(op, tt.vars)
				}
				if len(errs) > 0 {
					t.Errorf("the document as written: %v", errs)
				}
			}
		})
	}
}
