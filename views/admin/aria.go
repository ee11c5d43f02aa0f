package admin

import (
	"strings"

	"github.com/a-h/templ"
)

// described ties an input to its hint and its error, whose elements carry
// the ids id+"-hint" and id+"-error": a screen reader reads them with the
// field, and an error marks the field invalid.
func described(id, hint, err string) templ.Attributes {
	a := templ.Attributes{}
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if err != "" {
		ids = append(ids, id+"-error")
		a["aria-invalid"] = "true"
	}
	if len(ids) > 0 {
		a["aria-describedby"] = strings.Join(ids, " ")
	}
	return a
}
