package admin

import (
	"context"
	"net/url"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

type addressService interface {
	AddressHistory(ctx context.Context, address string, p engine.Page) (engine.AddressHistory, error)
	SettleAddress(ctx context.Context, address string) (engine.MultiAccountPayment, error)
}

func addressHref(address string) string { return "/admin/addresses/" + url.PathEscape(address) }

// addressShow shows one wallet address: balance, the orders of its
// customers, its payments and settlements, and the settle form.
func (h *Handler) addressShow(c *fiber.Ctx) error {
	address, msg := checkAddress(param(c, "address"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such address")
	}
	d, err := h.addressDetail(c, address, nil)
	if err != nil {
		return err
	}
	return render(c, h.addressPage(c, d))
}

func (h *Handler) addressPage(c *fiber.Ctx, d view.AddressDetail) templ.Component {
	return view.AddressView(view.AddressPage{Layout: h.layout(c, "Address", "customers"), Detail: d})
}

func (h *Handler) addressDetail(c *fiber.Ctx, address string, flash *view.Flash) (view.AddressDetail, error) {
	pageNo, page := historyPage(c)
	hist, err := h.deps.Engine.AddressHistory(c.UserContext(), address, page)
	if err != nil {
		return view.AddressDetail{}, err
	}
	orders, moreOrders := shown(hist.Orders)
	payments, morePayments := shown(hist.Payments)
	settlements, moreSettlements := shown(hist.Settlements)
	d := view.AddressDetail{
		Flash:       flash,
		Address:     address,
		Balance:     xtr.Format(hist.Balance.CurrentBalance),
		Confirmed:   xtr.Format(hist.Balance.TotalConfirmed),
		Spent:       xtr.Format(hist.Balance.TotalPaid),
		Settlements: settlementRows(settlements),
		Pager:       historyPager(addressHref(address), pageNo, moreOrders || morePayments || moreSettlements),
		Settle:      settleForm("settle-address", addressHref(address)),
	}
	for _, o := range orders {
		d.Orders = append(d.Orders, orderRow(o))
	}
	for _, p := range payments {
		d.Payments = append(d.Payments, paymentRow(p))
	}
	return d, nil
}
