package tari

import (
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"time"

	"taripay/internal/serde"
)

// jwtHeader is base64url({"alg":"Ristretto256","typ":"JWT"}), the header
// tari-jwt writes.
const jwtHeader = "eyJhbGciOiJSaXN0cmV0dG8yNTYiLCJ0eXAiOiJKV1QifQ"

const jwtAlgorithm = "Ristretto256"

// AccessTokenLifetime is how long an access token lasts (24 h, as the
// reference issues them).
const AccessTokenLifetime = 24 * time.Hour

// b64 is strict unpadded base64url: padding and non-zero trailing bits are
// errors, as in jwt-compact.
var b64 = base64.RawURLEncoding.Strict()

// Roles a token may carry (serde snake_case names of the reference's Role).
const (
	RoleUser          = "user"
	RoleReadAll       = "read_all"
	RoleWrite         = "write"
	RolePaymentWallet = "payment_wallet"
	RoleSuperAdmin    = "super_admin"
)

// ValidRole reports whether name is a role the reference knows.
func ValidRole(name string) bool {
	switch name {
	case RoleUser, RoleReadAll, RoleWrite, RolePaymentWallet, RoleSuperAdmin:
		return true
	}
	return false
}

func checkRole(name string) error {
	if ValidRole(name) {
		return nil
	}
	return fmt.Errorf("unknown variant `%s`, expected one of `read_all`, `write`, `user`, `payment_wallet`, `super_admin`", name)
}

// LoginClaims are what a client signs to log in (POST /auth).
type LoginClaims struct {
	Address      Address
	Nonce        uint64
	DesiredRoles []string
}

func (c LoginClaims) appendJSON(b []byte) []byte {
	b = append(b, `{"address":`...)
	b = c.Address.appendJSON(b)
	b = append(b, `,"nonce":`...)
	b = strconv.AppendUint(b, c.Nonce, 10)
	b = append(b, `,"desired_roles":`...)
	return append(appendRoles(b, c.DesiredRoles), '}')
}

// AccessClaims are what the server signs into an access token.
type AccessClaims struct {
	Expires  int64 // exp, Unix seconds
	IssuedAt int64 // iat, Unix seconds
	Address  Address
	Roles    []string
}

func (c AccessClaims) appendJSON(b []byte) []byte {
	b = append(b, `{"exp":`...)
	b = strconv.AppendInt(b, c.Expires, 10)
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, c.IssuedAt, 10)
	b = append(b, `,"address":`...)
	b = c.Address.appendJSON(b)
	b = append(b, `,"roles":`...)
	return append(appendRoles(b, c.Roles), '}')
}

// HasRoles reports whether the token grants every required role;
// super_admin grants all of them.
func (c AccessClaims) HasRoles(required ...string) bool {
	have := func(r string) bool {
		for _, x := range c.Roles {
			if x == r {
				return true
			}
		}
		return false
	}
	if have(RoleSuperAdmin) {
		return true
	}
	for _, r := range required {
		if !have(r) {
			return false
		}
	}
	return true
}

func appendRoles(b []byte, roles []string) []byte {
	b = append(b, '[')
	for i, r := range roles {
		if i > 0 {
			b = append(b, ',')
		}
		b = serde.AppendString(b, r)
	}
	return append(b, ']')
}

// SignLoginToken makes the token taritools would send to POST /auth.
func SignLoginToken(rand io.Reader, k SecretKey, c LoginClaims) (string, error) {
	if err := checkRoles(c.DesiredRoles); err != nil {
		return "", err
	}
	if err := c.Address.checkSerde(); err != nil {
		return "", err
	}
	return signToken(rand, k, c.appendJSON(nil))
}

// IssueAccessToken signs access claims with the server key.
func IssueAccessToken(rand io.Reader, k SecretKey, c AccessClaims) (string, error) {
	if err := checkRoles(c.Roles); err != nil {
		return "", err
	}
	if err := c.Address.checkSerde(); err != nil {
		return "", err
	}
	return signToken(rand, k, c.appendJSON(nil))
}

// NewAccessClaims returns the claims the server issues at now for a
// successful login: exp = iat + 24 h, roles as requested.
func NewAccessClaims(login LoginClaims, now time.Time) AccessClaims {
	iat := now.Unix()
	return AccessClaims{
		Expires:  iat + int64(AccessTokenLifetime/time.Second),
		IssuedAt: iat,
		Address:  login.Address,
		Roles:    append([]string(nil), login.DesiredRoles...),
	}
}

func checkRoles(roles []string) error {
	for _, r := range roles {
		if err := checkRole(r); err != nil {
			return err
		}
	}
	return nil
}

func signToken(rand io.Reader, k SecretKey, claims []byte) (string, error) {
	signed := jwtHeader + "." + b64.EncodeToString(claims)
	sig, err := sign(rand, k, domainJWT, []byte(signed))
	if err != nil {
		return "", err
	}
	return signed + "." + b64.EncodeToString(sig.Bytes()), nil
}

// ParseLoginToken parses a login token, takes the verification key from its
// own claims (the address's spend key) and verifies it. It checks no
// expiry: replay protection is the caller's nonce check.
func ParseLoginToken(token string) (LoginClaims, error) {
	t, err := parseToken(token)
	if err != nil {
		return LoginClaims{}, err
	}
	c, err := decodeLoginClaims(t.claims)
	if err != nil {
		return LoginClaims{}, &TokenError{Kind: TokenClaims, Detail: serdeDebug(err), login: true}
	}
	sig, err := t.checkSignature()
	if err != nil {
		return LoginClaims{}, err
	}
	if !verify(c.Address.spend, domainJWT, []byte(t.signed), sig) {
		return LoginClaims{}, &TokenError{Kind: TokenSignature}
	}
	return c, nil
}

// VerifyAccessToken checks an access token against the server's key and
// its expiry: expired iff now is after exp, with no leeway.
func VerifyAccessToken(token string, key PublicKey, now time.Time) (AccessClaims, error) {
	t, err := parseToken(token)
	if err != nil {
		return AccessClaims{}, err
	}
	sig, err := t.checkSignature()
	if err != nil {
		return AccessClaims{}, err
	}
	c, hasExp, err := decodeAccessClaims(t.claims)
	if err != nil {
		return AccessClaims{}, &TokenError{Kind: TokenClaims, Detail: serdeDebug(err)}
	}
	if !verify(key, domainJWT, []byte(t.signed), sig) {
		return AccessClaims{}, &TokenError{Kind: TokenSignature}
	}
	if !hasExp {
		return AccessClaims{}, &TokenError{Kind: TokenNoExpiry}
	}
	if now.After(time.Unix(c.Expires, 0)) {
		return AccessClaims{}, &TokenError{Kind: TokenExpired}
	}
	return c, nil
}
