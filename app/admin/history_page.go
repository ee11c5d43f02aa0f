package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

// historyPerPage is how many rows of each list one page of an order's,
// address's or customer's history shows: each list is read one page at a
// time (docs/security.md, resource limits).
const historyPerPage = 100

// historyPage is the page that ?page= asks of a history: its number, and
// the engine page to read, one row longer than shown, so that a list
// tells whether a next page exists.
func historyPage(c *fiber.Ctx) (int, engine.Page) {
	n, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || n < 1 || n > maxPage {
		n = 1
	}
	return n, engine.Page{Offset: (n - 1) * historyPerPage, Count: historyPerPage + 1}
}

// shown is the part of a list read with historyPage that its page shows,
// and whether the list goes on beyond it.
func shown[T any](rows []T) ([]T, bool) {
	if len(rows) > historyPerPage {
		return rows[:historyPerPage], true
	}
	return rows, false
}

// historyPager links the pages before and after page n of the history at
// href; more says one of its lists goes on.
func historyPager(href string, n int, more bool) view.Pager {
	var p view.Pager
	if n > 1 {
		p.PrevHref = href + "?page=" + strconv.Itoa(n-1)
	}
	if more {
		p.NextHref = href + "?page=" + strconv.Itoa(n+1)
	}
	return p
}
