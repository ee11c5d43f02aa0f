package app

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"taripay/app/api"
	"taripay/app/export"
	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/engine/tari"
	"taripay/static"
)

// registerRoutes is the one route table: every path, its method, its
// guards and its handler (docs/api.md, "Routes"), so the whole attack surface reads
// on one screen.
func registerRoutes(app *fiber.App, d Deps) {
	e, cfg, log := d.Engine, d.Config, d.Log
	ip := api.IPResolver{UseXForwardedFor: cfg.UseXForwardedFor, UseForwarded: cfg.UseForwarded, TrustedHops: cfg.TrustedProxyHops}
	wallet := api.WalletGuard{Wallets: e, IP: ip, DisableWhitelist: cfg.DisableWalletWhitelist, Log: log}
	var rates ExchangeRates = e
	if d.ExchangeRates != nil {
		rates = d.ExchangeRates
	}

	app.Use(accessLog(log, d.Now), recoverPanics(log), refuseHead, refuseEncodedBody, limitBody, refuseBadText)

	// Root: no token.
	app.Get("/", home(cfg.ShopifyAPISecret, d.Admin != nil))
	app.Get("/docs/:name", showDoc)
	app.Get("/health", api.Health)
	app.Post("/auth", api.Login(e, d.Keys.Signing, d.Now, d.Rand, log))
	app.Post("/order/claim", api.ClaimOrder(e, log))

	// Hot wallet: signed bodies, registered IP, increasing nonce.
	app.Get("/wallet/send_to", api.SendTo(e))
	app.Post("/wallet/incoming_payment", api.IncomingPayment(e, wallet))
	app.Post("/wallet/tx_confirmation", api.ConfirmTransaction(e, wallet))
	app.Post("/wallet/tx_cancelled", api.CancelTransaction(e, wallet))

	// The checkout UI extension: a session token and the buyer's proof of
	// the order; CORS for its sandboxed worker, on this route only. It is
	// registered before the /shopify group, whose webhook gate would want
	// an HMAC.
	if p := d.Pay; p != nil && d.Buyers != nil {
		ext := cors.New(cors.Config{
			AllowOrigins: "*", // the extension runs in a worker with an opaque origin; no cookies are involved
			AllowMethods: fiber.MethodGet,
			AllowHeaders: fiber.HeaderAuthorization + ", " + pay.CheckoutTokenHeader,
			MaxAge:       600,
		})
		app.Options("/shopify/extension/orders/:id", ext)
		app.Get("/shopify/extension/orders/:id", ext, p.ExtensionOrder(d.Buyers, cfg.PublicURL))
	}

	// Shopify webhooks: the HMAC over the raw body, then the IP whitelist.
	if s := d.Shopify; s != nil {
		g := app.Group("/shopify", shopify.Gate(cfg.Shopify, ip.RemoteIP, log))
		g.Get("/health", s.Health)
		g.Post("/webhook/checkout_create", s.CheckoutCreate)
		g.Post("/webhook/product_updated", s.ProductUpdated)
		g.Post("/webhook/transaction_create", s.TransactionCreate)
		g.Post("/webhook/no_op", s.NoOp)
		g.Post("/webhook/:resource/:event", s.Topic)
	}

	// Public pages and their assets.
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS), MaxAge: 3600}))
	if p := d.Pay; p != nil {
		app.Get("/pay/order/:order_id/:mac", p.EmailLink)
		app.Get("/pay/:token", p.Show)
		app.Get("/pay/:token/status", p.Status)
		app.Get("/pay/:token/qr.png", p.QR)
		app.Post("/pay/:token/claim", p.SubmitClaim)
	}
	if d.Admin != nil {
		d.Admin.Register(app)
	}

	// /api: an access token, then the route's role.
	r := app.Group("/api", authenticate(d.Keys.Verification, e, d.Now))
	user := require(tari.RoleUser)
	readAll := require(tari.RoleReadAll)
	write := require(tari.RoleWrite)
	superAdmin := require(tari.RoleSuperAdmin)

	r.Get("/balance", api.ShowBalance(e))
	r.Get("/history", api.ShowAddressHistory(e))
	r.Get("/orders", api.ListOrders(e, false))
	r.Get("/unfulfilled_orders", api.ListOrders(e, true))
	r.Get("/payments", api.ListPayments(e))
	r.Post("/settle", api.SettleAddress(e, log))

	r.Get("/order/id/:order_id", user, api.ShowOrder(e))
	r.Get("/check_token", user, api.CheckToken)

	r.Get("/balance/:address", readAll, api.ShowBalance(e))
	r.Get("/history/address/:address", readAll, api.ShowAddressHistory(e))
	r.Get("/history/customer/:id", readAll, api.ShowCustomerHistory(e))
	r.Get("/orders/:address", readAll, api.ListOrders(e, false))
	r.Get("/unfulfilled_orders/:address", readAll, api.ListOrders(e, true))
	r.Get("/payments/:address", readAll, api.ListPayments(e))
	r.Get("/payments-for-order/:order_id", readAll, api.ListOrderPayments(e))
	r.Get("/search/orders", readAll, api.SearchOrders(e))
	r.Get("/creditors", readAll, api.ListCreditors(e))
	r.Get("/customer_ids", readAll, api.ListIDs(e.CustomerIDs))
	r.Get("/addresses", readAll, api.ListIDs(e.Addresses))
	r.Get("/exchange_rate/:currency", readAll, api.ShowExchangeRate(e))
	r.Get("/wallets", readAll, api.ListWallets(e))
	for _, kind := range export.Kinds {
		r.Get("/export/"+kind.Filename(), readAll, api.Export(e, kind, log))
	}

	r.Post("/settle/address/:address", write, api.SettleAddress(e, log))
	r.Post("/settle/customer/:customer_id", write, api.SettleCustomer(e, log))
	r.Post("/credit", write, api.IssueCredit(e, log))
	r.Post("/fulfill", write, api.FulfillOrder(e, log))
	r.Post("/cancel", write, api.CancelOrder(e, log))
	r.Patch("/order_memo", write, api.ChangeOrderMemo(e, log))
	r.Patch("/order_price", write, api.ChangeOrderPrice(e, log))
	r.Patch("/reassign_order", write, api.ReassignOrder(e, log))
	r.Patch("/reset_order/:order_id", write, api.ResetOrder(e, cfg.StrictMode, log))
	r.Post("/exchange_rate", write, api.SetExchangeRate(rates, log))
	r.Post("/rescan_open_orders", write, orUnsupported(d.RescanOpenOrders, "Shopify is not configured"))

	r.Post("/roles", superAdmin, api.UpdateRoles(e, log))
	r.Post("/wallets", superAdmin, api.AddWallet(e, log))
	r.Delete("/wallets/:address", superAdmin, api.RemoveWallet(e, log))
}

func orUnsupported(h fiber.Handler, why string) fiber.Handler {
	if h != nil {
		return h
	}
	return func(*fiber.Ctx) error { return api.Unsupported(why) }
}
