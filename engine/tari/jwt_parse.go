package tari

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"taripay/internal/serde"
)

// untrustedToken is a token split and decoded but not yet validated.
type untrustedToken struct {
	signed    string // "header.claims" as received: the signed bytes
	alg       string
	claims    []byte
	signature []byte
}

// parseToken splits and decodes a compact JWT as jwt-compact 0.8's
// UntrustedToken::new does.
func parseToken(token string) (untrustedToken, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "InvalidTokenStructure"}
	}
	header, err := decodeSegment(parts[0])
	if err != nil {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "InvalidBase64Encoding"}
	}
	t := untrustedToken{signed: parts[0] + "." + parts[1]}
	var cty *string
	err = serde.DecodeFlattened(header, "struct CompleteHeader", []serde.Field{
		{Name: "alg", Required: true, Decode: func(v jsontext.Value) (err error) {
			t.alg, err = serde.String(v)
			return err
		}},
		{Name: "cty", Decode: func(v jsontext.Value) (err error) {
			cty, err = serde.OptString(v)
			return err
		}},
	}, []serde.Field{
		{Name: "typ", Decode: optStringField},
		{Name: "kid", Decode: optStringField},
		{Name: "jku", Decode: optStringField},
		{Name: "x5u", Decode: optStringField},
		{Name: "x5t", Decode: optStringField},
		{Name: "x5t#S256", Decode: optStringField},
	})
	if err != nil {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "MalformedHeader(" + serdeDebug(err) + ")"}
	}
	if cty != nil && !strings.EqualFold(*cty, "json") {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "UnsupportedContentType(" + strconv.Quote(*cty) + ")"}
	}
	if t.claims, err = decodeSegment(parts[1]); err != nil {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "InvalidBase64Encoding"}
	}
	if t.signature, err = decodeSegment(parts[2]); err != nil {
		return untrustedToken{}, &TokenError{Kind: TokenMalformed, Detail: "InvalidBase64Encoding"}
	}
	return t, nil
}

// decodeSegment decodes one token part. Go's decoder skips CR and LF even
// in strict mode; jwt-compact's does not, so they are refused here.
func decodeSegment(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("newline in base64url")
	}
	return b64.DecodeString(s)
}

func optStringField(v jsontext.Value) error {
	_, err := serde.OptString(v)
	return err
}

// checkSignature runs jwt-compact's validation steps that precede the
// claims: algorithm, signature length, signature form.
func (t untrustedToken) checkSignature() (Signature, error) {
	if t.alg != jwtAlgorithm {
		return Signature{}, &TokenError{Kind: TokenAlgorithm, Detail: t.alg}
	}
	if len(t.signature) != 64 {
		return Signature{}, &TokenError{Kind: TokenSignatureLength, Detail: strconv.Itoa(len(t.signature))}
	}
	sig, err := signatureFromBytes(t.signature)
	if err != nil {
		return Signature{}, &TokenError{Kind: TokenSignatureMalformed, Detail: err.Error()}
	}
	return sig, nil
}

func decodeLoginClaims(data []byte) (LoginClaims, error) {
	var c LoginClaims
	err := serde.DecodeFlattened(data, "struct Claims", timestampFields(nil, nil, nil), []serde.Field{
		{Name: "address", Required: true, Decode: claimAddressField(&c.Address)},
		{Name: "nonce", Required: true, Decode: func(v jsontext.Value) (err error) {
			c.Nonce, err = serde.Uint(v, 64, "u64")
			return err
		}},
		{Name: "desired_roles", Required: true, Decode: func(v jsontext.Value) (err error) {
			c.DesiredRoles, err = serde.StringArray(v, checkRole)
			return err
		}},
	})
	return c, err
}

func decodeAccessClaims(data []byte) (AccessClaims, bool, error) {
	var c AccessClaims
	var hasExp bool
	err := serde.DecodeFlattened(data, "struct Claims", timestampFields(&c.Expires, &c.IssuedAt, &hasExp), []serde.Field{
		{Name: "address", Required: true, Decode: claimAddressField(&c.Address)},
		{Name: "roles", Required: true, Decode: func(v jsontext.Value) (err error) {
			c.Roles, err = serde.StringArray(v, checkRole)
			return err
		}},
	})
	return c, hasExp, err
}

// timestampFields decodes jwt-compact's registered claims exp, nbf and iat:
// optional, null allowed, integers or floats (truncated) in Unix seconds.
func timestampFields(exp, iat *int64, hasExp *bool) []serde.Field {
	ts := func(dst *int64, present *bool) func(jsontext.Value) error {
		return func(v jsontext.Value) error {
			if v.Kind() == 'n' {
				return nil
			}
			if v.Kind() != '0' {
				return fmt.Errorf("invalid type: %s, expected UTC timestamp", serde.Unexpected(v))
			}
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil || math.IsInf(f, 0) || f >= math.MaxInt64 || f <= math.MinInt64 {
				return errors.New("UTC timestamp overflow")
			}
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				n = int64(f)
			}
			if dst != nil {
				*dst = n
			}
			if present != nil {
				*present = true
			}
			return nil
		}
	}
	return []serde.Field{
		{Name: "exp", Decode: ts(exp, hasExp)},
		{Name: "nbf", Decode: ts(nil, nil)},
		{Name: "iat", Decode: ts(iat, nil)},
	}
}

func claimAddressField(dst *Address) func(jsontext.Value) error {
	return func(v jsontext.Value) (err error) {
		*dst, err = addressFromJSON(v)
		return err
	}
}

// serdeDebug renders a decode error as serde_json's Debug form,
// Error("msg", line: L, column: C).
func serdeDebug(err error) string {
	var se *serde.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("Error(%s, line: %d, column: %d)", strconv.Quote(se.Msg), se.Line, se.Column)
	}
	return fmt.Sprintf("Error(%s, line: 0, column: 0)", strconv.Quote(err.Error()))
}
