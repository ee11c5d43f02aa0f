package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// The shop this database serves and the admin's staff roles
// (engine/staff.go), migration 0201_staff.

type installation struct {
	bun.BaseModel `bun:"table:installation"`

	ID          int       `bun:"id,pk"`
	Shop        string    `bun:"shop"`
	InstalledBy string    `bun:"installed_by"`
	InstalledAt time.Time `bun:"installed_at"`
}

type staffRow struct {
	bun.BaseModel `bun:"table:staff"`

	Shop      string    `bun:"shop,pk"`
	UserID    string    `bun:"user_id,pk"`
	FirstSeen time.Time `bun:"first_seen"`
}

func (s *store) Installation(ctx context.Context) (engine.Installation, bool, error) {
	var in installation
	err := s.idb.NewSelect().Model(&in).Where("id = 1").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Installation{}, false, nil
	}
	if err != nil {
		return engine.Installation{}, false, fmt.Errorf("read the installation: %w", err)
	}
	return engine.Installation{Shop: in.Shop, InstalledBy: in.InstalledBy, At: in.InstalledAt}, true, nil
}

func (s *store) PinShop(ctx context.Context, in engine.Installation) (bool, error) {
	row := &installation{ID: 1, Shop: in.Shop, InstalledBy: in.InstalledBy, InstalledAt: utc(in.At)}
	res, err := s.idb.NewInsert().Model(row).On("CONFLICT (id) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("pin the database to %s: %w", in.Shop, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) SetInstaller(ctx context.Context, user string) (bool, error) {
	res, err := s.idb.NewUpdate().Model((*installation)(nil)).Set("installed_by = ?", user).
		Where("id = 1").Where("installed_by = ''").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record the installer: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) AddStaff(ctx context.Context, shop, user string, at time.Time) error {
	_, err := s.idb.NewInsert().Model(&staffRow{Shop: shop, UserID: user, FirstSeen: utc(at)}).
		On("CONFLICT (shop, user_id) DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("record staff user %s/%s: %w", shop, user, err)
	}
	return nil
}

func (s *store) StaffMember(ctx context.Context, shop, user string) (engine.StaffMember, bool, error) {
	ms, err := s.staffMembers(ctx, shop, user)
	if err != nil || len(ms) == 0 {
		return engine.StaffMember{}, false, err
	}
	return ms[0], true, nil
}

func (s *store) StaffMembers(ctx context.Context, shop string) ([]engine.StaffMember, error) {
	return s.staffMembers(ctx, shop, "")
}

// staffMembers reads the staff of shop, or only user when it is not "".
func (s *store) staffMembers(ctx context.Context, shop, user string) ([]engine.StaffMember, error) {
	var rows []struct {
		UserID      string         `bun:"user_id"`
		FirstSeen   time.Time      `bun:"first_seen"`
		Role        sql.NullString `bun:"role"`
		InstalledBy sql.NullString `bun:"installed_by"`
	}
	q := s.idb.NewSelect().TableExpr("staff AS s").
		ColumnExpr("s.user_id, s.first_seen, r.role, i.installed_by").
		Join("LEFT JOIN staff_roles AS r ON r.shop = s.shop AND r.user_id = s.user_id").
		Join("LEFT JOIN installation AS i ON i.shop = s.shop AND i.installed_by = s.user_id").
		Where("s.shop = ?", shop).
		OrderExpr("s.first_seen, s.user_id, r.role")
	if user != "" {
		q = q.Where("s.user_id = ?", user)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("staff of %s: %w", shop, err)
	}
	var out []engine.StaffMember
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].User != r.UserID {
			out = append(out, engine.StaffMember{Shop: shop, User: r.UserID, FirstSeen: r.FirstSeen, Installer: r.InstalledBy.Valid})
		}
		if r.Role.Valid {
			m := &out[len(out)-1]
			m.Roles = append(m.Roles, engine.Role(r.Role.String))
		}
	}
	return out, nil
}

func (s *store) GrantStaffRoles(ctx context.Context, shop, user string, roles []engine.Role) error {
	for _, r := range roles {
		_, err := s.idb.ExecContext(ctx, "INSERT INTO staff_roles (shop, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", shop, user, string(r))
		if err != nil {
			return fmt.Errorf("grant %s to %s/%s: %w", r, shop, user, err)
		}
	}
	return nil
}

func (s *store) RevokeStaffRoles(ctx context.Context, shop, user string, roles []engine.Role) error {
	if len(roles) == 0 {
		return nil
	}
	_, err := s.idb.NewDelete().Table("staff_roles").Where("shop = ? AND user_id = ? AND role IN (?)", shop, user, bun.In(roles)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke staff roles of %s/%s: %w", shop, user, err)
	}
	return nil
}
