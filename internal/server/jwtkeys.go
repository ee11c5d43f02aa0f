package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"taripay/app/config"
	"taripay/engine/tari"
)

// jwtKeys returns the configured access-token keys, or else the pair kept
// in the data directory, made on the first start: tokens then survive a
// restart, which the reference's random key for each session did not.
func jwtKeys(cfg config.Config, log *slog.Logger) (tari.JWTKeys, error) {
	if cfg.JWTKeys != nil {
		return *cfg.JWTKeys, nil
	}
	path := cfg.JWTKeyFile()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return tari.JWTKeys{}, fmt.Errorf("data directory for the JWT key: %w", err)
	}
	keys, created, err := jwtKeyFile(rand.Reader, path)
	if err != nil {
		return tari.JWTKeys{}, fmt.Errorf("JWT signing key (set TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY, or fix the file): %w", err)
	}
	if created {
		log.Warn("TPG_JWT_SIGNING_KEY is unset: made a JWT signing key and stored it for the next starts; set TPG_JWT_SIGNING_KEY and TPG_JWT_VERIFICATION_KEY from it in production", "file", path)
	} else {
		log.Info("TPG_JWT_SIGNING_KEY is unset: using the stored JWT signing key", "file", path)
	}
	return keys, nil
}

// jwtKeyFile returns the access-token keys kept in the file at path,
// making a pair from rand and storing it there (mode 0600) when the file
// does not exist; created says which. The file is one JSON line,
// {"jwt_signing_key":"<hex>","jwt_verification_key":"<hex>"}, the
// variables' values, so an operator can move them into the environment.
// The pair is written to a temporary file in path's directory and linked
// into place, so a reader never sees half a file and two servers starting
// at once end up with the same pair.
func jwtKeyFile(rand io.Reader, path string) (keys tari.JWTKeys, created bool, err error) {
	keys, err = readJWTKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return keys, false, err
	}
	sk, err := tari.NewSecretKey(rand)
	if err != nil {
		return tari.JWTKeys{}, false, err
	}
	keys = tari.JWTKeys{Signing: sk, Verification: sk.Public()}
	f, err := os.CreateTemp(filepath.Dir(path), ".jwt-key-*") // mode 0600
	if err != nil {
		return tari.JWTKeys{}, false, fmt.Errorf("create JWT key file: %w", err)
	}
	defer os.Remove(f.Name())
	line, _ := json.Marshal(jwtKeyLine{Signing: sk.Hex(), Verification: keys.Verification.Hex()})
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tari.JWTKeys{}, false, fmt.Errorf("write JWT key file: %w", err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		keys, err = readJWTKeyFile(path) // another process stored its pair first
		return keys, false, err
	} else if err != nil {
		return tari.JWTKeys{}, false, fmt.Errorf("store JWT key file: %w", err)
	}
	return keys, true, nil
}

// jwtKeyLine is the key file's one line.
type jwtKeyLine struct {
	Signing      string `json:"jwt_signing_key"`
	Verification string `json:"jwt_verification_key"`
}

func readJWTKeyFile(path string) (tari.JWTKeys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return tari.JWTKeys{}, err
	}
	var f jwtKeyLine
	if err := json.Unmarshal(data, &f); err != nil {
		return tari.JWTKeys{}, fmt.Errorf("JWT key file %s: %w", path, err)
	}
	keys, err := tari.ParseJWTKeys(f.Signing, f.Verification)
	if err != nil {
		return tari.JWTKeys{}, fmt.Errorf("JWT key file %s: %w", path, err)
	}
	return keys, nil
}
