package engine

// MaxPageSize is the most items one page of any list holds: the API's
// count, the store's LIMIT (docs/security.md, resource limits).
const MaxPageSize = 1000

// Page is one window of a sorted list: at most Count items after the first
// Offset. The zero Page is the first full page.
type Page struct {
	Offset int
	Count  int
}

// bounded is p with a Count outside 1..MaxPageSize made MaxPageSize and a
// negative Offset made 0: every list read is bounded, whoever asks.
func (p Page) bounded() Page {
	if p.Count <= 0 || p.Count > MaxPageSize {
		p.Count = MaxPageSize
	}
	p.Offset = max(p.Offset, 0)
	return p
}
