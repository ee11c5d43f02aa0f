package admin

// Staff identifies who is using the admin: a Shopify staff user of a shop.
type Staff struct {
	Shop string // <x>.myshopify.com
	User string // the session token's sub, a staff user id
}

// Actor names the staff user in the audit trail.
func (s Staff) Actor() string { return "admin:" + s.Shop + "/" + s.User }
