package admin

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

// customerShow shows a customer's balance, pending orders, history and the
// credit note and settle forms.
func (h *Handler) customerShow(c *fiber.Ctx) error {
	id, msg := checkID(param(c, "id"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such customer")
	}
	d, err := h.customerDetail(c, id, nil)
	if err != nil {
		return err
	}
	return render(c, h.customerPage(c, d))
}

func (h *Handler) customerPage(c *fiber.Ctx, d view.CustomerDetail) templ.Component {
	return view.CustomerView(view.CustomerPage{Layout: h.layout(c, "Customer "+d.CustomerID, "customers"), Detail: d})
}

func (h *Handler) customerDetail(c *fiber.Ctx, id string, flash *view.Flash) (view.CustomerDetail, error) {
	pageNo, page := historyPage(c)
	hist, err := h.deps.Engine.CustomerHistory(c.UserContext(), id, page)
	if err != nil {
		return view.CustomerDetail{}, err
	}
	orders, moreOrders := shown(hist.Orders)
	settlements, moreSettlements := shown(hist.Settlements)
	contacts, err := h.contacts(c, []string{id})
	if err != nil {
		return view.CustomerDetail{}, err
	}
	b := hist.Balance
	d := view.CustomerDetail{
		Name:       contacts[id].Name,
		Email:      contacts[id].Email,
		Flash:      flash,
		CustomerID: id,
		Balance:    xtr.Format(b.CurrentBalance),
		Confirmed:  xtr.Format(b.TotalConfirmed),
		Spent:      xtr.Format(b.TotalPaid),
		Pending:    xtr.Format(hist.OrderBalance.TotalCurrent),
		Credit:     creditForm(id, nil, nil),
		Settle:     settleForm("settle", customerHref(id)),
	}
	// every linked address, funded or not, funded ones first
	listed := map[string]bool{}
	for _, a := range b.Addresses {
		listed[a.Address] = true
		d.Addresses = append(d.Addresses, view.AddressRow{Address: a.Address, Href: addressHref(a.Address), Balance: xtr.Format(a.CurrentBalance)})
	}
	for _, a := range hist.Linked {
		if !listed[a] {
			d.Addresses = append(d.Addresses, view.AddressRow{Address: a, Href: addressHref(a), Balance: xtr.Format(0)})
		}
	}
	for _, o := range orders {
		d.Orders = append(d.Orders, orderRow(o))
	}
	d.Settlements = settlementRows(settlements)
	d.Pager = historyPager(customerHref(id), pageNo, moreOrders || moreSettlements)
	return d, nil
}

// customerDone answers a successful customer action with the re-rendered account.
func (h *Handler) customerDone(c *fiber.Ctx, id, message string) error {
	d, err := h.customerDetail(c, id, &view.Flash{Text: message, Tone: "success"})
	if err != nil {
		return err
	}
	return formDone(c, "#customer-detail", h.customerPage(c, d), view.CustomerDetailView(d))
}

func settlementRows(ss []engine.Settlement) []view.SettlementRow {
	rows := make([]view.SettlementRow, len(ss))
	for i, s := range ss {
		rows[i] = view.SettlementRow{
			At: when(s.CreatedAt), OrderID: s.OrderID, Address: s.PaymentAddress, Type: string(s.SettlementType), Amount: xtr.Format(s.Amount),
		}
	}
	return rows
}
