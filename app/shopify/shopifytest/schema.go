package shopifytest

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// The Admin API schema is Shopify's own introspection result and scope
// table for one API version, as published in @shopify/dev-mcp (see
// app/shopify/shopifytest/testdata/README.md). Exactly one version is vendored: the one taripay pins.
//
//go:embed testdata/admin_*.json.gz
var vendored embed.FS

// Schema is Shopify's GraphQL Admin API schema for one version, with the
// access scopes each type and field needs.
type Schema struct {
	Version string // e.g. "2026-10"
	*ast.Schema
	scopes map[string]access // "Type" or "Type.field"
}

// access is a row of Shopify's scope table: any one of Scopes grants it.
type access struct {
	Scopes   []string
	Required string // Shopify's words, e.g. "`read_customers` access scope."
}

// AdminSchema returns the vendored schema, read once per test binary (it is
// 11 MB of JSON); callers must not change it.
func AdminSchema() (*Schema, error) { return adminSchema() }

var adminSchema = sync.OnceValues(loadAdminSchema)

func loadAdminSchema() (*Schema, error) {
	names, err := fs.Glob(vendored, "testdata/admin_*.json.gz")
	if err != nil {
		return nil, err
	}
	if len(names) != 1 {
		return nil, fmt.Errorf("want one vendored Admin schema, have %v", names)
	}
	b, err := vendored.ReadFile(names[0])
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", names[0], err)
	}
	var file struct {
		Data          introspection `json:"data"`
		OfflineScopes struct {
			Items []struct {
				Type           string   `json:"type"` // "type" or "field"
				TypeName       string   `json:"typeName"`
				FieldName      string   `json:"fieldName"`
				RequiredAccess string   `json:"requiredAccess"`
				OfflineScopes  []string `json:"offlineScopes"`
			} `json:"items"`
		} `json:"offline_scopes"`
	}
	if err := json.NewDecoder(zr).Decode(&file); err != nil {
		return nil, fmt.Errorf("%s: %w", names[0], err)
	}
	base := path.Base(names[0])
	s := &Schema{
		Version: strings.TrimSuffix(strings.TrimPrefix(base, "admin_"), ".json.gz"),
		scopes:  map[string]access{},
	}
	if s.Schema, err = buildSchema(strings.TrimSuffix(base, ".json.gz")+".graphql", file.Data); err != nil {
		return nil, err
	}
	for _, it := range file.OfflineScopes.Items {
		if len(it.OfflineScopes) == 0 {
			continue // nothing an offline token could be granted; other conditions are not modelled
		}
		key := it.TypeName
		if it.Type == "field" {
			key += "." + it.FieldName
		}
		s.scopes[key] = access{Scopes: it.OfflineScopes, Required: it.RequiredAccess}
	}
	if len(s.scopes) == 0 {
		return nil, fmt.Errorf("%s has no offline_scopes table", names[0])
	}
	return s, nil
}

// Validate parses query and checks it against the schema as a GraphQL
// server does before running it: one operation, every field, argument,
// fragment and variable definition valid.
func (s *Schema) Validate(query string) (*ast.OperationDefinition, gqlerror.List) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil, gqlerror.List{gqlerror.WrapIfUnwrapped(err)}
	}
	if errs := validator.Validate(s.Schema, doc); len(errs) > 0 {
		return nil, errs
	}
	if len(doc.Operations) != 1 {
		return nil, gqlerror.List{gqlerror.Errorf("want exactly one operation, have %d", len(doc.Operations))}
	}
	return doc.Operations[0], nil
}

// ValidateVariables checks the values sent for op's variables: present when
// required, of the declared types, input objects with known fields only,
// enums spelt exactly, and @oneOf inputs with exactly one field.
func (s *Schema) ValidateVariables(op *ast.OperationDefinition, vars map[string]any) gqlerror.List {
	// check what goes over the wire, and leave the caller's values alone
	// (gqlparser writes coerced values back)
	b, err := json.Marshal(vars)
	if err != nil {
		return gqlerror.List{gqlerror.Errorf("variables: %v", err)}
	}
	vars = nil
	if err := json.Unmarshal(b, &vars); err != nil {
		return gqlerror.List{gqlerror.Errorf("variables: %v", err)}
	}
	var errs gqlerror.List
	if _, err := validator.VariableValues(s.Schema, op, vars); err != nil {
		errs = gqlerror.List{gqlerror.WrapIfUnwrapped(err)}
	} else {
		// gqlparser compares enum values ignoring case and does not check
		// @oneOf in variables; Shopify does both.
		for _, v := range op.VariableDefinitions {
			s.checkValue(v.Type, vars[v.Variable], ast.Path{ast.PathName("variable"), ast.PathName(v.Variable)}, &errs)
		}
	}
	for _, e := range errs {
		// name the variable in the message, as Shopify does
		e.Message = "Variable $" + strings.TrimPrefix(e.Path.String(), "variable.") + " " + e.Message
		e.Path = nil
	}
	return errs
}

func (s *Schema) checkValue(t *ast.Type, v any, p ast.Path, errs *gqlerror.List) {
	if v == nil {
		return
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			s.checkValue(t.Elem, v, p, errs) // a single value stands for a list of one
			return
		}
		for i, e := range list {
			s.checkValue(t.Elem, e, append(slices.Clone(p), ast.PathIndex(i)), errs)
		}
		return
	}
	def := s.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		if name, _ := v.(string); def.EnumValues.ForName(name) == nil {
			*errs = append(*errs, gqlerror.ErrorPathf(p, "%v is not a valid %s", v, def.Name))
		}
	case ast.InputObject:
		obj, _ := v.(map[string]any)
		if def.Directives.ForName("oneOf") != nil {
			set := 0
			for _, fv := range obj {
				if fv != nil {
					set++
				}
			}
			if set != 1 || len(obj) != 1 {
				*errs = append(*errs, gqlerror.ErrorPathf(p, "OneOf input %s must have exactly one field, not null", def.Name))
			}
		}
		for _, f := range def.Fields {
			s.checkValue(f.Type, obj[f.Name], append(slices.Clone(p), ast.PathName(f.Name)), errs)
		}
	}
}

// Denied lists the fields of a validated operation that the granted scopes
// do not reach, as Shopify reports them: one ACCESS_DENIED error per field
// (or fragment), naming the access it requires. A field needs its own row of
// the scope table and that of the type it returns.
func (s *Schema) Denied(op *ast.OperationDefinition, granted Scopes) gqlerror.List {
	var errs gqlerror.List
	s.denied(op.SelectionSet, granted, nil, &errs)
	return errs
}

func (s *Schema) denied(set ast.SelectionSet, granted Scopes, p ast.Path, errs *gqlerror.List) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			fp := append(slices.Clone(p), ast.PathName(sel.Alias))
			if a, ok := s.missing(granted, sel.ObjectDefinition.Name+"."+sel.Name, sel.Definition.Type.Name()); ok {
				*errs = append(*errs, accessDenied(sel.Name+" field", a, fp, sel.Position))
				continue
			}
			s.denied(sel.SelectionSet, granted, fp, errs)
		case *ast.InlineFragment:
			// a fragment on a type with a scope of its own, such as
			// `... on ProductVariant` under the scope-free `nodes`
			if a, ok := s.missing(granted, sel.TypeCondition); ok {
				*errs = append(*errs, accessDenied(sel.TypeCondition, a, p, sel.Position))
				continue
			}
			s.denied(sel.SelectionSet, granted, p, errs)
		case *ast.FragmentSpread:
			if a, ok := s.missing(granted, sel.Definition.TypeCondition); ok {
				*errs = append(*errs, accessDenied(sel.Definition.TypeCondition, a, p, sel.Position))
				continue
			}
			s.denied(sel.Definition.SelectionSet, granted, p, errs)
		}
	}
}

// missing returns the first of the scope table's rows for keys that the
// granted scopes do not satisfy.
func (s *Schema) missing(granted Scopes, keys ...string) (access, bool) {
	for _, k := range keys {
		if a, ok := s.scopes[k]; ok && !granted.Any(a.Scopes) {
			return a, true
		}
	}
	return access{}, false
}

func accessDenied(what string, a access, p ast.Path, pos *ast.Position) *gqlerror.Error {
	return &gqlerror.Error{
		Message:   "Access denied for " + what + ". Required access: " + a.Required,
		Path:      p,
		Locations: []gqlerror.Location{{Line: pos.Line, Column: pos.Column}},
		Extensions: map[string]any{
			"code":           "ACCESS_DENIED",
			"documentation":  "https://shopify.dev/api/usage/access-scopes",
			"requiredAccess": a.Required,
		},
	}
}
