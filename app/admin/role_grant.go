package admin

import (
	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

func roleForm(vals, errs map[string]string) view.Form {
	op := vals["op"]
	if op == "" {
		op = "grant"
	}
	return view.Form{
		ID:     "change-role",
		Action: "/admin/roles",
		Title:  "Grant or revoke a role",
		Submit: "Apply…",
		Fields: []view.Field{
			{Name: "address", Label: "Address", Value: vals["address"], Error: errs["address"]},
			{Name: "role", Label: "Role", Type: "select", Options: grantableRoles, Value: vals["role"], Error: errs["role"]},
			{Name: "op", Label: "Change", Type: "select", Options: []string{"grant", "revoke"}, Value: op, Error: errs["op"]},
		},
	}
}

// roleGrant grants or revokes one role of an address.
func (h *Handler) roleGrant(c *fiber.Ctx) error {
	vals := map[string]string{"address": clip(c.FormValue("address")), "role": clip(c.FormValue("role")), "op": clip(c.FormValue("op"))}
	errs := map[string]string{}
	address, msg := checkAddress(vals["address"])
	if msg != "" {
		errs["address"] = msg
	}
	if !contains(grantableRoles, vals["role"]) {
		errs["role"] = "Choose a role from the list."
	}
	if vals["op"] != "grant" && vals["op"] != "revoke" {
		errs["op"] = "Choose grant or revoke."
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(roleForm(vals, errs)))
	}
	role := engine.Role(vals["role"])
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(roleForm(vals, nil)))
	default:
		f := roleForm(vals, nil)
		if vals["op"] == "grant" {
			f.Confirm = "Grant " + string(role) + " to " + address + "?"
		} else {
			f.Confirm = "Revoke " + string(role) + " from " + address + "?"
		}
		return render(c, view.FormView(f))
	}
	var grant, revoke []engine.Role
	if vals["op"] == "grant" {
		grant = []engine.Role{role}
	} else {
		revoke = []engine.Role{role}
	}
	if err := h.deps.Engine.UpdateRoles(actorCtx(c), address, grant, revoke); err != nil {
		f := roleForm(vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: roles changed", "address", address, "role", role, "op", vals["op"], "actor", staffOf(c).Actor())
	s := h.rolesSection(address)
	s.Flash = &view.Flash{Text: "Roles of " + address + " are updated.", Tone: "success"}
	if err := h.fillRoles(c, &s, address); err != nil {
		return err
	}
	staff, err := h.staffSection(c, nil)
	if err != nil {
		return err
	}
	full := view.RolesView(view.RolesPage{Layout: h.layout(c, "Roles", "roles"), Staff: staff, Section: s})
	return formDone(c, "#roles", full, view.RolesSectionView(s))
}
