package shopifytest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// tiny is an introspection result with one type of every kind, in the
// shape Shopify publishes (nullable isOneOf, extra keys).
const tiny = `{"__schema": {
  "queryType": {"name": "QueryRoot"}, "mutationType": {"name": "Mutation"}, "subscriptionType": null,
  "directives": [
    {"name": "include", "isRepeatable": false, "locations": ["FIELD"], "args": [{"name": "if", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "Boolean", "ofType": null}}, "defaultValue": null}]},
    {"name": "idempotent", "isRepeatable": false, "locations": ["FIELD"], "args": [{"name": "key", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "String", "ofType": null}}, "defaultValue": null}]}
  ],
  "types": [
    {"kind": "SCALAR", "name": "String", "isOneOf": null},
    {"kind": "SCALAR", "name": "Money", "isOneOf": null, "accessRestricted": false},
    {"kind": "OBJECT", "name": "QueryRoot", "interfaces": [], "fields": [
      {"name": "node", "args": [{"name": "id", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}, "defaultValue": null}], "type": {"kind": "INTERFACE", "name": "Node", "ofType": null}},
      {"name": "orders", "args": [{"name": "first", "type": {"kind": "SCALAR", "name": "Int", "ofType": null}, "defaultValue": "10"}, {"name": "sort", "type": {"kind": "ENUM", "name": "Sort", "ofType": null}, "defaultValue": "ID"}], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "LIST", "name": null, "ofType": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "OBJECT", "name": "Order", "ofType": null}}}}}
    ]},
    {"kind": "OBJECT", "name": "Mutation", "interfaces": [], "fields": [
      {"name": "pay", "args": [{"name": "input", "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "INPUT_OBJECT", "name": "PayInput", "ofType": null}}, "defaultValue": null}], "type": {"kind": "UNION", "name": "Result", "ofType": null}}
    ]},
    {"kind": "INTERFACE", "name": "Node", "interfaces": [], "fields": [{"name": "id", "args": [], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}}], "possibleTypes": [{"kind": "OBJECT", "name": "Order"}]},
    {"kind": "OBJECT", "name": "Order", "interfaces": [{"kind": "INTERFACE", "name": "Node"}], "fields": [
      {"name": "id", "args": [], "type": {"kind": "NON_NULL", "name": null, "ofType": {"kind": "SCALAR", "name": "ID", "ofType": null}}},
      {"name": "total", "args": [], "type": {"kind": "SCALAR", "name": "Money", "ofType": null}}
    ]},
    {"kind": "UNION", "name": "Result", "possibleTypes": [{"kind": "OBJECT", "name": "Order"}]},
    {"kind": "ENUM", "name": "Sort", "enumValues": [{"name": "ID", "isDeprecated": false}, {"name": "TOTAL", "isDeprecated": true}]},
    {"kind": "INPUT_OBJECT", "name": "PayInput", "isOneOf": true, "inputFields": [
      {"name": "id", "type": {"kind": "SCALAR", "name": "ID", "ofType": null}, "defaultValue": null},
      {"name": "name", "type": {"kind": "SCALAR", "name": "String", "ofType": null}, "defaultValue": "\"x\""}
    ]},
    {"kind": "OBJECT", "name": "__Type", "interfaces": [], "fields": [{"name": "name", "args": [], "type": {"kind": "SCALAR", "name": "String", "ofType": null}}]}
  ]
}}`

const tinySDL = `schema {
  query: QueryRoot
  mutation: Mutation
}
directive @idempotent(key: String!) on FIELD
scalar Money
type QueryRoot {
  node(id: ID!): Node
  orders(first: Int = 10, sort: Sort = ID): [Order!]!
}
type Mutation {
  pay(input: PayInput!): Result
}
interface Node {
  id: ID!
}
type Order implements Node {
  id: ID!
  total: Money
}
union Result = Order
enum Sort {
  ID
  TOTAL
}
input PayInput @oneOf {
  id: ID
  name: String = "x"
}
`

func TestIntrospectionToSDL(t *testing.T) {
	var in introspection
	if err := json.Unmarshal([]byte(tiny), &in); err != nil {
		t.Fatal(err)
	}
	sdl, err := in.sdl()
	if err != nil {
		t.Fatal(err)
	}
	if sdl != tinySDL {
		t.Errorf("SDL:\n%s\nwant:\n%s", sdl, tinySDL)
	}
	schema, err := buildSchema("tiny.graphql", in)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  string // "" when valid
	}{
		{`query A { orders { id total } node(id: "1") { id ... on Order { total } } }`, ""},
		{`query A { orders(sort: TOTAL, first: 2) @include(if: true) { id } }`, ""},
		{`mutation B($in: PayInput!) { pay(input: $in) { ... on Order { id } } }`, ""},
		{`mutation B { pay(input: {id: "1"}) @idempotent(key: "k") { __typename } }`, ""},
		{`query A { orders { nope } }`, `Cannot query field "nope" on type "Order"`},
		{`query A { orders(sort: PRICE) { id } }`, `Value "PRICE" does not exist in "Sort" enum`},
		{`query A { node { id } }`, `argument "id" of type "ID!" is required`},
		{`mutation B { pay(input: {id: "1", name: "n"}) { __typename } }`, `must specify exactly one key`},
		{`subscription C { orders { id } }`, `Schema does not support operation type "subscription"`},
	}
	for _, tt := range tests {
		doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		errs := validator.Validate(schema, doc)
		switch {
		case tt.want == "" && len(errs) > 0:
			t.Errorf("%s: %v", tt.query, errs)
		case tt.want != "" && !strings.Contains(errs.Error(), tt.want):
			t.Errorf("%s: errors %q, want %q", tt.query, errs.Error(), tt.want)
		}
	}
}

func TestIntrospectionWithoutQueryType(t *testing.T) {
	var in introspection
	if _, err := in.sdl(); err == nil {
		t.Error("an empty introspection result gave a schema")
	}
}
