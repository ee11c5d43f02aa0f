package engine

import (
	"context"
	"slices"
	"time"
)

// PruneLoginNonces forgets the stored login nonces that are times more than
// LoginNonceLifetime ago: Login refuses every token they could stop, and
// each login with a new key adds one. It reports how many it removed.
func (e *Engine) PruneLoginNonces(ctx context.Context) (int, error) {
	var n int
	err := e.update(ctx, func(t *txn) (err error) {
		n, err = t.PruneLoginNonces(t.ctx, t.now.Add(-LoginNonceLifetime))
		return err
	})
	return n, err
}

var knownRoles = []Role{RoleUser, RoleReadAll, RoleWrite, RolePaymentWallet, RoleSuperAdmin}

func checkRoles(roles []Role) error {
	for _, r := range roles {
		if !slices.Contains(knownRoles, r) {
			return Errorf(EINVALID, ErrRoleNotAllowed, "Unknown role %q", r)
		}
	}
	return nil
}

// LoginNonceLifetime is how long a login token whose nonce is a Unix time
// (taritools signs the time in seconds) stays usable: an older one is
// refused, so its address's stored nonce can be pruned (PruneLoginNonces)
// without letting the token be replayed.
const LoginNonceLifetime = 24 * time.Hour

// nonceTime reads a login nonce as the Unix time it holds: seconds from 10⁹
// to 10¹⁰, milliseconds from 10¹² to 10¹³ (2001 to 2286). Other nonces are
// counters, which never expire.
func nonceTime(nonce int64) (time.Time, bool) {
	switch {
	case nonce >= 1e9 && nonce < 1e10:
		return time.Unix(nonce, 0), true
	case nonce >= 1e12 && nonce < 1e13:
		return time.UnixMilli(nonce), true
	}
	return time.Time{}, false
}

// Login consumes a login nonce (strictly increasing per address; an unseen
// address is created) and checks that every requested role is held. The
// nonce is burned even when the role check then fails. A nonce that is a
// time more than LoginNonceLifetime ago is refused, and burns nothing.
func (e *Engine) Login(ctx context.Context, address string, nonce int64, roles []Role) error {
	if address == "" {
		return Errorf(EINVALID, ErrInvalidNonce, "A login needs an address")
	}
	if at, ok := nonceTime(nonce); ok && at.Before(e.now().Add(-LoginNonceLifetime)) {
		return Errorf(EUNAUTHORIZED, ErrInvalidNonce, "The login token's nonce is a time more than %s ago: sign a new one", LoginNonceLifetime)
	}
	var missing int
	err := e.update(ctx, func(t *txn) error {
		ok, err := t.SetLoginNonce(t.ctx, address, nonce, t.now)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(EUNAUTHORIZED, ErrInvalidNonce, "The login token's nonce is not newer than the last one")
		}
		held, err := t.Roles(t.ctx, address)
		if err != nil {
			return err
		}
		// As the reference counts it: requested non-user roles minus the
		// distinct held ones among them (duplicates inflate the count).
		requested, matched := 0, 0
		for _, r := range roles {
			if r != RoleUser {
				requested++
			}
		}
		for _, h := range held {
			if slices.Contains(roles, h) {
				matched++
			}
		}
		missing = requested - matched
		return nil
	})
	if err != nil {
		return err
	}
	if missing > 0 {
		return Errorf(EFORBIDDEN, ErrRoleNotAllowed, "%d of the requested roles are not held", missing)
	}
	return nil
}

// Roles returns the address's roles, user first (every address holds it).
func (e *Engine) Roles(ctx context.Context, address string) ([]Role, error) {
	var out []Role
	err := e.view(ctx, func(t *txn) error {
		held, err := t.Roles(t.ctx, address)
		out = append([]Role{RoleUser}, held...)
		return err
	})
	return out, err
}

// UpdateRoles grants, then revokes; the implicit user role is never stored.
func (e *Engine) UpdateRoles(ctx context.Context, address string, grant, revoke []Role) error {
	if address == "" {
		return Errorf(EINVALID, ErrRoleNotAllowed, "A role update needs an address")
	}
	if err := checkRoles(grant); err != nil {
		return err
	}
	if err := checkRoles(revoke); err != nil {
		return err
	}
	notUser := func(r Role) bool { return r == RoleUser }
	grant = slices.DeleteFunc(slices.Clone(grant), notUser)
	revoke = slices.DeleteFunc(slices.Clone(revoke), notUser)
	return e.update(ctx, func(t *txn) error {
		if err := t.GrantRoles(t.ctx, address, grant); err != nil {
			return err
		}
		if err := t.RevokeRoles(t.ctx, address, revoke); err != nil {
			return err
		}
		t.audit("roles", address, "roles", nil, strPtr(rolesString(grant, revoke)), "roles updated")
		return nil
	})
}

func rolesString(grant, revoke []Role) string {
	s := "grant:"
	for _, r := range grant {
		s += " " + string(r)
	}
	s += "; revoke:"
	for _, r := range revoke {
		s += " " + string(r)
	}
	return s
}

// AuthorizeWallet adds or replaces a hot wallet (its IP and starting nonce).
func (e *Engine) AuthorizeWallet(ctx context.Context, w Wallet) error {
	if w.Address == "" {
		return Errorf(EINVALID, ErrWalletNotFound, "A wallet needs an address")
	}
	w.LastSeen = nil
	return e.update(ctx, func(t *txn) error {
		if err := t.UpsertWallet(t.ctx, w); err != nil {
			return err
		}
		t.audit("wallet", w.Address, "ip_address", nil, &w.IPAddress, "wallet authorised")
		return nil
	})
}

// RevokeWallet removes a hot wallet; an unknown one is ErrWalletNotFound.
func (e *Engine) RevokeWallet(ctx context.Context, address string) error {
	return e.update(ctx, func(t *txn) error {
		ok, err := t.DeleteWallet(t.ctx, address)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, ErrWalletNotFound, "Wallet %s is not authorised", address)
		}
		t.audit("wallet", address, "ip_address", nil, nil, "wallet revoked")
		return nil
	})
}

// Wallets lists the authorised hot wallets by address.
func (e *Engine) Wallets(ctx context.Context) ([]Wallet, error) {
	var out []Wallet
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Wallets(t.ctx)
		return err
	})
	return out, err
}

// Wallet returns an authorised wallet, or ErrWalletNotFound.
func (e *Engine) Wallet(ctx context.Context, address string) (Wallet, error) {
	var out Wallet
	err := e.view(ctx, func(t *txn) error {
		w, ok, err := t.Wallet(t.ctx, address)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, ErrWalletNotFound, "Wallet %s is not authorised", address)
		}
		out = w
		return nil
	})
	return out, err
}
