package tari

import (
	"errors"
	"fmt"
)

// ErrJWTKeyMismatch is the reference's text when TPG_JWT_VERIFICATION_KEY
// is not TPG_JWT_SIGNING_KEY·G.
var ErrJWTKeyMismatch = errors.New("The verification key does not match the signing key. Check your configuration.")

// JWTKeys is the server's access-token key pair.
type JWTKeys struct {
	Signing      SecretKey
	Verification PublicKey
}

// ParseJWTKeys checks the TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY
// values. An empty string counts as unset. Error texts follow the reference's
// ConfigurationError payloads.
func ParseJWTKeys(signingHex, verificationHex string) (JWTKeys, error) {
	if signingHex == "" {
		return JWTKeys{}, errors.New("environment variable not found [TPG_JWT_SIGNING_KEY]")
	}
	if verificationHex == "" {
		return JWTKeys{}, errors.New("environment variable not found [TPG_JWT_VERIFICATION_KEY]")
	}
	sk, err := ParseSecretKey(signingHex)
	if err != nil {
		return JWTKeys{}, fmt.Errorf("Invalid signing key in TPG_JWT_SIGNING_KEY: %w", err)
	}
	vk, err := ParsePublicKey(verificationHex)
	if err != nil {
		return JWTKeys{}, fmt.Errorf("Invalid verification key in TPG_JWT_VERIFICATION_KEY: %w", err)
	}
	if sk.Public() != vk {
		return JWTKeys{}, ErrJWTKeyMismatch
	}
	return JWTKeys{Signing: sk, Verification: vk}, nil
}
