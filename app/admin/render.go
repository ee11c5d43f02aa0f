package admin

import (
	"errors"
	"net/url"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/app/shopify/adminapi"
	"taripay/engine"
	view "taripay/views/admin"
)

// render writes a templ component as the HTML response.
func render(c *fiber.Ctx, comp templ.Component) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// page renders the full page on a document load or a boosted navigation,
// and only the fragment when htmx targets an element inside the page.
func page(c *fiber.Ctx, full, fragment templ.Component) error {
	if c.Get("HX-Request") != "" && c.Get("HX-Boosted") == "" && fragment != nil {
		return render(c, fragment)
	}
	return render(c, full)
}

// layout is the chrome of every page, with the request's app session for
// htmx and the staff user's roles.
func (h *Handler) layout(c *fiber.Ctx, title, nav string) view.Layout {
	m := memberOf(c)
	session, _ := c.Locals(sessionKey{}).(string)
	return view.Layout{
		Title:        title,
		Nav:          nav,
		Shop:         staffOf(c).Shop,
		User:         m.User,
		Roles:        roleNames(m.Roles),
		ClientID:     h.cfg.ClientID,
		AppBridgeURL: h.cfg.AppBridgeURL,
		HtmxURL:      h.cfg.HtmxURL,
		Session:      session,
	}
}

func roleNames(roles []engine.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// userMessage turns an engine error, or Shopify's refusal, into words for
// the page. Anything else is a bug: it is logged with a request ID, which
// the page shows, as the API's 500 does.
func (h *Handler) userMessage(c *fiber.Ctx, err error) string {
	var e *engine.Error
	if errors.As(err, &e) && !httperr.Internal(err) {
		return e.Message
	}
	// Shopify's words say what to fix (a scope to grant, an address it will
	// not accept); "try again" would not help.
	var ce *adminapi.CallError
	if errors.As(err, &ce) && !ce.Temporary {
		h.deps.Log.Warn("admin: shopify refused", "path", c.Path(), "shop", staffOf(c).Shop, "err", err)
		return "Shopify refused: " + ce.Err.Error()
	}
	if errors.Is(err, engine.ErrUnavailable) {
		h.deps.Log.Warn("admin: storage unavailable", "path", c.Path(), "err", err)
		return "The database is unavailable right now; nothing was changed. Try again in a moment."
	}
	id := httperr.NewRequestID()
	c.Set(fiber.HeaderXRequestID, id)
	h.deps.Log.Error("admin: action failed", "path", c.Path(), "request_id", id, "err", err)
	return "Something went wrong; nothing was changed. Try again, and check the server log for request " + id + " if it persists."
}

// errorStatus is an error's status in the one table (httperr), as the API
// answers it. A Shopify call that failed is 502: the fault is upstream.
func errorStatus(err error) int {
	var ce *adminapi.CallError
	if errors.As(err, &ce) {
		return fiber.StatusBadGateway
	}
	return httperr.Status(err)
}

// The statuses of the admin's own refusals, from the one table: a form with
// errors, an action the record's state does not allow, and Shopify not set up.
var (
	statusInvalid      = httperr.For(engine.EINVALID).Status
	statusConflict     = httperr.For(engine.ECONFLICT).Status
	statusUnconfigured = httperr.For(engine.EUNCONFIGURED).Status
)

// param reads a path parameter, which fiber leaves escaped.
func param(c *fiber.Ctx, name string) string {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil {
		return ""
	}
	return v
}

// formFail answers a failed post with status: the form re-rendered in place.
func formFail(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	return render(c, comp)
}

// formDone answers a successful post: the htmx swap replaces target with the
// re-rendered section; a plain post gets the whole page back.
func formDone(c *fiber.Ctx, target string, full, section templ.Component) error {
	if c.Get("HX-Request") == "" {
		return render(c, full)
	}
	c.Set("HX-Retarget", target)
	c.Set("HX-Reswap", "outerHTML")
	return render(c, section)
}

// errorPage maps an error from a page or action onto a status and an error
// page, once for the whole admin.
func (h *Handler) errorPage(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	status, msg := fiber.StatusInternalServerError, ""
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status, msg = fe.Code, fe.Message
	} else {
		status, msg = errorStatus(err), h.userMessage(c, err)
	}
	c.Status(status)
	if !isDocument(c) && c.Get("HX-Boosted") == "" {
		// an htmx swap of a whole error page would nest the chrome
		return render(c, view.ErrorBanner(msg))
	}
	return render(c, view.ErrorView(h.layout(c, "Error", ""), msg))
}
