package admin

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/app/shopify/sessiontoken"
	"taripay/engine"
	view "taripay/views/admin"
)

// RetryHeader asks App Bridge's fetch to retry once with a fresh session token.
const RetryHeader = "X-Shopify-Retry-Invalid-Session-Request"

// headers sets the framing policy. It deliberately replaces fiber's helmet,
// whose X-Frame-Options and cross-origin defaults break embedding (B.7).
func (h *Handler) headers(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", h.frameAncestors(queryShop(c)))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("Cache-Control", "no-store")
	return c.Next()
}

// frameAncestors builds the CSP from a validated shop only.
func (h *Handler) frameAncestors(shop string) string {
	parts := []string{"frame-ancestors"}
	if sessiontoken.ValidShop(shop) {
		parts = append(parts, "https://"+shop)
	}
	parts = append(parts, "https://admin.shopify.com")
	parts = append(parts, h.cfg.FrameAncestors...)
	return strings.Join(parts, " ") + ";"
}

func queryShop(c *fiber.Ctx) string {
	if shop := c.Query("shop"); sessiontoken.ValidShop(shop) {
		return shop
	}
	return ""
}

// shopService is the shop this server serves, its install, and the roles
// of its staff users.
type shopService interface {
	Shop(ctx context.Context) (string, error)
	CheckShop(ctx context.Context, shop string) error
	Install(ctx context.Context, shop, user string) (engine.StaffMember, error)
	StaffMember(ctx context.Context, shop, user string) (engine.StaffMember, error)
}

// credential is what authenticated a request.
type credential int

const (
	viaSession credential = iota // the server-minted app-session header
	viaBearer                    // a Shopify session token as Bearer
	viaLaunch                    // a document load's id_token: the app's launch
)

// authenticate admits a request carrying a valid app-session header, a
// Shopify session token as Bearer, or (on a document load) an id_token in the
// query, from a staff user of the shop this server serves. Everything else is
// refused before any handler runs.
func (h *Handler) authenticate(c *fiber.Ctx) error {
	staff, via, err := h.staff(c)
	if err != nil {
		return h.unauthenticated(c, err)
	}
	member, err := h.admit(c, staff, via)
	if err != nil {
		return h.refuse(c, staff, err)
	}
	c.Locals(staffKey{}, staff)
	c.Locals(memberKey{}, member)
	// An app session is handed back as it came: only a Shopify session
	// token, which proves a current Shopify login, mints a new one.
	session := c.Get(SessionHeader)
	if via != viaSession {
		session = h.sessions.Mint(staff)
	}
	c.Locals(sessionKey{}, session)
	c.Set("Content-Security-Policy", h.frameAncestors(staff.Shop))
	return c.Next()
}

func (h *Handler) unauthenticated(c *fiber.Ctx, err error) error {
	h.deps.Log.Info("admin: unauthenticated request", "path", c.Path(), "err", err)
	if !isDocument(c) {
		c.Set(RetryHeader, "1")
		return c.Status(fiber.StatusUnauthorized).SendString("invalid session")
	}
	// Inside Shopify admin (an iframe, or a launch URL) App Bridge can
	// hand the page a fresh session token.
	if c.Query("embedded") == "1" || c.Query("id_token") != "" || c.Get("Sec-Fetch-Dest") == "iframe" {
		return c.Redirect(h.bounceURL(c), fiber.StatusFound)
	}
	if target, ok := h.shopAdmin(c.UserContext(), c.Query("host")); ok {
		return c.Redirect(target, fiber.StatusFound)
	}
	c.Status(fiber.StatusUnauthorized)
	return render(c, view.Bounce(h.bounceModel()))
}

// admit lets in only staff users of the shop this server serves, with the
// roles they hold now. A launch first completes the install: no token
// exchange for another shop, then the shop's Admin API token, then the
// record of the staff user (and, on the first install, the pin to the shop).
func (h *Handler) admit(c *fiber.Ctx, st Staff, via credential) (engine.StaffMember, error) {
	ctx := c.UserContext()
	if via != viaLaunch {
		return h.deps.Engine.StaffMember(ctx, st.Shop, st.User)
	}
	if err := h.deps.Engine.CheckShop(ctx, st.Shop); err != nil {
		return engine.StaffMember{}, err
	}
	if h.deps.Install != nil {
		if err := h.deps.Install.Ensure(ctx, st.Shop, c.Query("id_token")); err != nil {
			h.deps.Log.Warn("admin: shop token not ready", "shop", st.Shop, "err", err)
			m, merr := h.deps.Engine.StaffMember(ctx, st.Shop, st.User)
			if errors.Is(merr, engine.ErrNotInstalled) {
				return m, errInstallFailed
			}
			// installed before: the pages work, and setup shows the token
			return m, merr
		}
	}
	return h.deps.Engine.Install(ctx, st.Shop, st.User)
}

var errInstallFailed = fiber.NewError(fiber.StatusServiceUnavailable,
	"taripay could not finish installing: Shopify did not hand it an access token. Reload the app to try again.")

// refuse answers an authenticated request that admit turned away: another
// shop's (403, saying why), a shop not installed yet (401: a fresh launch
// installs it), or an install that could not complete.
func (h *Handler) refuse(c *fiber.Ctx, st Staff, err error) error {
	var status int
	var msg string
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status, msg = fe.Code, fe.Message
	case errors.Is(err, engine.ErrNotInstalled):
		c.Set(RetryHeader, "1")
		status, msg = fiber.StatusUnauthorized, err.Error()
	default:
		if errors.Is(err, engine.ErrOtherShop) {
			h.deps.Log.Warn("admin: another shop refused", "shop", st.Shop, "user", st.User, "path", c.Path())
		}
		status, msg = errorStatus(err), h.userMessage(c, err)
	}
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, httperr.RetryAfter)
	}
	c.Status(status)
	if !isDocument(c) {
		return render(c, view.ErrorBanner(msg))
	}
	return render(c, view.Refused(msg))
}

// need admits only staff users who hold role at this request: roles are
// read on every request, so a grant or a revocation applies at once.
func (h *Handler) need(role engine.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if m := memberOf(c); !m.Has(role) {
			h.deps.Log.Warn("admin: refused without the role", "role", role, "actor", staffOf(c).Actor(), "path", c.Path())
			return fiber.NewError(fiber.StatusForbidden, "This needs the "+string(role)+
				" role, which you do not hold. A staff member who holds it can grant it to you on the Roles page.")
		}
		return c.Next()
	}
}

// staff finds the staff user behind a request and what vouched for them.
func (h *Handler) staff(c *fiber.Ctx) (st Staff, via credential, err error) {
	if v := c.Get(SessionHeader); v != "" {
		if st, err = h.sessions.Verify(v); err == nil {
			return st, viaSession, nil
		}
	}
	if v, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok {
		var shop, user string
		if shop, user, err = h.tokens.Verify(v); err == nil {
			return Staff{Shop: shop, User: user}, viaBearer, nil
		}
	}
	if v := c.Query("id_token"); v != "" && isDocument(c) && c.Method() == fiber.MethodGet {
		shop, user, err := h.tokens.Verify(v)
		if err != nil {
			return Staff{}, viaLaunch, err
		}
		return Staff{Shop: shop, User: user}, viaLaunch, nil
	}
	if err == nil {
		err = sessiontoken.ErrInvalidSession
	}
	return Staff{}, 0, err
}

// isDocument tells a page load from an htmx or fetch request.
func isDocument(c *fiber.Ctx) bool {
	if c.Get("HX-Request") != "" || c.Get(fiber.HeaderAuthorization) != "" || c.Get(SessionHeader) != "" {
		return false
	}
	switch c.Get("Sec-Fetch-Dest") {
	case "", "document", "iframe":
		return true
	}
	return false
}

// bounceURL sends a document load without a usable id_token to the bounce
// page, which lets App Bridge reload it with a fresh one (B.2).
func (h *Handler) bounceURL(c *fiber.Ctx) string {
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != "id_token" {
			q.Add(key, string(v))
		}
	})
	reload := c.Path()
	if enc := q.Encode(); enc != "" {
		reload += "?" + enc
	}
	q.Set("shopify-reload", reload)
	return "/admin/bounce?" + q.Encode()
}

// bounce serves the page App Bridge reloads from. App Bridge goes to its
// shopify-reload parameter, so one that leaves the admin is refused.
func (h *Handler) bounce(c *fiber.Ctx) error {
	if reload := c.Query("shopify-reload"); reload != "" && !adminPath(reload) {
		c.Status(fiber.StatusBadRequest)
		return render(c, view.Refused("This link does not lead into taripay. Open taripay from Apps in your Shopify admin."))
	}
	return render(c, view.Bounce(h.bounceModel()))
}

// adminPath reports whether ref is a path of this admin, such as bounceURL
// makes: no scheme, no host, a clean path under /admin.
func adminPath(ref string) bool {
	if !strings.HasPrefix(ref, "/admin") || strings.ContainsAny(ref, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || path.Clean(u.Path) != u.Path {
		return false
	}
	return u.Path == "/admin" || strings.HasPrefix(u.Path, "/admin/")
}

func (h *Handler) bounceModel() view.BounceModel {
	return view.BounceModel{ClientID: h.cfg.ClientID, AppBridgeURL: h.cfg.AppBridgeURL}
}

// shopAdmin is where a top-level load (outside Shopify admin) goes: this
// app's page in the admin of the shop this server serves, and only when the
// launch's base64 host names that shop. No redirect leaves the shop.
func (h *Handler) shopAdmin(ctx context.Context, host string) (string, bool) {
	named, ok := hostShop(host)
	if !ok || h.cfg.ClientID == "" {
		return "", false
	}
	shop, err := h.deps.Engine.Shop(ctx)
	if err != nil || shop == "" || named != shop {
		return "", false
	}
	return "https://admin.shopify.com/store/" + strings.TrimSuffix(shop, ".myshopify.com") +
		"/apps/" + url.PathEscape(h.cfg.ClientID), true
}

// hostShop decodes the launch's base64 host parameter, an admin host
// (admin.shopify.com/store/<name>, or the older <name>.myshopify.com/admin),
// into the shop it names.
func hostShop(param string) (string, bool) {
	if param == "" || len(param) > 512 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(param, "="))
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(param, "=")); err != nil {
			return "", false
		}
	}
	host := string(raw)
	if strings.ContainsAny(host, "\\?#@ \t\r\n") {
		return "", false
	}
	var shop string
	if rest, ok := strings.CutPrefix(host, "admin.shopify.com/store/"); ok {
		name, _, _ := strings.Cut(rest, "/")
		shop = name + ".myshopify.com"
	} else {
		shop, _, _ = strings.Cut(host, "/")
	}
	return shop, sessiontoken.ValidShop(shop)
}

func (h *Handler) asset(c *fiber.Ctx) error {
	body, ctype, ok := view.Asset(c.Params("name"))
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(body)
}
