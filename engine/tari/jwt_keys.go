package tari

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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

// JWTKeyFile returns the access-token keys kept in the file at path,
// making a pair from rand and storing it there (mode 0600) when the file
// does not exist; created says which. The file is one JSON line,
// {"jwt_signing_key":"<hex>","jwt_verification_key":"<hex>"}, the
// variables' values, so an operator can move them into the environment.
// The pair is written to a temporary file in path's directory and linked
// into place, so a reader never sees half a file and two servers starting
// at once end up with the same pair.
func JWTKeyFile(rand io.Reader, path string) (keys JWTKeys, created bool, err error) {
	keys, err = readJWTKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return keys, false, err
	}
	sk, err := NewSecretKey(rand)
	if err != nil {
		return JWTKeys{}, false, err
	}
	keys = JWTKeys{Signing: sk, Verification: sk.Public()}
	f, err := os.CreateTemp(filepath.Dir(path), ".jwt-key-*") // mode 0600
	if err != nil {
		return JWTKeys{}, false, fmt.Errorf("create JWT key file: %w", err)
	}
	defer os.Remove(f.Name())
	line, _ := json.Marshal(jwtKeyFile{Signing: sk.Hex(), Verification: keys.Verification.Hex()})
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return JWTKeys{}, false, fmt.Errorf("write JWT key file: %w", err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		keys, err = readJWTKeyFile(path) // another process stored its pair first
		return keys, false, err
	} else if err != nil {
		return JWTKeys{}, false, fmt.Errorf("store JWT key file: %w", err)
	}
	return keys, true, nil
}

type jwtKeyFile struct {
	Signing      string `json:"jwt_signing_key"`
	Verification string `json:"jwt_verification_key"`
}

func readJWTKeyFile(path string) (JWTKeys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return JWTKeys{}, err
	}
	var f jwtKeyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return JWTKeys{}, fmt.Errorf("JWT key file %s: %w", path, err)
	}
	keys, err := ParseJWTKeys(f.Signing, f.Verification)
	if err != nil {
		return JWTKeys{}, fmt.Errorf("JWT key file %s: %w", path, err)
	}
	return keys, nil
}
