package admin

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

// staffService lists the staff users with their roles, and changes them.
type staffService interface {
	StaffMembers(ctx context.Context, shop string) ([]engine.StaffMember, error)
	UpdateStaffRoles(ctx context.Context, shop, by, user string, grant, revoke []engine.Role) error
}

func staffForm(members []engine.StaffMember, vals, errs map[string]string) view.Form {
	op := vals["op"]
	if op == "" {
		op = "grant"
	}
	users := make([]string, len(members))
	for i, m := range members {
		users[i] = m.User
	}
	return view.Form{
		ID:     "change-staff",
		Action: "/admin/staff",
		Title:  "Grant or revoke a staff role",
		Submit: "Apply…",
		Fields: []view.Field{
			{Name: "user", Label: "Staff member", Type: "select", Options: users, Value: vals["user"], Error: errs["user"]},
			{Name: "role", Label: "Role", Type: "select", Options: roleNames(engine.StaffRoles), Value: vals["role"], Error: errs["role"],
				Hint: "You can grant or revoke only a role you hold."},
			{Name: "op", Label: "Change", Type: "select", Options: []string{"grant", "revoke"}, Value: op, Error: errs["op"]},
		},
	}
}

// staffGrant grants or revokes one staff role of a staff user. The engine
// checks that the acting staff user holds that role, and audits the change.
func (h *Handler) staffGrant(c *fiber.Ctx) error {
	st := staffOf(c)
	members, err := h.deps.Engine.StaffMembers(c.UserContext(), st.Shop)
	if err != nil {
		return err
	}
	vals := map[string]string{"user": clip(c.FormValue("user")), "role": clip(c.FormValue("role")), "op": clip(c.FormValue("op"))}
	errs := map[string]string{}
	if !slices.ContainsFunc(members, func(m engine.StaffMember) bool { return m.User == vals["user"] }) {
		errs["user"] = "Choose a staff member from the list: they appear once they have opened taripay."
	}
	role := engine.Role(vals["role"])
	if !slices.Contains(engine.StaffRoles, role) {
		errs["role"] = "Choose a role from the list."
	}
	if vals["op"] != "grant" && vals["op"] != "revoke" {
		errs["op"] = "Choose grant or revoke."
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(staffForm(members, vals, errs)))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(staffForm(members, vals, nil)))
	default:
		f := staffForm(members, vals, nil)
		if vals["op"] == "grant" {
			f.Confirm = "Grant " + string(role) + " to staff member " + vals["user"] + "?"
		} else {
			f.Confirm = "Revoke " + string(role) + " from staff member " + vals["user"] + "?"
		}
		return render(c, view.FormView(f))
	}
	var grant, revoke []engine.Role
	if vals["op"] == "grant" {
		grant = []engine.Role{role}
	} else {
		revoke = []engine.Role{role}
	}
	if err := h.deps.Engine.UpdateStaffRoles(actorCtx(c), st.Shop, st.User, vals["user"], grant, revoke); err != nil {
		f := staffForm(members, vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: staff roles changed", "user", vals["user"], "role", role, "op", vals["op"], "actor", st.Actor())
	s, err := h.staffSection(c, &view.Flash{Text: "Roles of staff member " + vals["user"] + " are updated.", Tone: "success"})
	if err != nil {
		return err
	}
	// the acting user's own roles may have changed, and the page shows them
	if m, err := h.deps.Engine.StaffMember(c.UserContext(), st.Shop, st.User); err == nil {
		c.Locals(memberKey{}, m)
	}
	full := view.RolesView(view.RolesPage{Layout: h.layout(c, "Roles", "roles"), Staff: s, Section: h.rolesSection("")})
	return formDone(c, "#staff", full, view.StaffSectionView(s))
}

// staffSection lists the shop's staff users with their roles.
func (h *Handler) staffSection(c *fiber.Ctx, flash *view.Flash) (view.StaffSection, error) {
	st := staffOf(c)
	members, err := h.deps.Engine.StaffMembers(c.UserContext(), st.Shop)
	if err != nil {
		return view.StaffSection{}, err
	}
	s := view.StaffSection{Flash: flash, Change: staffForm(members, nil, nil)}
	for _, m := range members {
		s.Members = append(s.Members, view.StaffRow{
			User: m.User, Roles: roleNames(m.Roles), Installer: m.Installer, You: m.User == st.User,
			FirstSeen: when(m.FirstSeen),
		})
	}
	return s, nil
}
