package tari

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signRaw signs arbitrary header and claims JSON, to build odd tokens.
func signRaw(t *testing.T, k SecretKey, header, claims string) string {
	t.Helper()
	signed := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(claims))
	sig, err := sign(testRand(), k, domainJWT, []byte(signed))
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + b64.EncodeToString(sig.Bytes())
}

func TestParseLoginTokenErrors(t *testing.T) {
	k := mustKey(t, testRand())
	a := NewAddress(MainNet, k.Public())
	addr, _ := a.MarshalJSON()
	claims := `{"address":` + string(addr) + `,"nonce":7,"desired_roles":["user"]}`
	hdr := `{"alg":"Ristretto256","typ":"JWT"}`
	good := signRaw(t, k, hdr, claims)
	legacyClaims := `{"address":{"network":"mainnet","public_key":"` + k.Public().Hex() + `"},"nonce":1,"desired_roles":["user"]}`
	noNonce := strings.Replace(claims, `"nonce":7,`, ``, 1)
	parts := strings.Split(good, ".")
	otherKey := mustKey(t, strings.NewReader(strings.Repeat("x", 64)))

	tests := []struct {
		name  string
		token string
		kind  TokenErrorKind
		msg   string // whole LoginMessage, or a prefix when it ends in "…"
	}{
		{"not a jwt", "made up nonsense", TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidTokenStructure"},
		{"four parts", good + ".x", TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidTokenStructure"},
		{"padded header", parts[0] + "=." + parts[1] + "." + parts[2], TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidBase64Encoding"},
		{"trailing bits", parts[0] + "." + parts[1] + "." + parts[2][:85] + "R", TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidBase64Encoding"},
		{"newline in signature", parts[0] + "." + parts[1] + "." + parts[2][:40] + "\n" + parts[2][40:], TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidBase64Encoding"},
		{"std base64", parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", TokenMalformed, "Authentication Error. Login token is not in the correct format. InvalidBase64Encoding"},
		{"header not json", signRaw(t, k, `alg`, claims), TokenMalformed, "Authentication Error. Login token is not in the correct format. MalformedHeader(Error(…"},
		{"header without alg", signRaw(t, k, `{"typ":"JWT"}`, claims), TokenMalformed, "Authentication Error. Login token is not in the correct format. MalformedHeader(Error(\"missing field `alg`\"…"},
		{"cty xml", signRaw(t, k, `{"alg":"Ristretto256","cty":"xml"}`, claims), TokenMalformed, `Authentication Error. Login token is not in the correct format. UnsupportedContentType("xml")`},
		{"claims not json", signRaw(t, k, hdr, `nope`), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(…"},
		{"legacy claims", signRaw(t, k, hdr, legacyClaims), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"invalid value: map, expected map with a single key\", line: 1, column: " + strconv.Itoa(len(legacyClaims)) + "))"},
		{"missing nonce", signRaw(t, k, hdr, noNonce), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"missing field `nonce`\", line: 1, column: " + strconv.Itoa(len(noNonce)) + "))"},
		{"float nonce", signRaw(t, k, hdr, strings.Replace(claims, `"nonce":7`, `"nonce":7.0`, 1)), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"invalid type: floating point `7.0`, expected u64\"…"},
		{"string exp", signRaw(t, k, hdr, `{"exp":"soon",`+claims[1:]), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"invalid type: string \\\"soon\\\", expected UTC timestamp\", line: 1, column: 13))"},
		{"unknown role", signRaw(t, k, hdr, strings.Replace(claims, `"user"`, `"admin"`, 1)), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"unknown variant `admin`…"},
		{"negative nonce", signRaw(t, k, hdr, strings.Replace(claims, `"nonce":7`, `"nonce":-7`, 1)), TokenClaims, "Authentication Error. Login token signature is invalid. MalformedClaims(Error(\"invalid value: integer `-7`, expected u64\"…"},
		{"alg HS256", signRaw(t, k, `{"alg":"HS256"}`, claims), TokenAlgorithm, "Authentication Error. Login token signature is invalid. token algorithm (HS256) differs from expected (Ristretto256)"},
		{"short signature", parts[0] + "." + parts[1] + "." + b64.EncodeToString(make([]byte, 32)), TokenSignatureLength, "Authentication Error. Login token signature is invalid. invalid signature length: expected 64 bytes, got 32 bytes"},
		{"non-canonical R", parts[0] + "." + parts[1] + "." + b64.EncodeToString(append([]byte(strings.Repeat("\xff", 32)), make([]byte, 32)...)), TokenSignatureMalformed, "Authentication Error. Login token signature is invalid. malformed token signature: …"},
		{"wrong signer", signRaw(t, otherKey, hdr, claims), TokenSignature, "Authentication Error. Login token signature is invalid. signature has failed verification"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseLoginToken(tc.token)
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err %v is not a *TokenError", err)
			}
			if te.Kind != tc.kind {
				t.Fatalf("kind %d, want %d (%v)", te.Kind, tc.kind, err)
			}
			if te.Malformed() != (tc.kind == TokenMalformed) {
				t.Fatal("Malformed() disagrees with Kind")
			}
			got := te.LoginMessage()
			if prefix, ok := strings.CutSuffix(tc.msg, "…"); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Fatalf("message %q, want prefix %q", got, prefix)
				}
			} else if got != tc.msg {
				t.Fatalf("message %q, want %q", got, tc.msg)
			}
		})
	}
	if _, err := ParseLoginToken(good); err != nil {
		t.Fatalf("the unmodified token fails: %v", err)
	}
}

func TestVerifyAccessTokenErrors(t *testing.T) {
	rng := testRand()
	server := mustKey(t, rng)
	user := NewAddress(MainNet, mustKey(t, rng).Public())
	iat := time.Unix(1735689600, 0)
	c := NewAccessClaims(LoginClaims{Address: user, DesiredRoles: []string{"user", "write"}}, iat)
	tok, err := IssueAccessToken(rng, server, c)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Unix(c.Expires, 0)
	addr, _ := user.MarshalJSON()
	tests := []struct {
		name  string
		token string
		key   PublicKey
		now   time.Time
		kind  TokenErrorKind
		text  string
	}{
		{"valid at iat", tok, server.Public(), iat, 0, ""},
		{"valid at exp", tok, server.Public(), exp, 0, ""},
		{"expired just after exp", tok, server.Public(), exp.Add(time.Nanosecond), TokenExpired, "token has expired"},
		{"expired a second after", tok, server.Public(), exp.Add(time.Second), TokenExpired, "token has expired"},
		{"wrong key", tok, user.SpendKey(), iat, TokenSignature, "signature has failed verification"},
		{"self-signed admin", func() string {
			k := mustKey(t, rng)
			forged, _ := IssueAccessToken(rng, k, AccessClaims{Expires: c.Expires, IssuedAt: c.IssuedAt, Address: user, Roles: []string{"super_admin"}})
			return forged
		}(), server.Public(), iat, TokenSignature, "signature has failed verification"},
		{"no exp", signRaw(t, server, `{"alg":"Ristretto256","typ":"JWT"}`, `{"address":`+string(addr)+`,"roles":["user"]}`), server.Public(), iat, TokenNoExpiry, "claim `exp` requested during validation is not present in the token"},
		{"float exp", signRaw(t, server, `{"alg":"Ristretto256"}`, `{"exp":1735776000.9,"address":`+string(addr)+`,"roles":[]}`), server.Public(), exp, 0, ""},
		{"roles missing", signRaw(t, server, `{"alg":"Ristretto256"}`, `{"exp":1735776000,"address":`+string(addr)+`}`), server.Public(), iat, TokenClaims, "cannot deserialize claims: missing field `roles` at line 1 column"},
		{"invalid prefix", "invalid" + tok[7:], server.Public(), iat, TokenMalformed, "malformed token header: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := VerifyAccessToken(tc.token, tc.key, tc.now)
			if tc.kind == 0 {
				if err != nil || got.Address != user {
					t.Fatalf("err %v", err)
				}
				return
			}
			var te *TokenError
			if !errors.As(err, &te) || te.Kind != tc.kind || !strings.HasPrefix(te.Error(), tc.text) {
				t.Fatalf("err %v, want kind %d %q", err, tc.kind, tc.text)
			}
			verb := "validating"
			if te.Malformed() {
				verb = "parsing"
			}
			if want := "An error occurred " + verb + " the jwt.\n\t Error: \"" + tc.text; !strings.HasPrefix(te.AccessMessage(), want) {
				t.Fatalf("access message %q, want prefix %q", te.AccessMessage(), want)
			}
		})
	}
}

func TestAccessClaimsHasRoles(t *testing.T) {
	tests := []struct {
		have, need []string
		want       bool
	}{
		{[]string{"user"}, []string{"user"}, true},
		{[]string{"user"}, []string{"user", "write"}, false},
		{[]string{"write", "read_all"}, []string{"read_all", "write"}, true},
		{[]string{"super_admin"}, []string{"write", "payment_wallet"}, true},
		{nil, nil, true},
		{nil, []string{"user"}, false},
	}
	for _, tc := range tests {
		if got := (AccessClaims{Roles: tc.have}).HasRoles(tc.need...); got != tc.want {
			t.Errorf("%v has %v = %v", tc.have, tc.need, got)
		}
	}
}

func TestParseJWTKeys(t *testing.T) {
	const sk = "ea18b1153296a70ab6cf0c9a1c3a0ed9dfe458cacf38b80ee8cf4f6ac918b804"
	const pk = "36dc19141be30e9502693d2605a2118d731acc51711ea064adb2771d7209d554"
	const otherPK = "10c2e78e1bbbe58779eade51cf6d66f26288d934e9eda26fb20c8bcb88825d2a"
	tests := []struct {
		sk, pk, wantErr string
	}{
		{sk, pk, ""},
		{"", pk, "environment variable not found [TPG_JWT_SIGNING_KEY]"},
		{sk, "", "environment variable not found [TPG_JWT_VERIFICATION_KEY]"},
		{"xyz", pk, "Invalid signing key in TPG_JWT_SIGNING_KEY: "},
		{sk, pk[2:], "Invalid verification key in TPG_JWT_VERIFICATION_KEY: "},
		{sk, otherPK, "The verification key does not match the signing key. Check your configuration."},
	}
	for _, tc := range tests {
		keys, err := ParseJWTKeys(tc.sk, tc.pk)
		if tc.wantErr == "" {
			if err != nil || keys.Verification.Hex() != pk || keys.Signing.Public() != keys.Verification {
				t.Errorf("ParseJWTKeys: %v", err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
			t.Errorf("ParseJWTKeys(%q, %q) = %v, want %q", tc.sk, tc.pk, err, tc.wantErr)
		}
	}
	if _, err := ParseJWTKeys(sk, otherPK); !errors.Is(err, ErrJWTKeyMismatch) {
		t.Errorf("mismatch is not ErrJWTKeyMismatch: %v", err)
	}
}
