package tari

import (
	"strconv"
	"strings"
)

// TokenErrorKind says which jwt-compact error a token failed with, so the
// HTTP layer can answer as the reference does.
type TokenErrorKind int

const (
	// TokenMalformed: the token does not parse (wrong structure, bad
	// base64url, bad header, unsupported cty). 400 on /auth and /api.
	TokenMalformed TokenErrorKind = iota + 1
	// TokenAlgorithm: alg is not Ristretto256.
	TokenAlgorithm
	// TokenSignatureLength: the signature is not 64 bytes.
	TokenSignatureLength
	// TokenSignatureMalformed: R or s is not canonical.
	TokenSignatureMalformed
	// TokenClaims: the claims do not deserialize.
	TokenClaims
	// TokenSignature: the Schnorr check failed.
	TokenSignature
	// TokenNoExpiry: an access token without exp.
	TokenNoExpiry
	// TokenExpired: now is after exp.
	TokenExpired
)

// TokenError is the error of every token function. Error() is jwt-compact's
// Display text, e.g. "signature has failed verification".
type TokenError struct {
	Kind TokenErrorKind
	// Detail carries the variable part: for TokenMalformed the Debug form
	// (e.g. "InvalidTokenStructure"); for TokenClaims serde's Debug form
	// Error("…", line: 1, column: N); the actual alg for TokenAlgorithm;
	// the byte count for TokenSignatureLength.
	Detail string
	login  bool // claims were decoded before validation, as /auth does
}

func (e *TokenError) Error() string {
	switch e.Kind {
	case TokenMalformed:
		switch {
		case e.Detail == "InvalidTokenStructure":
			return "invalid token structure"
		case e.Detail == "InvalidBase64Encoding":
			return "invalid base64 decoding"
		case strings.HasPrefix(e.Detail, "MalformedHeader("):
			return "malformed token header: " + serdeDisplay(strings.TrimSuffix(strings.TrimPrefix(e.Detail, "MalformedHeader("), ")"))
		default:
			return "unsupported content type: " + strings.TrimSuffix(strings.TrimPrefix(e.Detail, "UnsupportedContentType("), ")")
		}
	case TokenAlgorithm:
		return "token algorithm (" + e.Detail + ") differs from expected (" + jwtAlgorithm + ")"
	case TokenSignatureLength:
		return "invalid signature length: expected 64 bytes, got " + e.Detail + " bytes"
	case TokenSignatureMalformed:
		return "malformed token signature: " + e.Detail
	case TokenClaims:
		return "cannot deserialize claims: " + serdeDisplay(e.Detail)
	case TokenSignature:
		return "signature has failed verification"
	case TokenNoExpiry:
		return "claim `exp` requested during validation is not present in the token"
	case TokenExpired:
		return "token has expired"
	}
	return "invalid token"
}

// Malformed reports whether the token did not even parse: the reference
// answers 400 then, and 401 for every other token failure.
func (e *TokenError) Malformed() bool { return e.Kind == TokenMalformed }

// LoginMessage is the reference's whole error text for a failed login
// token on POST /auth (docs/api.md, "Logging in"), to be sent as {"error": …}.
func (e *TokenError) LoginMessage() string {
	switch {
	case e.Kind == TokenMalformed:
		return "Authentication Error. Login token is not in the correct format. " + e.Detail
	case e.Kind == TokenClaims && e.login:
		return "Authentication Error. Login token signature is invalid. MalformedClaims(" + e.Detail + ")"
	}
	return "Authentication Error. Login token signature is invalid. " + e.Error()
}

// Plain-text bodies of the reference's JWT middleware on /api (the
// release build; docs/api.md, "Access tokens"). Debug builds, which the reference's e2e tests assert,
// send AccessMessage instead of MsgAccessTokenInvalid.
const (
	MsgNoAccessToken      = "An error occurred, no cookie containing a jwt was found in the request. Please first authenticate with this application."
	MsgAccessTokenInvalid = "An error occurred, the provided jwt could not be processed."
)

// AccessMessage is the debug-build middleware text for a rejected access
// token: 400 when Malformed, 401 otherwise.
func (e *TokenError) AccessMessage() string {
	if e.Malformed() {
		return "An error occurred parsing the jwt.\n\t Error: " + strconv.Quote(e.Error())
	}
	return "An error occurred validating the jwt.\n\t Error: " + strconv.Quote(e.Error())
}

// serdeDisplay turns serde's Debug form Error("msg", line: L, column: C)
// into its Display form "msg at line L column C".
func serdeDisplay(debug string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(debug, "Error("), ")")
	i := strings.LastIndex(s, ", line: ")
	if i < 0 {
		return s
	}
	msg, pos := s[:i], s[i+len(", line: "):]
	if u, err := strconv.Unquote(msg); err == nil {
		msg = u
	}
	return msg + " at line " + strings.Replace(pos, ", column: ", " column ", 1)
}
