package api

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderSearcher interface {
	SearchOrders(ctx context.Context, q engine.OrderQuery) ([]engine.Order, error)
}

// searchParams are the only query parameters /api/search/orders accepts.
var searchParams = append([]string{"memo", "order_id", "alt_id", "customer_id", "currency", "since", "until", "status"}, pageParams...)

// SearchOrders answers GET /api/search/orders, oldest first, one page.
func SearchOrders(e orderSearcher) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, err := query(c, searchParams...)
		if err != nil {
			return err
		}
		p, err := page(q)
		if err != nil {
			return err
		}
		oq := engine.OrderQuery{
			Memo: q["memo"], OrderID: q["order_id"], AltID: q["alt_id"],
			CustomerID: q["customer_id"], Currency: q["currency"], Offset: p.Offset, Limit: p.Count,
		}
		for _, name := range []string{"since", "until"} {
			v, ok := q[name]
			if !ok {
				continue
			}
			t, err := parseDateTime(v)
			if err != nil {
				return errQuery(fmt.Sprintf("invalid value for `%s`: %s", name, err))
			}
			if name == "since" {
				oq.Since = &t
			} else {
				oq.Until = &t
			}
		}
		if v, ok := q["status"]; ok {
			// Unknown names are dropped, as in the reference; a list with no
			// known name at all is refused rather than matching everything.
			for _, s := range strings.Split(v, ",") {
				switch st := engine.OrderStatus(strings.TrimSpace(s)); st {
				case engine.OrderPaid, engine.OrderCancelled, engine.OrderExpired, engine.OrderNew, engine.OrderUnclaimed:
					oq.Statuses = append(oq.Statuses, st)
				}
			}
			if len(oq.Statuses) == 0 {
				return errQuery("`status` names no known order status (Paid, Cancelled, Expired, New, Unclaimed)")
			}
		}
		orders, err := e.SearchOrders(c.UserContext(), oq)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, newOrders(orders))
	}
}

// query decodes the query string (with '+' as a space) and refuses unknown
// or repeated parameters, over-long and non-UTF-8 values.
func query(c *fiber.Ctx, allowed ...string) (map[string]string, error) {
	vals, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return nil, errQuery(err.Error())
	}
	out := make(map[string]string, len(vals))
	for k, vs := range vals {
		if !contains(allowed, k) {
			return nil, errQuery(fmt.Sprintf("unknown field `%s`, expected one of `%s`", k, strings.Join(allowed, "`, `")))
		}
		if len(vs) > 1 {
			return nil, errQuery(fmt.Sprintf("duplicate field `%s`", k))
		}
		if len(vs[0]) > maxTextLen || !engine.ValidText(vs[0]) {
			return nil, errQuery(fmt.Sprintf("invalid value for `%s`", k))
		}
		out[k] = vs[0]
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dateTime accepts what chrono's lenient DateTime<FixedOffset> parser takes
// in the reference's tests, including single-digit fields (2024-03-11T0:0:0Z).
var dateTime = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2})$`)

func parseDateTime(s string) (time.Time, error) {
	m := dateTime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	ns := 0
	if m[7] != "" {
		frac := m[7][1:] + strings.Repeat("0", 9-len(m[7][1:]))
		ns, _ = strconv.Atoi(frac)
	}
	loc := time.UTC
	if z := m[8]; z != "Z" && z != "z" {
		z = strings.ReplaceAll(z, ":", "")
		off := (n2(z[1:3])*60 + n2(z[3:5])) * 60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t := time.Date(n(1), time.Month(n(2)), n(3), n(4), n(5), n(6), ns, loc)
	if t.Month() != time.Month(n(2)) || t.Day() != n(3) || t.Hour() != n(4) || t.Minute() != n(5) || t.Second() != n(6) {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t.UTC(), nil
}

func n2(s string) int { v, _ := strconv.Atoi(s); return v }
