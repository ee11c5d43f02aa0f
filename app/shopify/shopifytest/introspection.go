package shopifytest

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// introspection is the part of an introspection result (the answer to
// graphql-js's getIntrospectionQuery) a validator needs: names, kinds, types
// and default values; descriptions and deprecations are left out.
type introspection struct {
	Schema struct {
		QueryType        *struct{ Name string } `json:"queryType"`
		MutationType     *struct{ Name string } `json:"mutationType"`
		SubscriptionType *struct{ Name string } `json:"subscriptionType"`
		Types            []introType            `json:"types"`
		Directives       []introDirective       `json:"directives"`
	} `json:"__schema"`
}

type introType struct {
	Kind          string       `json:"kind"`
	Name          string       `json:"name"`
	Fields        []introField `json:"fields"`
	InputFields   []introValue `json:"inputFields"`
	Interfaces    []typeRef    `json:"interfaces"`
	PossibleTypes []typeRef    `json:"possibleTypes"`
	EnumValues    []struct {
		Name string `json:"name"`
	} `json:"enumValues"`
	IsOneOf bool `json:"isOneOf"`
}

type introField struct {
	Name string       `json:"name"`
	Args []introValue `json:"args"`
	Type typeRef      `json:"type"`
}

// introValue is an argument or an input field; DefaultValue is a GraphQL
// literal, as SDL writes it.
type introValue struct {
	Name         string  `json:"name"`
	Type         typeRef `json:"type"`
	DefaultValue *string `json:"defaultValue"`
}

type introDirective struct {
	Name         string       `json:"name"`
	IsRepeatable bool         `json:"isRepeatable"`
	Locations    []string     `json:"locations"`
	Args         []introValue `json:"args"`
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

func (t typeRef) String() string {
	switch {
	case t.OfType == nil:
		return t.Name
	case t.Kind == "NON_NULL":
		return t.OfType.String() + "!"
	case t.Kind == "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return t.Name
}

// buildSchema turns an introspection result into a validated schema by way
// of SDL: gqlparser reads SDL, not introspection, and SDL takes the default
// values as the literals introspection already gives.
func buildSchema(name string, in introspection) (*ast.Schema, error) {
	sdl, err := in.sdl()
	if err != nil {
		return nil, err
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return s, nil
}

// sdl prints the schema's types and directives, leaving out what
// gqlparser's prelude declares (built-in scalars, directives and the
// introspection types).
func (in introspection) sdl() (string, error) {
	prelude := map[string]bool{}
	pd := validator.PreludeDocument()
	for _, d := range pd.Definitions {
		prelude[d.Name] = true
	}
	for _, d := range pd.Directives {
		prelude["@"+d.Name] = true
	}

	var b strings.Builder
	s := in.Schema
	if s.QueryType == nil {
		return "", fmt.Errorf("introspection has no query type")
	}
	b.WriteString("schema {\n  query: " + s.QueryType.Name + "\n")
	if s.MutationType != nil {
		b.WriteString("  mutation: " + s.MutationType.Name + "\n")
	}
	if s.SubscriptionType != nil {
		b.WriteString("  subscription: " + s.SubscriptionType.Name + "\n")
	}
	b.WriteString("}\n")

	for _, d := range s.Directives {
		if prelude["@"+d.Name] {
			continue
		}
		b.WriteString("directive @" + d.Name + args(d.Args))
		if d.IsRepeatable {
			b.WriteString(" repeatable")
		}
		b.WriteString(" on " + strings.Join(d.Locations, " | ") + "\n")
	}

	for _, t := range s.Types {
		if prelude[t.Name] {
			continue
		}
		switch t.Kind {
		case "SCALAR":
			b.WriteString("scalar " + t.Name + "\n")
		case "OBJECT", "INTERFACE":
			kw := "type "
			if t.Kind == "INTERFACE" {
				kw = "interface "
			}
			b.WriteString(kw + t.Name + implements(t.Interfaces) + " {\n")
			for _, f := range t.Fields {
				b.WriteString("  " + f.Name + args(f.Args) + ": " + f.Type.String() + "\n")
			}
			b.WriteString("}\n")
		case "UNION":
			names := make([]string, len(t.PossibleTypes))
			for i, p := range t.PossibleTypes {
				names[i] = p.Name
			}
			b.WriteString("union " + t.Name + " = " + strings.Join(names, " | ") + "\n")
		case "ENUM":
			b.WriteString("enum " + t.Name + " {\n")
			for _, v := range t.EnumValues {
				b.WriteString("  " + v.Name + "\n")
			}
			b.WriteString("}\n")
		case "INPUT_OBJECT":
			b.WriteString("input " + t.Name)
			if t.IsOneOf {
				b.WriteString(" @oneOf")
			}
			b.WriteString(" {\n")
			for _, f := range t.InputFields {
				b.WriteString("  " + value(f) + "\n")
			}
			b.WriteString("}\n")
		default:
			return "", fmt.Errorf("type %s: unknown kind %q", t.Name, t.Kind)
		}
	}
	return b.String(), nil
}

func implements(ifaces []typeRef) string {
	if len(ifaces) == 0 {
		return ""
	}
	names := make([]string, len(ifaces))
	for i, t := range ifaces {
		names[i] = t.Name
	}
	return " implements " + strings.Join(names, " & ")
}

func args(vs []introValue) string {
	if len(vs) == 0 {
		return ""
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = value(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func value(v introValue) string {
	s := v.Name + ": " + v.Type.String()
	if v.DefaultValue != nil {
		s += " = " + *v.DefaultValue
	}
	return s
}
