package engine

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Installation is the shop this database serves. The first completed install
// of the embedded admin pins it; TPG_SHOPIFY_SHOP, when set, is the only shop
// that may be pinned. Nothing unpins it: the ledger belongs to that shop.
type Installation struct {
	Shop string // <x>.myshopify.com
	// InstalledBy is the staff user who completed the install; "" for a
	// database pinned by migration 0201 from an earlier install, until the
	// next staff user of the shop opens the admin.
	InstalledBy string
	At          time.Time
}

// StaffMember is a Shopify staff user of the installed shop (the session
// token's sub) and the taripay roles they hold.
type StaffMember struct {
	Shop      string
	User      string
	Roles     []Role // read_all first: every staff user holds it
	Installer bool   // completed the install
	FirstSeen time.Time
}

// StaffRoles are the roles a staff user can be granted beyond read_all.
var StaffRoles = []Role{RoleWrite, RoleSuperAdmin}

// Has reports whether the staff user holds role; super_admin holds every
// role, as it does in an access token.
func (m StaffMember) Has(role Role) bool {
	return slices.Contains(m.Roles, role) || slices.Contains(m.Roles, RoleSuperAdmin)
}

// ErrOtherShop refuses a shop that this database does not serve.
var ErrOtherShop = errors.New("this database serves another shop")

// ErrNotInstalled is returned before the first completed install.
var ErrNotInstalled = errors.New("taripay is not installed yet")

// StaffTx is what the installation and the staff roles need of a
// transaction (db/staff.go); Tx embeds it.
type StaffTx interface {
	Installation(ctx context.Context) (Installation, bool, error)
	// PinShop stores the installation unless one is stored, and reports
	// whether it stored it.
	PinShop(ctx context.Context, in Installation) (bool, error)
	// SetInstaller names the installer of a pin that has none, and reports
	// whether it did.
	SetInstaller(ctx context.Context, user string) (bool, error)
	// AddStaff records a staff user, once.
	AddStaff(ctx context.Context, shop, user string, at time.Time) error
	// StaffMember returns a recorded staff user with the roles they were
	// granted (not read_all); false when the user is not recorded.
	StaffMember(ctx context.Context, shop, user string) (StaffMember, bool, error)
	// StaffMembers lists the recorded staff users of shop by first seen.
	StaffMembers(ctx context.Context, shop string) ([]StaffMember, error)
	GrantStaffRoles(ctx context.Context, shop, user string, roles []Role) error
	RevokeStaffRoles(ctx context.Context, shop, user string, roles []Role) error
}

// otherShop is the refusal of a shop this server does not serve. It does
// not name the shop it serves: the caller is a stranger.
func otherShop(shop string) error {
	return Errorf(EFORBIDDEN, ErrOtherShop,
		"This taripay server serves another Shopify store, so %s cannot use it. Each store needs a taripay server and database of its own.", shop)
}

// checkShop admits the shop this server serves, or any shop allowed by
// TPG_SHOPIFY_SHOP before the first install, and reports whether the
// database is pinned. It is the one place the rule is computed.
func (e *Engine) checkShop(t *txn, shop string) (pinned bool, err error) {
	if e.cfg.Shop != "" && shop != e.cfg.Shop {
		return false, otherShop(shop)
	}
	in, pinned, err := t.Installation(t.ctx)
	if err != nil {
		return false, err
	}
	if pinned && in.Shop != shop {
		return true, otherShop(shop)
	}
	return pinned, nil
}

// Shop is the shop this server serves: TPG_SHOPIFY_SHOP when set, else the
// one the first completed install pinned; "" before that.
func (e *Engine) Shop(ctx context.Context) (string, error) {
	if e.cfg.Shop != "" {
		return e.cfg.Shop, nil
	}
	var shop string
	err := e.view(ctx, func(t *txn) error {
		in, _, err := t.Installation(t.ctx)
		shop = in.Shop
		return err
	})
	return shop, err
}

// CheckShop refuses, with ErrOtherShop, a shop this server does not serve.
// Before the first install every shop TPG_SHOPIFY_SHOP allows passes.
func (e *Engine) CheckShop(ctx context.Context, shop string) error {
	return e.view(ctx, func(t *txn) error {
		_, err := e.checkShop(t, shop)
		return err
	})
}

// Install records a completed install by a staff user of shop: the first one
// pins the database to shop, and its staff user starts with every staff
// role; later ones only record the staff user, who starts read-only. A
// database pinned without an installer (migration 0201) takes this user as
// its installer. Another shop is refused with ErrOtherShop.
func (e *Engine) Install(ctx context.Context, shop, user string) (StaffMember, error) {
	if shop == "" || user == "" {
		return StaffMember{}, Errorf(EINVALID, nil, "An install needs a shop and a staff user")
	}
	var m StaffMember
	err := e.update(ctx, func(t *txn) error {
		pinned, err := e.checkShop(t, shop)
		if err != nil {
			return err
		}
		if err := t.AddStaff(t.ctx, shop, user, t.now); err != nil {
			return err
		}
		var installer bool
		reason := "installer of an install made before staff roles"
		if pinned {
			installer, err = t.SetInstaller(t.ctx, user)
		} else {
			installer, err = t.PinShop(t.ctx, Installation{Shop: shop, InstalledBy: user, At: t.now})
			reason = "pinned by the first completed install"
		}
		switch {
		case err != nil:
			return err
		case installer:
			t.audit("shop", shop, "installed_by", nil, strPtr(user), reason)
			if err := t.GrantStaffRoles(t.ctx, shop, user, StaffRoles); err != nil {
				return err
			}
			t.audit("staff", shop+"/"+user, "roles", nil, strPtr(rolesString(StaffRoles, nil)), "the installer starts with every role")
		case !pinned:
			// a concurrent install pinned the database first, maybe to another shop
			if _, err := e.checkShop(t, shop); err != nil {
				return err
			}
		}
		m, err = t.staffMember(shop, user)
		return err
	})
	return m, err
}

// StaffMember returns a staff user of the installed shop with their current
// roles; one never recorded holds read_all only. Before the first install it
// is ErrNotInstalled, and another shop is ErrOtherShop.
func (e *Engine) StaffMember(ctx context.Context, shop, user string) (StaffMember, error) {
	var m StaffMember
	err := e.view(ctx, func(t *txn) error {
		pinned, err := e.checkShop(t, shop)
		if err != nil {
			return err
		}
		if !pinned {
			return Errorf(EUNCONFIGURED, ErrNotInstalled, "taripay is not installed yet: open it from your Shopify admin")
		}
		m, err = t.staffMember(shop, user)
		return err
	})
	return m, err
}

func (t *txn) staffMember(shop, user string) (StaffMember, error) {
	m, ok, err := t.StaffMember(t.ctx, shop, user)
	if err != nil {
		return m, err
	}
	if !ok {
		m = StaffMember{Shop: shop, User: user}
	}
	m.Roles = append([]Role{RoleReadAll}, m.Roles...)
	return m, nil
}

// StaffMembers lists the staff users of shop who have opened the admin,
// with their roles.
func (e *Engine) StaffMembers(ctx context.Context, shop string) ([]StaffMember, error) {
	var out []StaffMember
	err := e.view(ctx, func(t *txn) error {
		ms, err := t.StaffMembers(t.ctx, shop)
		for _, m := range ms {
			m.Roles = append([]Role{RoleReadAll}, m.Roles...)
			out = append(out, m)
		}
		return err
	})
	return out, err
}

// UpdateStaffRoles grants, then revokes, staff roles of user, on behalf of
// the staff user by, who must hold each role they grant or revoke. The
// shop always keeps a super_admin. The change is audited.
func (e *Engine) UpdateStaffRoles(ctx context.Context, shop, by, user string, grant, revoke []Role) error {
	for _, r := range append(slices.Clone(grant), revoke...) {
		if !slices.Contains(StaffRoles, r) {
			return Errorf(EINVALID, ErrRoleNotAllowed, "Staff can be granted write or super_admin, not %q", r)
		}
	}
	return e.update(ctx, func(t *txn) error {
		if _, err := e.checkShop(t, shop); err != nil {
			return err
		}
		actor, err := t.staffMember(shop, by)
		if err != nil {
			return err
		}
		for _, r := range append(slices.Clone(grant), revoke...) {
			if !actor.Has(r) {
				return Errorf(EFORBIDDEN, ErrRoleNotAllowed, "Only a staff member who holds %s can grant or revoke it.", r)
			}
		}
		if _, ok, err := t.StaffMember(t.ctx, shop, user); err != nil {
			return err
		} else if !ok {
			return Errorf(ENOTFOUND, ErrRoleNotAllowed, "Staff member %s has not opened taripay yet.", user)
		}
		if err := t.GrantStaffRoles(t.ctx, shop, user, grant); err != nil {
			return err
		}
		if err := t.RevokeStaffRoles(t.ctx, shop, user, revoke); err != nil {
			return err
		}
		if len(revoke) > 0 {
			ms, err := t.StaffMembers(t.ctx, shop)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(ms, func(m StaffMember) bool { return m.Has(RoleSuperAdmin) }) {
				return Errorf(ECONFLICT, ErrRoleNotAllowed, "The store must keep at least one staff member with super_admin.")
			}
		}
		t.audit("staff", shop+"/"+user, "roles", nil, strPtr(rolesString(grant, revoke)), "staff roles updated")
		return nil
	})
}
