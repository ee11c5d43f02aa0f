package pay

import (
	"net/url"
	"strings"
)

// OrderLink is the order's link in the order email (EmailSnippet), which
// EmailLink serves: baseURL/pay/order/{order id}/{LinkMAC}. Without a link
// secret there is none, and it is "".
func OrderLink(baseURL string, linkSecret []byte, orderID string) string {
	if len(linkSecret) == 0 {
		return ""
	}
	return strings.TrimSuffix(baseURL, "/") + "/pay/order/" + url.PathEscape(orderID) + "/" + LinkMAC(linkSecret, orderID)
}
