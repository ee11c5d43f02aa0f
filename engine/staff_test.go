package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"taripay/engine"
)

const (
	shopA = "shop-a.myshopify.com"
	shopB = "shop-b.myshopify.com"
)

func roles(m engine.StaffMember) string {
	var s []string
	for _, r := range m.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, " ")
}

func TestInstallPinsTheDatabaseToOneShop(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		e, ctx := en.e, en.ctx

		// before the first install every shop passes, and no staff is let in
		if err := e.CheckShop(ctx, shopB); err != nil {
			t.Fatalf("before any install: %v", err)
		}
		if _, err := e.StaffMember(ctx, shopA, "1"); !errors.Is(err, engine.ErrNotInstalled) {
			t.Fatalf("staff before the install: %v", err)
		}
		if shop, err := e.Shop(ctx); err != nil || shop != "" {
			t.Fatalf("Shop() before the install = %q, %v", shop, err)
		}

		// the first completed install pins shop A; its staff user holds every role
		first, err := e.Install(ctx, shopA, "1")
		if err != nil || roles(first) != "read_all super_admin write" || !first.Installer {
			t.Fatalf("installer = %+v, %v", first, err)
		}
		if shop, err := e.Shop(ctx); err != nil || shop != shopA {
			t.Fatalf("Shop() = %q, %v", shop, err)
		}
		// later staff users start read-only; a second launch changes nothing
		for range 2 {
			if m, err := e.Install(ctx, shopA, "2"); err != nil || roles(m) != "read_all" || m.Installer {
				t.Fatalf("second staff user = %+v, %v", m, err)
			}
		}
		if m, err := e.Install(ctx, shopA, "1"); err != nil || roles(m) != "read_all super_admin write" {
			t.Fatalf("installer again = %+v, %v", m, err)
		}

		// another shop gets nothing, whatever it calls
		err = e.CheckShop(ctx, shopB)
		if !errors.Is(err, engine.ErrOtherShop) || engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Fatalf("CheckShop(B) = %v", err)
		}
		if msg := err.Error(); !strings.Contains(msg, shopB) || strings.Contains(msg, shopA) {
			t.Fatalf("the refusal %q must name the caller's shop, not the one served", msg)
		}
		if _, err := e.Install(ctx, shopB, "1"); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("Install(B) = %v", err)
		}
		if _, err := e.StaffMember(ctx, shopB, "1"); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("StaffMember(B) = %v", err)
		}
		if err := e.UpdateStaffRoles(ctx, shopB, "1", "1", []engine.Role{engine.RoleWrite}, nil); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("UpdateStaffRoles(B) = %v", err)
		}
		if err := e.CheckShop(ctx, shopA); err != nil {
			t.Fatalf("CheckShop(A) = %v", err)
		}

		trail, err := e.Audit(ctx, "shop", shopA)
		if err != nil || len(trail) != 1 || *trail[0].NewValue != "1" {
			t.Fatalf("install audit = %+v, %v", trail, err)
		}
	})
}

func TestConfiguredShopIsTheOnlyOneThatInstalls(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		cfg := defaultConfig
		cfg.Shop = shopA
		en := newEnv(t, backend, cfg)
		if shop, err := en.e.Shop(en.ctx); err != nil || shop != shopA {
			t.Fatalf("Shop() = %q, %v", shop, err)
		}
		if _, err := en.e.Install(en.ctx, shopB, "1"); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("Install(B) = %v", err)
		}
		if err := en.e.CheckShop(en.ctx, shopB); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("CheckShop(B) = %v", err)
		}
		if m, err := en.e.Install(en.ctx, shopA, "1"); err != nil || !m.Installer {
			t.Fatalf("Install(A) = %+v, %v", m, err)
		}
	})
}

func TestStaffRolesNeedTheRolesTheyGrant(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		e := en.e
		ctx := engine.WithActor(en.ctx, "admin:"+shopA+"/1")
		for _, u := range []string{"1", "2", "3"} {
			if _, err := e.Install(ctx, shopA, u); err != nil {
				t.Fatal(err)
			}
		}
		write, super := []engine.Role{engine.RoleWrite}, []engine.Role{engine.RoleSuperAdmin}
		steps := []struct {
			name          string
			by, user      string
			grant, revoke []engine.Role
			code          string // "" for success
		}{
			{"a read-only user grants nothing", "2", "2", write, nil, engine.EFORBIDDEN},
			{"a read-only user revokes nothing", "2", "1", nil, write, engine.EFORBIDDEN},
			{"the installer grants write", "1", "2", write, nil, ""},
			{"write grants write", "2", "3", write, nil, ""},
			{"write does not grant super_admin", "2", "2", super, nil, engine.EFORBIDDEN},
			{"write revokes write", "2", "3", nil, write, ""},
			{"only staff who opened taripay", "1", "99", write, nil, engine.ENOTFOUND},
			{"not a staff role", "1", "2", []engine.Role{engine.RolePaymentWallet}, nil, engine.EINVALID},
			{"the last super_admin stays", "1", "1", nil, super, engine.ECONFLICT},
			{"super_admin grants super_admin", "1", "3", super, nil, ""},
			{"then the installer may step down", "1", "1", nil, super, ""},
			{"and holds write only", "1", "2", super, nil, engine.EFORBIDDEN},
		}
		for _, s := range steps {
			err := e.UpdateStaffRoles(ctx, shopA, s.by, s.user, s.grant, s.revoke)
			if s.code == "" && err != nil || s.code != "" && engine.ErrorCode(err) != s.code {
				t.Fatalf("%s: %v, want code %q", s.name, err, s.code)
			}
		}
		want := map[string]string{"1": "read_all write", "2": "read_all write", "3": "read_all super_admin"}
		members, err := e.StaffMembers(ctx, shopA)
		if err != nil || len(members) != 3 {
			t.Fatalf("members = %+v, %v", members, err)
		}
		for _, m := range members {
			if roles(m) != want[m.User] || m.Installer != (m.User == "1") {
				t.Errorf("staff %s = %+v, want roles %q", m.User, m, want[m.User])
			}
		}
		trail, err := e.Audit(ctx, "staff", shopA+"/3")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range trail {
			got = append(got, a.Actor+" "+*a.NewValue)
		}
		wantTrail := []string{
			"admin:" + shopA + "/1 grant: write; revoke:",
			"admin:" + shopA + "/1 grant:; revoke: write",
			"admin:" + shopA + "/1 grant: super_admin; revoke:",
		}
		if !slices.Equal(got, wantTrail) {
			t.Fatalf("audit of staff 3:\n%q\nwant\n%q", got, wantTrail)
		}
	})
}

// A database installed before staff roles is pinned by migration 0201 to
// the shop of its one stored token, with no installer: the next staff user
// of that shop to open the admin becomes it.
func TestInstallerOfAnEarlierInstall(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		if _, err := en.db.Bun().ExecContext(en.ctx, "INSERT INTO installation (id, shop, installed_by, installed_at) VALUES (1, ?, '', ?)", shopA, en.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.Install(en.ctx, shopB, "7"); !errors.Is(err, engine.ErrOtherShop) {
			t.Fatalf("another shop: %v", err)
		}
		if m, err := en.e.Install(en.ctx, shopA, "7"); err != nil || !m.Installer || roles(m) != "read_all super_admin write" {
			t.Fatalf("first staff user after the upgrade = %+v, %v", m, err)
		}
		if m, err := en.e.Install(en.ctx, shopA, "8"); err != nil || m.Installer || roles(m) != "read_all" {
			t.Fatalf("second = %+v, %v", m, err)
		}
	})
}
