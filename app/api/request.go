package api

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

// BodyLimit caps every request body (the server's fiber BodyLimit).
const BodyLimit = 256 << 10

// Length limits for identifiers and free text in request bodies and paths;
// longer values are bad input, never stored.
const (
	maxIDLen   = 255
	maxTextLen = 4096
)

// decodeBody reads a JSON request body: a JSON content type, one object, no
// duplicate members, valid UTF-8, every string that v declares valid text
// (no NUL: engine.ValidText), and every named required member present and
// not null. Unknown members are ignored, as the reference
// does, so that a newer wallet or client sending an extra field is served;
// query parameters stay strict (query).
func decodeBody(c *fiber.Ctx, v any, required ...string) error {
	if err := checkContentType(c); err != nil {
		return err
	}
	return decodeJSON(c.Body(), v, required...)
}

func decodeJSON(body []byte, v any, required ...string) error {
	if err := wantKind(body, '{', "a JSON object"); err != nil {
		return err
	}
	var members map[string]jsontext.Value
	if err := json.Unmarshal(body, &members); err != nil {
		return errJSON(jsonMessage(err))
	}
	for _, name := range required {
		if m, ok := members[name]; !ok || m.Kind() == 'n' {
			return errJSON(fmt.Sprintf("missing field `%s`", name))
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errJSON(jsonMessage(err))
	}
	return checkStrings(v)
}

// checkStrings refuses a decoded body with a string that is not text,
// naming its member. Raw members (jsontext.Value, bytes) are left to the
// parser that reads them.
func checkStrings(v any) error {
	if name, bad := badText(reflect.ValueOf(v), ""); bad {
		return errJSON(fmt.Sprintf("field `%s` is not valid text: it holds NUL or invalid UTF-8", name))
	}
	return nil
}

func badText(v reflect.Value, name string) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem(), name)
		}
	case reflect.String:
		return name, !engine.ValidText(v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			member, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if n, bad := badText(v.Field(i), cmp.Or(member, f.Name)); bad {
				return n, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false
		}
		for i := range v.Len() {
			if n, bad := badText(v.Index(i), name); bad {
				return n, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if n, bad := badText(it.Key(), name); bad {
				return n, true
			}
			if n, bad := badText(it.Value(), name); bad {
				return n, true
			}
		}
	}
	return "", false
}

// checkContentType requires application/json or */*+json, as actix's JSON
// extractor does.
func checkContentType(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || (mt != fiber.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
		return ErrContentType
	}
	return nil
}

// jsonMessage strips the Go package prefix from a decoding error.
func jsonMessage(err error) string {
	var se *json.SemanticError
	if errors.As(err, &se) && se.JSONPointer != "" {
		return fmt.Sprintf("%v (at %s)", errors.Unwrap(err), se.JSONPointer)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// checkText refuses values of the named fields that are longer than max
// bytes or are not text (engine.ValidText): identifiers, and a client's own
// text.
func checkText(max int, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if err := checkLength(max, fields[i], fields[i+1]); err != nil {
			return err
		}
		if !engine.ValidText(fields[i+1]) {
			return errJSON(fmt.Sprintf("field `%s` is not valid text: it holds NUL or invalid UTF-8", fields[i]))
		}
	}
	return nil
}

// checkLength refuses a value longer than max bytes.
func checkLength(max int, field, v string) error {
	if len(v) > max {
		return errJSON(fmt.Sprintf("field `%s` is longer than %d bytes", field, max))
	}
	return nil
}

// CheckRequestText refuses a request whose path, query parameters or form
// fields are not text (engine.ValidText): they name things to look up or
// change, and are bad input before any query. Bodies are checked where they
// are parsed.
func CheckRequestText(c *fiber.Ctx) error {
	if !engine.ValidText(string(c.Request().URI().Path())) {
		return errInvalidRequestPath("the path is not valid text: it holds NUL or invalid UTF-8")
	}
	var bad string
	check := func(k, v []byte) {
		if bad == "" && (!engine.ValidText(string(k)) || !engine.ValidText(string(v))) {
			bad = strings.ToValidUTF8(strings.ReplaceAll(string(k), "\x00", ""), "?")
		}
	}
	c.Request().URI().QueryArgs().VisitAll(check)
	if bad != "" {
		return errQuery(fmt.Sprintf("invalid value for `%s`: not valid text (NUL or invalid UTF-8)", bad))
	}
	c.Request().PostArgs().VisitAll(check) // urlencoded forms only
	if bad != "" {
		return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf("Form deserialize error: field `%s` is not valid text (NUL or invalid UTF-8)", bad)}
	}
	return nil
}

// param returns a percent-decoded path parameter, which must be text
// (engine.ValidText) and at most maxIDLen bytes.
func param(c *fiber.Ctx, name string) (string, error) {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil || !engine.ValidText(v) || len(v) > maxIDLen || v == "" {
		return "", errInvalidRequestPath(fmt.Sprintf("invalid %s", name))
	}
	return v, nil
}

// addressParam parses an {address} path parameter in any address form.
func addressParam(c *fiber.Ctx, name string) (tari.Address, error) {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil || len(v) > 1024 {
		return tari.Address{}, ErrBadAddress
	}
	a, err := tari.ParseAddress(v)
	if err != nil {
		return tari.Address{}, ErrBadAddress
	}
	return a, nil
}

// render sends v as compact JSON with the reference's key order.
func render(c *fiber.Ctx, v any) error {
	// Deterministic: a map's keys go out sorted, the same on every reply.
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		return FromEngine(fmt.Errorf("encode response: %w", err), "")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

// Render is render for other app packages' JSON answers.
func Render(c *fiber.Ctx, v any) error { return render(c, v) }

// empty sends the reference's empty 200.
func empty(c *fiber.Ctx) error {
	c.Status(fiber.StatusOK)
	return nil
}

// decodeJSONArray reads a JSON array body like decodeJSON.
func decodeJSONArray(body []byte, v any) error {
	if err := wantKind(body, '[', "a JSON array"); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errJSON(jsonMessage(err))
	}
	return nil
}

// wantKind refuses a body that is not the JSON kind a route takes (null
// included), before it is decoded.
func wantKind(body []byte, kind jsontext.Kind, what string) error {
	if jsontext.Value(bytes.TrimSpace(body)).Kind() != kind {
		return errJSON("invalid type: expected " + what)
	}
	return nil
}
