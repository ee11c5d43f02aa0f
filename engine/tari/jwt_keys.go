package tari

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrJWTKeyMismatch is the reference's text when TPG_JWT_VERIFICATION_KEY
// is not TPG_JWT_SIGNING_KEY·G.
var ErrJWTKeyMismatch = errors.New("The verification key does not match the signing key. Check your configuration.")

// The reference's warnings around the random key fallback (docs/api.md, "Configuration").
// The caller logs them; format the %s verbs with the error and the path.
const (
	WarnJWTKeysFromEnv = "Could not load the authentication configuration from environment variables. %s. Reverting to the default configuration."
	WarnJWTRandomKey   = "🚨️🚨️🚨️ The JWT signing key has not been set. I'm using a random value for this session.DO NOT operate on production like this since you may lose access to data. 🚨️🚨️🚨️"
	WarnJWTKeyFile     = "🚨️🚨️🚨️ The JWT signing key for this session was written to %s. If this is a production instance, you are doing it wrong! Set the TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY environment variables instead. 🚨️🚨️🚨️"
	WarnJWTKeyNoFile   = "🪛️ Could not write the JWT signing key to the temporary file. %s"
	WarnJWTKeyNoTemp   = "🪛️ Could not create a temporary file to store the JWT signing key. "
)

// JWTKeys is the server's access-token key pair.
type JWTKeys struct {
	Signing      SecretKey
	Verification PublicKey
}

// ParseJWTKeys checks the TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY
// values. An empty string counts as unset. Error texts follow the reference's
// ConfigurationError payloads; it prefixes them with "Invalid server
// configuration. " when it logs WarnJWTKeysFromEnv.
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

// RandomJWTKeys makes a fresh pair from rand and writes it to a new file in
// dir (os.TempDir() when empty) as one JSON line
// {"jwt_signing_key":"<hex>","jwt_verification_key":"<hex>"}, so an
// operator can recover tokens issued this session. It returns the path. On
// an error the keys are still usable: the caller logs WarnJWTKeyNoTemp when
// the path is empty (the file could not be created) and WarnJWTKeyNoFile
// otherwise.
func RandomJWTKeys(rand io.Reader, dir string) (JWTKeys, string, error) {
	sk, err := NewSecretKey(rand)
	if err != nil {
		return JWTKeys{}, "", err
	}
	keys := JWTKeys{Signing: sk, Verification: sk.Public()}
	f, err := os.CreateTemp(dir, ".tmp")
	if err != nil {
		return keys, "", fmt.Errorf("create JWT key file: %w", err)
	}
	line := `{"jwt_signing_key":"` + sk.Hex() + `","jwt_verification_key":"` + keys.Verification.Hex() + "\"}\n"
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return keys, f.Name(), fmt.Errorf("write JWT key file: %w", err)
	}
	return keys, f.Name(), nil
}
