package admin

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/engine"
	view "taripay/views/admin"
)

type customerService interface {
	CustomerIDs(ctx context.Context, p engine.Page) ([]string, error)
	CustomerHistory(ctx context.Context, customerID string, p engine.Page) (engine.CustomerHistory, error)
	CreditNote(ctx context.Context, customerID string, amount engine.MicroTari, reason string) (engine.MultiAccountPayment, error)
	SettleCustomer(ctx context.Context, customerID string) (engine.MultiAccountPayment, error)
}

const customersPerPage = 100

// customerList lists customers and opens one by id.
func (h *Handler) customerList(c *fiber.Ctx) error {
	p := view.CustomerListPage{Layout: h.layout(c, "Customers", "customers"), Query: clip(c.Query("id"))}
	if p.Query != "" {
		id, msg := checkID(p.Query)
		if msg == "" {
			return c.Redirect(customerHref(id), fiber.StatusSeeOther)
		}
		p.Error = msg
		c.Status(statusInvalid)
	}
	pageNo, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || pageNo < 1 || pageNo > maxPage {
		pageNo = 1
	}
	ids, err := h.deps.Engine.CustomerIDs(c.UserContext(), engine.Page{Offset: (pageNo - 1) * customersPerPage, Count: customersPerPage + 1})
	if err != nil {
		return err
	}
	if len(ids) > customersPerPage {
		ids = ids[:customersPerPage]
		p.NextHref = "/admin/customers?page=" + strconv.Itoa(pageNo+1)
	}
	if pageNo > 1 {
		p.PrevHref = "/admin/customers?page=" + strconv.Itoa(pageNo-1)
	}
	contacts, err := h.contacts(c, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		p.Customers = append(p.Customers, view.CustomerRow{ID: id, Href: customerHref(id), Name: contacts[id].Name, Email: contacts[id].Email})
	}
	return render(c, view.CustomerListView(p))
}

// contacts are the customers' names and emails from their latest orders;
// none without the Shopify integration.
func (h *Handler) contacts(c *fiber.Ctx, ids []string) (map[string]shopify.Contact, error) {
	if h.deps.Shopify == nil {
		return nil, nil
	}
	return h.deps.Shopify.Contacts(c.UserContext(), staffOf(c).Shop, ids)
}

func customerHref(id string) string { return "/admin/customers/" + url.PathEscape(id) }
