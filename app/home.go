package app

import (
	"io/fs"
	"net/url"
	"path"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/docs"
	"taripay/views"
)

// home answers GET /: opened from Shopify admin (the app URL, with
// Shopify's signed shop, host and embedded parameters), it sends the
// merchant on to the embedded admin with the same query; otherwise it is a
// short page naming the service, with links to /health and the docs.
func home(adminSecret string, adminOn bool) fiber.Handler {
	page := views.HomePage(views.Home{Admin: adminOn, Docs: docNames()})
	return func(c *fiber.Ctx) error {
		if adminOn && c.Query("shop") != "" {
			q, err := url.ParseQuery(string(c.Context().QueryArgs().QueryString()))
			if err == nil && shopify.VerifyLaunch(q, adminSecret) {
				return c.Redirect("/admin?"+q.Encode(), fiber.StatusFound)
			}
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
		return page.Render(c.UserContext(), c.Response().BodyWriter())
	}
}

// pageCSP allows only taripay's own scripts, styles and images.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// showDoc answers GET /docs/{name}.md with the embedded file, as plain text.
func showDoc(c *fiber.Ctx) error {
	name := c.Params("name")
	b, err := docs.FS.ReadFile(name)
	if err != nil || path.Ext(name) != ".md" {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(b)
}

// docNames lists the embedded documentation files.
func docNames() []string {
	var names []string
	entries, _ := fs.ReadDir(docs.FS, ".") // embedded: cannot fail
	for _, e := range entries {
		if path.Ext(e.Name()) == ".md" {
			names = append(names, e.Name())
		}
	}
	return names
}
