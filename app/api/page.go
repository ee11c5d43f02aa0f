package api

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// pageParams are the query parameters of every paged list: offset (default
// 0) and count (default and at most engine.MaxPageSize). docs/security.md
// lists the routes that take them.
var pageParams = []string{"offset", "count"}

// page reads a list's page from its query; a count above
// engine.MaxPageSize, or below 1, is refused rather than cut short, so a
// client never takes a short page for the end of the list.
func page(q map[string]string) (engine.Page, error) {
	p := engine.Page{Count: engine.MaxPageSize}
	if v, ok := q["offset"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, errQuery("invalid value for `offset`: expected a non-negative integer")
		}
		p.Offset = n
	}
	if v, ok := q["count"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > engine.MaxPageSize {
			return p, errQuery(fmt.Sprintf("invalid value for `count`: expected an integer from 1 to %d", engine.MaxPageSize))
		}
		p.Count = n
	}
	return p, nil
}

// pageQuery is the page of a list route whose only query parameters are
// the page's.
func pageQuery(c *fiber.Ctx) (engine.Page, error) {
	q, err := query(c, pageParams...)
	if err != nil {
		return engine.Page{}, err
	}
	return page(q)
}
