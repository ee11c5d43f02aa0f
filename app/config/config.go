// Package config reads taripay's TPG_* settings once, at start, into a typed
// Config. The variables and their defaults are the reference's plus
// taripay's own (README, docs/), except that TPG_PAYMENT_WALLET_ADDRESS has no
// default (the reference falls back on its developers' address); where the
// reference silently falls back on an unreadable value, Load fails instead,
// naming the variable and what it expects.
package config

import (
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"taripay/app/shopify"
	"taripay/engine"
	"taripay/engine/tari"
)

// Defaults, as in the reference unless docs/design.md says otherwise.
const (
	DefaultHost                  = "127.0.0.1"
	DefaultPort                  = 8360
	DefaultDatabaseURL           = "sqlite://data/taripay.db"
	DefaultMaxConnections        = 25
	DefaultUnclaimedOrderTimeout = 2 * time.Hour
	DefaultUnpaidOrderTimeout    = 48 * time.Hour
	DefaultExpiryInterval        = time.Minute
	DefaultTrustedProxyHops      = 1
	// DefaultMaxConnsPerIP is more than a browser or a hot wallet opens,
	// and few enough that clients that never read their replies cannot pin
	// the server's memory (docs/security.md, resource limits).
	DefaultMaxConnsPerIP = 64
)

// Config is every setting the server reads from the environment.
type Config struct {
	Host           string // TPG_HOST
	Port           uint16 // TPG_PORT
	DatabaseURL    string // TPG_DATABASE_URL: sqlite://path or postgres://…
	MaxConnections int    // TPG_MAX_CONNECTIONS

	// JWTKeys signs and verifies access tokens; nil when neither
	// TPG_JWT_SIGNING_KEY nor TPG_JWT_VERIFICATION_KEY is set, in which case
	// the server keeps a pair of its own in JWTKeyFile.
	JWTKeys *tari.JWTKeys

	// PaymentWallet is TPG_PAYMENT_WALLET_ADDRESS, or the zero Address when
	// unset. Unlike the reference, there is no default: see
	// engine.Engine.PaymentAddress.
	PaymentWallet tari.Address

	StrictMode       bool // TPG_STRICT_MODE
	UseXForwardedFor bool // TPG_USE_X_FORWARDED_FOR
	UseForwarded     bool // TPG_USE_FORWARDED
	// TrustedProxyHops is how many proxies of ours append to those headers
	// (TPG_TRUSTED_PROXY_HOPS): the caller's IP is that many entries from
	// the right (api.IPResolver).
	TrustedProxyHops int
	// MaxConnsPerIP caps the open connections from one TCP peer
	// (TPG_MAX_CONNS_PER_IP); 0 is no cap.
	MaxConnsPerIP             int
	DisableWalletWhitelist    bool // TPG_DISABLE_WALLET_WHITELIST
	DisableMemoSignatureCheck bool // TPG_DISABLE_MEMO_SIGNATURE_CHECK
	OrderIDFieldName          bool // TPG_SHOPIFY_ORDER_ID_FIELD=name

	UnclaimedOrderTimeout time.Duration // TPG_UNCLAIMED_ORDER_TIMEOUT
	UnpaidOrderTimeout    time.Duration // TPG_UNPAID_ORDER_TIMEOUT
	ExpiryInterval        time.Duration // TPG_EXPIRY_INTERVAL
	ClaimLinkSecret       string        // TPG_CLAIM_LINK_SECRET: keys the order-email pay links (docs/claim-link.md)
	// PublicURL is TPG_PUBLIC_URL, the server's public origin
	// (https://pay.example.com): pay links written onto Shopify orders and
	// given to the checkout extension start with it (docs/shopify-setup.md).
	PublicURL string
	// UnderpaymentTolerance is TPG_UNDERPAYMENT_TOLERANCE, a percentage
	// from 0 (the default) to 5: how short of its total an order may be
	// paid, the shortfall written off (docs/money.md).
	UnderpaymentTolerance engine.Tolerance

	// SuperAdmins are granted super_admin at every start (TPG_SUPER_ADMIN).
	SuperAdmins []tari.Address

	// ShopifyAPIKey and ShopifyAPISecret are the app's client id and secret
	// (TPG_SHOPIFY_API_KEY, TPG_SHOPIFY_API_SECRET); the embedded admin
	// verifies session tokens with them and is off without them.
	ShopifyAPIKey    string
	ShopifyAPISecret string

	// Shopify holds the TPG_SHOPIFY_* settings; ShopifyEnabled is false when
	// none is set, and the server then runs without Shopify.
	Shopify        shopify.Config
	ShopifyEnabled bool
}

// Engine returns the engine's part of the configuration.
func (c Config) Engine() engine.Config {
	return engine.Config{
		StrictMode:            c.StrictMode,
		DisableMemoSignature:  c.DisableMemoSignatureCheck,
		OrderIDFieldName:      c.OrderIDFieldName,
		UnclaimedOrderTimeout: c.UnclaimedOrderTimeout,
		UnpaidOrderTimeout:    c.UnpaidOrderTimeout,
		PaymentAddress:        c.PaymentWallet,
		Shop:                  c.Shopify.Shop,
		UnderpaymentTolerance: c.UnderpaymentTolerance,
	}
}

// DataDir is where the server keeps its files: the SQLite database's
// directory, or data (relative to the working directory) with PostgreSQL.
func (c Config) DataDir() string {
	if path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite://"); ok {
		path, _, _ = strings.Cut(path, "?")
		return filepath.Dir(path)
	}
	return "data"
}

// JWTKeyFile is where the server keeps the access-token keys it made when
// TPG_JWT_SIGNING_KEY is unset.
func (c Config) JWTKeyFile() string {
	return filepath.Join(c.DataDir(), "jwt-signing-key.json")
}

// Addr is the listen address, host:port.
func (c Config) Addr() string {
	return netJoin(c.Host, c.Port)
}

func netJoin(host string, port uint16) string {
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(int(port))
}

// An Error names the variable whose value cannot be used and what it takes.
type Error struct {
	Var    string
	Value  string
	Expect string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s=%q: expected %s", e.Var, e.Value, e.Expect)
}

// LookupEnv returns the process environment overlaid on the .env file at
// path: variables already set in the environment win, as with dotenvy in
// the reference. A missing file is not an error.
func LookupEnv(path string) (func(string) (string, bool), error) {
	file, err := godotenv.Read(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return func(key string) (string, bool) {
		if v, ok := os.LookupEnv(key); ok {
			return v, true
		}
		v, ok := file[key]
		return v, ok
	}, nil
}

// Load parses the configuration from lookupEnv (os.LookupEnv, LookupEnv's
// result, or a test map). An unset or empty variable takes its default.
func Load(lookupEnv func(string) (string, bool)) (Config, error) {
	p := parser{lookup: lookupEnv}
	c := Config{
		Host:                      p.str("TPG_HOST", DefaultHost),
		Port:                      uint16(p.integer("TPG_PORT", DefaultPort, 1, math.MaxUint16)),
		DatabaseURL:               p.databaseURL("TPG_DATABASE_URL"),
		MaxConnections:            int(p.integer("TPG_MAX_CONNECTIONS", DefaultMaxConnections, 1, math.MaxUint32)),
		JWTKeys:                   p.jwtKeys("TPG_JWT_SIGNING_KEY", "TPG_JWT_VERIFICATION_KEY"),
		PaymentWallet:             p.address("TPG_PAYMENT_WALLET_ADDRESS"),
		StrictMode:                p.flag("TPG_STRICT_MODE", true),
		UseXForwardedFor:          p.flag("TPG_USE_X_FORWARDED_FOR", false),
		UseForwarded:              p.flag("TPG_USE_FORWARDED", false),
		TrustedProxyHops:          int(p.integer("TPG_TRUSTED_PROXY_HOPS", DefaultTrustedProxyHops, 1, 16)),
		MaxConnsPerIP:             int(p.integer("TPG_MAX_CONNS_PER_IP", DefaultMaxConnsPerIP, 0, 1_000_000)),
		DisableWalletWhitelist:    p.flag("TPG_DISABLE_WALLET_WHITELIST", false),
		DisableMemoSignatureCheck: p.flag("TPG_DISABLE_MEMO_SIGNATURE_CHECK", false),
		OrderIDFieldName:          p.orderIDField("TPG_SHOPIFY_ORDER_ID_FIELD"),
		UnclaimedOrderTimeout:     p.timeout("TPG_UNCLAIMED_ORDER_TIMEOUT", DefaultUnclaimedOrderTimeout),
		UnpaidOrderTimeout:        p.timeout("TPG_UNPAID_ORDER_TIMEOUT", DefaultUnpaidOrderTimeout),
		ExpiryInterval:            p.interval("TPG_EXPIRY_INTERVAL", DefaultExpiryInterval),
		SuperAdmins:               p.addresses("TPG_SUPER_ADMIN"),
		ClaimLinkSecret:           p.str("TPG_CLAIM_LINK_SECRET", ""),
		PublicURL:                 p.origin("TPG_PUBLIC_URL"),
		UnderpaymentTolerance:     p.tolerance("TPG_UNDERPAYMENT_TOLERANCE"),
		ShopifyAPIKey:             p.str("TPG_SHOPIFY_API_KEY", ""),
		ShopifyAPISecret:          p.str("TPG_SHOPIFY_API_SECRET", ""),
	}
	if p.err != nil {
		return Config{}, p.err
	}
	if shopifySet(lookupEnv) {
		sc, err := shopify.LoadConfig(lookupEnv)
		if err != nil {
			return Config{}, err
		}
		c.Shopify, c.ShopifyEnabled = sc, true
	}
	return c, nil
}

// shopifySet reports whether any TPG_SHOPIFY_* variable is set.
func shopifySet(lookupEnv func(string) (string, bool)) bool {
	for _, k := range shopifyVars {
		if _, ok := lookupEnv(k); ok {
			return true
		}
	}
	return false
}

var shopifyVars = []string{
	"TPG_SHOPIFY_SHOP", "TPG_SHOPIFY_API_VERSION", "TPG_SHOPIFY_API_BASE_URL", "TPG_SHOPIFY_ADMIN_ACCESS_TOKEN",
	"TPG_SHOPIFY_API_KEY", "TPG_SHOPIFY_API_SECRET", "TPG_SHOPIFY_HMAC_SECRET", "TPG_SHOPIFY_HMAC_CHECKS",
	"TPG_SHOPIFY_IP_WHITELIST", "TPG_SHOPIFY_PRICE_FIELD", "TPG_SHOPIFY_CAPTURE_PAYMENTS", "TPG_SHOPIFY_RESTOCK",
	"TPG_SHOPIFY_PAYMENT_METHOD",
}

// parser keeps the first error so Load reads as a list of fields.
type parser struct {
	lookup func(string) (string, bool)
	err    error
}

func (p *parser) get(key string) string {
	v, _ := p.lookup(key)
	return strings.TrimSpace(v)
}

func (p *parser) fail(key, value, expect string) {
	if p.err == nil {
		p.err = &Error{Var: key, Value: value, Expect: expect}
	}
}

func (p *parser) str(key, def string) string {
	if v := p.get(key); v != "" {
		return v
	}
	return def
}

// origin reads an http(s) origin with no path, query or fragment; a
// trailing slash is dropped. Unset is "".
func (p *parser) origin(key string) string {
	v := strings.TrimSuffix(p.get(key), "/")
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		p.fail(key, v, "an http(s) origin such as https://pay.example.com")
		return ""
	}
	return v
}

func (p *parser) integer(key string, def, lo, hi int64) int64 {
	v := p.get(key)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		p.fail(key, v, fmt.Sprintf("an integer from %d to %d", lo, hi))
		return def
	}
	return n
}

// tolerance reads a percentage from 0 to 5 (engine.ParseTolerance); unset is 0.
func (p *parser) tolerance(key string) engine.Tolerance {
	v := p.get(key)
	if v == "" {
		return 0
	}
	tol, err := engine.ParseTolerance(v)
	if err != nil {
		p.fail(key, v, "a percentage from 0 to 5 with at most 4 decimals, such as 0.5 or 2")
		return 0
	}
	return tol
}

// flag reads the reference's boolean syntax (docs/api.md, "Configuration").
func (p *parser) flag(key string, def bool) bool {
	v := p.get(key)
	switch strings.ToLower(v) {
	case "":
		return def
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	p.fail(key, v, "one of 1, true, yes, on, 0, false, no, off")
	return def
}

func (p *parser) databaseURL(key string) string {
	v := p.str(key, DefaultDatabaseURL)
	switch {
	case strings.HasPrefix(v, "sqlite://") && len(v) > len("sqlite://"),
		strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		return v
	}
	p.fail(key, v, "sqlite://<path> or postgres://…")
	return v
}

func (p *parser) address(key string) tari.Address {
	v := p.get(key)
	if v == "" {
		return tari.Address{}
	}
	a, err := tari.ParseAddress(v)
	if err != nil {
		p.fail(key, v, "a Tari address (base58, emoji or hex)")
	}
	return a
}

func (p *parser) addresses(key string) []tari.Address {
	v := p.get(key)
	var out []tari.Address
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		a, err := tari.ParseAddress(s)
		if err != nil {
			p.fail(key, v, "comma-separated Tari addresses")
			return nil
		}
		out = append(out, a)
	}
	return out
}

func (p *parser) orderIDField(key string) bool {
	v := p.get(key)
	switch strings.ToLower(v) {
	case "", "id":
		return false
	case "name":
		return true
	}
	p.fail(key, v, "id or name")
	return false
}

// timeout reads whole hours, as the reference does, or a Go duration.
func (p *parser) timeout(key string, def time.Duration) time.Duration {
	v := p.get(key)
	if v == "" {
		return def
	}
	if h, err := strconv.ParseInt(v, 10, 64); err == nil && h >= 0 && h <= math.MaxInt64/int64(time.Hour) {
		return time.Duration(h) * time.Hour
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d
	}
	p.fail(key, v, "whole hours (e.g. 48) or a Go duration (e.g. 90s), not negative")
	return def
}

func (p *parser) interval(key string, def time.Duration) time.Duration {
	v := p.get(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(key, v, "a positive Go duration (e.g. 1m, 250ms)")
		return def
	}
	return d
}

// jwtKeys parses the access-token key pair. Both unset means "make a random
// pair"; one set without the other, or a bad or mismatched pair, fails.
func (p *parser) jwtKeys(signingKey, verificationKey string) *tari.JWTKeys {
	s, v := p.get(signingKey), p.get(verificationKey)
	if s == "" && v == "" {
		return nil
	}
	if s == "" {
		p.fail(signingKey, s, "a 64-hex secret key, set together with "+verificationKey)
		return nil
	}
	if v == "" {
		p.fail(verificationKey, v, "the 64-hex public key of "+signingKey)
		return nil
	}
	k, err := tari.ParseJWTKeys(s, v)
	if err != nil {
		if _, serr := tari.ParseSecretKey(s); serr != nil {
			p.fail(signingKey, "(secret)", "a 64-hex canonical Ristretto secret key")
		} else {
			p.fail(verificationKey, v, "the 64-hex public key of "+signingKey+" ("+err.Error()+")")
		}
		return nil
	}
	return &k
}
