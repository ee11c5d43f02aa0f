package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

type roleService interface {
	Roles(ctx context.Context, address string) ([]engine.Role, error)
	UpdateRoles(ctx context.Context, address string, grant, revoke []engine.Role) error
}

var grantableRoles = []string{
	string(engine.RoleReadAll), string(engine.RoleWrite), string(engine.RolePaymentWallet), string(engine.RoleSuperAdmin),
}

// roleShow lists the staff users' roles, and looks up the roles an address
// holds.
func (h *Handler) roleShow(c *fiber.Ctx) error {
	raw := clip(c.Query("address"))
	s := h.rolesSection(raw)
	if raw != "" {
		address, msg := checkAddress(raw)
		if msg != "" {
			s.Lookup.Error = msg
			c.Status(statusInvalid)
		} else if err := h.fillRoles(c, &s, address); err != nil {
			return err
		}
	}
	staff, err := h.staffSection(c, nil)
	if err != nil {
		return err
	}
	return render(c, view.RolesView(view.RolesPage{Layout: h.layout(c, "Roles", "roles"), Staff: staff, Section: s}))
}

func (h *Handler) rolesSection(address string) view.RolesSection {
	return view.RolesSection{Address: address, Change: roleForm(map[string]string{"address": address}, nil)}
}

func (h *Handler) fillRoles(c *fiber.Ctx, s *view.RolesSection, address string) error {
	roles, err := h.deps.Engine.Roles(c.UserContext(), address)
	if err != nil {
		return err
	}
	s.Roles = s.Roles[:0]
	for _, r := range roles {
		s.Roles = append(s.Roles, string(r))
	}
	return nil
}
