package admin

import (
	"net/netip"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

func authorizeForm(vals, errs map[string]string) view.Form {
	return view.Form{
		ID:     "authorize",
		Action: "/admin/wallets",
		Title:  "Authorise a hot wallet",
		Submit: "Authorise…",
		Fields: []view.Field{
			{Name: "address", Label: "Wallet address", Value: vals["address"], Error: errs["address"]},
			{Name: "ip", Label: "IP address", Value: vals["ip"], Error: errs["ip"],
				Hint: "Notifications from this wallet are accepted only from this address."},
		},
	}
}

// walletAuthorize authorises a hot wallet to post payment notifications from one IP.
func (h *Handler) walletAuthorize(c *fiber.Ctx) error {
	vals := map[string]string{"address": clip(c.FormValue("address")), "ip": clip(c.FormValue("ip"))}
	errs := map[string]string{}
	address, msg := checkAddress(vals["address"])
	if msg != "" {
		errs["address"] = msg
	}
	ip, err := netip.ParseAddr(vals["ip"])
	if err != nil || ip.Zone() != "" {
		errs["ip"] = "Enter an IPv4 or IPv6 address, such as 192.0.2.10."
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(authorizeForm(vals, errs)))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(authorizeForm(vals, nil)))
	default:
		f := authorizeForm(vals, nil)
		f.Confirm = "Accept payment notifications signed by " + address + " when they come from " + ip.String() + "?"
		return render(c, view.FormView(f))
	}
	if err := h.deps.Engine.AuthorizeWallet(actorCtx(c), engine.Wallet{Address: address, IPAddress: ip.String()}); err != nil {
		f := authorizeForm(vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: wallet authorised", "address", address, "ip", ip.String(), "actor", staffOf(c).Actor())
	return h.walletsDone(c, "Wallet "+address+" is authorised.")
}
