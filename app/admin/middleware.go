package admin

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	if ValidShop(shop) {
		parts = append(parts, "https://"+shop)
	}
	parts = append(parts, "https://admin.shopify.com")
	parts = append(parts, h.cfg.FrameAncestors...)
	return strings.Join(parts, " ") + ";"
}

func queryShop(c *fiber.Ctx) string {
	if shop := c.Query("shop"); ValidShop(shop) {
		return shop
	}
	return ""
}

// authenticate admits a request carrying a valid app-session header, a
// Shopify session token as Bearer, or (on a document load) an id_token in the
// query. Everything else is refused before any handler runs.
func (h *Handler) authenticate(c *fiber.Ctx) error {
	staff, fromQuery, err := h.staff(c)
	if err == nil {
		c.Locals(staffKey{}, staff)
		c.Set("Content-Security-Policy", h.frameAncestors(staff.Shop))
		if fromQuery && h.deps.Install != nil {
			if err := h.deps.Install.Ensure(c.UserContext(), staff.Shop, c.Query("id_token")); err != nil {
				h.deps.Log.Warn("admin: shop token not ready", "shop", staff.Shop, "err", err)
			}
		}
		return c.Next()
	}
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
	if host, ok := adminHost(c.Query("host")); ok && h.cfg.ClientID != "" {
		return c.Redirect("https://"+host+"/apps/"+url.PathEscape(h.cfg.ClientID), fiber.StatusFound)
	}
	c.Status(fiber.StatusUnauthorized)
	return render(c, view.Bounce(h.bounceModel()))
}

// staff finds the staff user behind a request; fromQuery reports a document
// load authenticated by its launch id_token.
func (h *Handler) staff(c *fiber.Ctx) (st Staff, fromQuery bool, err error) {
	if v := c.Get(SessionHeader); v != "" {
		if st, err = h.sessions.Verify(v); err == nil {
			return st, false, nil
		}
	}
	if v, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok {
		if st, err = h.tokens.Verify(v); err == nil {
			return st, false, nil
		}
	}
	if v := c.Query("id_token"); v != "" && isDocument(c) && c.Method() == fiber.MethodGet {
		st, err = h.tokens.Verify(v)
		return st, err == nil, err
	}
	if err == nil {
		err = ErrInvalidSession
	}
	return Staff{}, false, err
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

func (h *Handler) bounce(c *fiber.Ctx) error {
	return render(c, view.Bounce(h.bounceModel()))
}

func (h *Handler) bounceModel() view.BounceModel {
	return view.BounceModel{ClientID: h.cfg.ClientID, AppBridgeURL: h.cfg.AppBridgeURL}
}

// adminHost decodes the launch's base64 host parameter and accepts only
// Shopify admin hosts.
func adminHost(param string) (string, bool) {
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
	name, _, _ := strings.Cut(host, "/")
	if strings.ContainsAny(host, "\\?#@ \t\r\n") || !(name == "admin.shopify.com" || ValidShop(name)) {
		return "", false
	}
	return host, true
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
