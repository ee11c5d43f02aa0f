// Package shopifytest is a recording fake of the Shopify GraphQL Admin API on
// loopback, plus helpers that sign webhooks the way Shopify does. Tests in
// any package may use it.
//
// The fake is as strict as Shopify: every request is validated against the
// vendored Admin API schema (schema.go) and checked against the granted
// access scopes before the fake acts on it.
package shopifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Token is the access token the fake accepts unless told otherwise.
const Token = "shpat_test_token"

// Call is one recorded GraphQL operation.
type Call struct {
	Op        string // the operation name, e.g. "MarkAsPaid"
	Version   string // the API version in the path
	Query     string
	Variables map[string]any
	Status    int      // what the fake answered
	Errors    []string // the GraphQL errors of a refused call: invalid, or outside the granted scopes
}

// Transaction is a payment transaction of a fake order.
type Transaction struct {
	ID                 string
	Kind               string // AUTHORIZATION, CAPTURE, SALE
	Status             string // SUCCESS, PENDING
	Amount             string
	Currency           string
	ManuallyCapturable bool
	ParentID           string
	Gateway            string // e.g. "Tari"; a capture takes its parent's
}

// Order is a fake order: the state taripay's re-checks read, and what a
// rescan of open orders returns.
type Order struct {
	ID              string
	Name            string
	Cancelled       bool
	Restocked       bool
	FinancialStatus string   // PENDING, AUTHORIZED, PARTIALLY_PAID, PAID
	Gateways        []string // paymentGatewayNames, e.g. "Tari" or "shopify_payments"
	Transactions    []Transaction

	CreatedAt  string // RFC 3339
	Currency   string // shop currency
	TotalPrice string
	CustomerID string
	Note       string
	PayURL     string // the taripay.pay_url metafield
	// PresentmentCurrency is the customer's currency ("": Currency).
	PresentmentCurrency string
	Received            string // the taripay.received money metafield's JSON value
}

// Variant is a fake product variant with its Tari price metafield.
type Variant struct {
	ID        string
	Price     string
	TariPrice *string
}

type fault struct {
	status     int
	throttled  bool // HTTP 200 with a THROTTLED GraphQL error
	retryAfter string
	hold       chan struct{} // when set, the call is applied, then held open
}

// Fake is the recording Admin API server.
type Fake struct {
	*httptest.Server
	Token    string
	Currency string // the shop currency
	Name     string // the shop's name; SetName changes it while the fake serves
	// OrderPagesExtensible is the published checkout profile's
	// typOspPagesActive: whether the Thank-you and Order status pages
	// render app extensions.
	OrderPagesExtensible bool
	// Plus is the shop's plan.shopifyPlus: orderCreateManualPayment takes
	// an amount only then.
	Plus bool

	mu             sync.Mutex
	calls          []Call
	faults         map[string][]fault
	orders         map[string]*Order
	variants       []*Variant
	rates          map[string]string
	rateDef        map[string]bool // the tari_price metaobject definition's fields; nil until created
	priceDefined   bool            // the custom.tari_price metafield definition exists
	payLinkDefined bool            // the taripay.pay_url order metafield definition exists
	subscriptions  []map[string]string
	nextID         int
	arrived        chan string

	t              testing.TB
	schema         *Schema
	scopes         Scopes
	invalidAllowed bool
}

// New starts a fake on 127.0.0.1, closed when the test ends. It grants the
// scopes shopify.app.toml asks for, and fails the test when a request is not
// valid against the Admin API schema.
func New(t testing.TB) *Fake {
	schema, err := AdminSchema()
	if err != nil {
		t.Fatal(err)
	}
	app, err := LoadApp()
	if err != nil {
		t.Fatal(err)
	}
	f := &Fake{
		Token: Token, Currency: "USD", Name: "Test Shop",
		faults: map[string][]fault{}, orders: map[string]*Order{}, rates: map[string]string{},
		nextID: 9_000_000, arrived: make(chan string, 1024),
		t: t, schema: schema, scopes: app.Scopes(),
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// AddOrder puts an order in the fake store.
func (f *Fake) AddOrder(o Order) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o.FinancialStatus == "" {
		o.FinancialStatus = "PENDING"
	}
	f.orders[o.ID] = &o
}

// SetName renames the shop.
func (f *Fake) SetName(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Name = name
}

// Order returns a copy of a stored order.
func (f *Fake) Order(id string) (Order, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return Order{}, false
	}
	c := *o
	c.Gateways = slices.Clone(o.Gateways)
	c.Transactions = slices.Clone(o.Transactions)
	return c, true
}

// AddVariant puts a product variant in the fake store.
func (f *Fake) AddVariant(v Variant) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.variants = append(f.variants, &v)
}

// Variant returns a copy of a stored variant.
func (f *Fake) Variant(id string) (Variant, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.variants {
		if v.ID == id {
			return *v, true
		}
	}
	return Variant{}, false
}

// Rates returns the fields of the tari-price-global metaobject.
func (f *Fake) Rates() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.rates {
		out[k] = v
	}
	return out
}

// Definitions reports the tari_price metaobject definition's fields (nil
// when it does not exist) and whether custom.tari_price is defined.
func (f *Fake) Definitions() (rateFields []string, priceDefined bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.rateDef {
		rateFields = append(rateFields, k)
	}
	slices.Sort(rateFields)
	return rateFields, f.priceDefined
}

// PayLinkDefined reports whether the taripay.pay_url order metafield is
// defined.
func (f *Fake) PayLinkDefined() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.payLinkDefined
}

// Subscriptions returns the webhook subscriptions as topic → URI.
func (f *Fake) Subscriptions() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for _, s := range f.subscriptions {
		out[s["topic"]] = s["uri"]
	}
	return out
}

// Grant replaces the granted access scopes, as if the merchant had approved
// only these.
func (f *Fake) Grant(scopes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scopes = ParseScopes(strings.Join(scopes, ","))
}

// AllowInvalid lets requests that are not valid against the schema be
// answered with Shopify's errors without failing the test: for tests of
// that answer.
func (f *Fake) AllowInvalid() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidAllowed = true
}

// FailNext makes the next n calls of op answer HTTP status.
func (f *Fake) FailNext(op string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.faults[op] = append(f.faults[op], fault{status: status})
	}
}

// ThrottleNext makes the next call of op answer 429 with Retry-After.
func (f *Fake) ThrottleNext(op, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[op] = append(f.faults[op], fault{status: http.StatusTooManyRequests, retryAfter: retryAfter})
}

// ThrottleGraphQLNext makes the next call of op fail as Shopify's GraphQL
// cost limit does: HTTP 200, a THROTTLED error, and a bucket 10 points short
// restoring 50 a second.
func (f *Fake) ThrottleGraphQLNext(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[op] = append(f.faults[op], fault{throttled: true})
}

// HoldNext makes the next call of op take effect and then hang until the
// returned function is called (or the client gives up): Shopify acted, but
// the caller never heard back.
func (f *Fake) HoldNext(op string) (release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan struct{})
	f.faults[op] = append(f.faults[op], fault{hold: ch})
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// Arrived returns a channel that receives each operation name as it arrives.
func (f *Fake) Arrived() <-chan string { return f.arrived }

// Calls returns the recorded calls, of op only when op is not "".
func (f *Fake) Calls(op string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if op == "" || c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// Succeeded counts the calls of op that were answered 200 without errors.
func (f *Fake) Succeeded(op string) int {
	n := 0
	for _, c := range f.Calls(op) {
		if c.Status == http.StatusOK && len(c.Errors) == 0 {
			n++
		}
	}
	return n
}

var (
	pathPattern = regexp.MustCompile(`^/admin/api/([0-9]{4}-[0-9]{2}|unstable)/graphql\.json$`)
	opPattern   = regexp.MustCompile(`^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)`)
)

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	m := pathPattern.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		http.Error(w, `{"errors":"Not Found"}`, http.StatusNotFound)
		return
	}
	if r.Header.Get("X-Shopify-Access-Token") != f.Token {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`)
		return
	}
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"errors":"bad json"}`, http.StatusBadRequest)
		return
	}
	op := ""
	if om := opPattern.FindStringSubmatch(req.Query); om != nil {
		op = om[1]
	}
	call := Call{Op: op, Version: m[1], Query: req.Query, Variables: req.Variables}

	f.mu.Lock()
	if errs := f.refuse(req.Query, req.Variables); len(errs) > 0 {
		for _, e := range errs {
			call.Errors = append(call.Errors, e.Message)
		}
		call.Status = http.StatusOK
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		f.arrive(op)
		// Shopify answers a request it will not run with HTTP 200 and errors.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Shopify-API-Version", m[1])
		json.NewEncoder(w).Encode(map[string]any{"errors": errs})
		return
	}
	var ft fault
	if q := f.faults[op]; len(q) > 0 {
		ft, f.faults[op] = q[0], q[1:]
	}
	if ft.throttled {
		call.Status = http.StatusTooManyRequests // recorded as refused, though sent as 200
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		f.arrive(op)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],`+
			`"extensions":{"cost":{"requestedQueryCost":10,"actualQueryCost":null,`+
			`"throttleStatus":{"maximumAvailable":1000,"currentlyAvailable":0,"restoreRate":50}}}}`)
		return
	}
	if ft.status != 0 {
		call.Status = ft.status
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		f.arrive(op)
		if ft.retryAfter != "" {
			w.Header().Set("Retry-After", ft.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ft.status)
		fmt.Fprintf(w, `{"errors":"scripted %d"}`, ft.status)
		return
	}
	data, err := f.apply(op, req.Variables)
	call.Status = http.StatusOK
	if err != nil {
		call.Status = http.StatusBadRequest
	}
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	f.arrive(op)
	if ft.hold != nil {
		select {
		case <-ft.hold:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Shopify-API-Version", m[1])
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"errors": err.Error()})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"data": data})
}

// refuse returns the errors Shopify would answer instead of running the
// request: schema errors in the document or its variables, else the fields
// outside the granted scopes. Every version in the path is held to the one
// vendored schema. f.mu is held.
func (f *Fake) refuse(query string, vars map[string]any) gqlerror.List {
	op, errs := f.schema.Validate(query)
	if errs == nil {
		errs = f.schema.ValidateVariables(op, vars)
	}
	if len(errs) > 0 {
		if !f.invalidAllowed {
			f.t.Errorf("fake Shopify: request not valid against the %s Admin API schema: %v\n%s", f.schema.Version, errs, query)
		}
		return errs
	}
	return f.schema.Denied(op, f.scopes)
}

func (f *Fake) arrive(op string) {
	select {
	case f.arrived <- op:
	default:
	}
}

// apply runs one operation against the store; f.mu is held.
func (f *Fake) apply(op string, vars map[string]any) (any, error) {
	switch op {
	case "GetOrder":
		o := f.orders[idOf(vars["id"])]
		if o == nil {
			return map[string]any{"order": nil}, nil
		}
		return map[string]any{"order": orderJSON(o)}, nil
	case "MarkAsPaid":
		input, _ := vars["input"].(map[string]any)
		o := f.orders[idOf(input["id"])]
		switch {
		case o == nil:
			return mutation("orderMarkAsPaid", "userErrors", "Order does not exist"), nil
		case o.Cancelled || o.FinancialStatus == "PAID":
			return mutation("orderMarkAsPaid", "userErrors", "Order cannot be marked as paid"), nil
		}
		// Shopify marks what is outstanding as paid, nothing more.
		o.Transactions = append(o.Transactions, Transaction{ID: f.newID(), Kind: "SALE", Status: "SUCCESS",
			Amount: f.outstanding(o), Currency: o.Currency, Gateway: "manual"})
		o.FinancialStatus = "PAID"
		return mutation("orderMarkAsPaid", "userErrors", ""), nil
	case "Capture":
		input, _ := vars["input"].(map[string]any)
		o := f.orders[idOf(input["id"])]
		parent := idOf(input["parentTransactionId"])
		if o == nil {
			return mutation("orderCapture", "userErrors", "Order does not exist"), nil
		}
		i := slices.IndexFunc(o.Transactions, func(t Transaction) bool { return t.ID == parent })
		if i >= 0 && o.Transactions[i].Status == "PENDING" {
			return f.capturePending(o, i, input), nil
		}
		if i < 0 || !o.Transactions[i].ManuallyCapturable {
			return mutation("orderCapture", "userErrors", "Transaction is not capturable"), nil
		}
		o.Transactions[i].ManuallyCapturable = false
		amount, _ := input["amount"].(string)
		o.Transactions = append(o.Transactions, Transaction{ID: f.newID(), Kind: "CAPTURE", Status: "SUCCESS", Amount: amount, ParentID: parent})
		return mutation("orderCapture", "userErrors", ""), nil
	case "CancelOrder":
		o := f.orders[idOf(vars["orderId"])]
		switch {
		case o == nil:
			return mutation("orderCancel", "orderCancelUserErrors", "Order does not exist"), nil
		case o.Cancelled:
			return mutation("orderCancel", "orderCancelUserErrors", "Order has already been cancelled"), nil
		}
		o.Cancelled = true
		o.Restocked, _ = vars["restock"].(bool)
		return mutation("orderCancel", "orderCancelUserErrors", ""), nil
	case "OpenOrders":
		return f.openOrders(vars), nil
	case "PartPaymentOrder", "CreateManualPayment", "RecordReceived":
		return f.applyPartPayment(op, vars), nil
	case "Connection":
		var handles []map[string]any
		for _, sc := range slices.Sorted(maps.Keys(f.scopes)) {
			handles = append(handles, map[string]any{"handle": sc})
		}
		return map[string]any{
			"shop":                   map[string]any{"name": f.Name},
			"currentAppInstallation": map[string]any{"accessScopes": handles},
		}, nil
	case "CheckoutPages":
		return map[string]any{"checkoutProfiles": map[string]any{"nodes": []any{
			map[string]any{"isPublished": false, "typOspPagesActive": true}, // a draft
			map[string]any{"isPublished": true, "typOspPagesActive": f.OrderPagesExtensible},
		}}}, nil
	case "ShopCurrency":
		return map[string]any{"shop": map[string]any{"currencyCode": f.Currency}}, nil
	case "ShopName":
		return map[string]any{"shop": map[string]any{"name": f.Name}}, nil
	case "Variants":
		return f.variantPage(vars), nil
	case "VariantsByID":
		var nodes []any
		ids, _ := vars["ids"].([]any)
		for _, id := range ids {
			var node any = nil
			for _, v := range f.variants {
				if v.ID == idOf(id) {
					node = variantJSON(v)
				}
			}
			nodes = append(nodes, node)
		}
		return map[string]any{"nodes": nodes}, nil
	case "SetTariPrices":
		fields, _ := vars["metafields"].([]any)
		if len(fields) > 25 {
			return nil, fmt.Errorf("metafields: at most 25, got %d", len(fields))
		}
		for _, mf := range fields {
			m, _ := mf.(map[string]any)
			value, _ := m["value"].(string)
			for _, v := range f.variants {
				if v.ID == idOf(m["ownerId"]) {
					v.TariPrice = &value
				}
			}
		}
		return mutation("metafieldsSet", "userErrors", ""), nil
	case "UpsertRates":
		mo, _ := vars["metaobject"].(map[string]any)
		fields, _ := mo["fields"].([]any)
		for _, fl := range fields {
			m, _ := fl.(map[string]any)
			k, _ := m["key"].(string)
			if !f.rateDef[k] {
				return mutation("metaobjectUpsert", "userErrors", "Field definition \""+k+"\" does not exist"), nil
			}
		}
		for _, fl := range fields {
			m, _ := fl.(map[string]any)
			k, _ := m["key"].(string)
			f.rates[k], _ = m["value"].(string)
		}
		return mutation("metaobjectUpsert", "userErrors", ""), nil
	case "RateDefinition":
		if f.rateDef == nil {
			return map[string]any{"metaobjectDefinitionByType": nil}, nil
		}
		var defs []any
		for k := range f.rateDef {
			defs = append(defs, map[string]any{"key": k})
		}
		return map[string]any{"metaobjectDefinitionByType": map[string]any{
			"id": "gid://shopify/MetaobjectDefinition/1", "fieldDefinitions": defs}}, nil
	case "CreateRateDefinition":
		if f.rateDef != nil {
			return mutation("metaobjectDefinitionCreate", "userErrors", "Type has already been taken"), nil
		}
		def, _ := vars["definition"].(map[string]any)
		f.rateDef = map[string]bool{}
		fields, _ := def["fieldDefinitions"].([]any)
		for _, fd := range fields {
			m, _ := fd.(map[string]any)
			k, _ := m["key"].(string)
			f.rateDef[k] = true
		}
		return mutation("metaobjectDefinitionCreate", "userErrors", ""), nil
	case "AddRateField":
		def, _ := vars["definition"].(map[string]any)
		ops, _ := def["fieldDefinitions"].([]any)
		for _, op := range ops {
			m, _ := op.(map[string]any)
			c, _ := m["create"].(map[string]any)
			k, _ := c["key"].(string)
			if f.rateDef == nil || f.rateDef[k] {
				return mutation("metaobjectDefinitionUpdate", "userErrors", "Key \""+k+"\" is in use"), nil
			}
			f.rateDef[k] = true
		}
		return mutation("metaobjectDefinitionUpdate", "userErrors", ""), nil
	case "CreateTariPriceDefinition":
		return defineMetafield(&f.priceDefined), nil
	case "CreatePayLinkDefinition":
		def, _ := vars["definition"].(map[string]any)
		if def["ownerType"] != "ORDER" || def["namespace"] != "taripay" || def["key"] != "pay_url" {
			return nil, fmt.Errorf("CreatePayLinkDefinition: unexpected definition %v", def)
		}
		return defineMetafield(&f.payLinkDefined), nil
	case "SetPayLink":
		fields, _ := vars["metafields"].([]any)
		for _, mf := range fields {
			m, _ := mf.(map[string]any)
			o := f.orders[idOf(m["ownerId"])]
			switch {
			case o == nil:
				return mutation("metafieldsSet", "userErrors", "Owner does not exist"), nil
			case !f.payLinkDefined && m["type"] != "url":
				return mutation("metafieldsSet", "userErrors", "Type can't be blank"), nil
			}
			o.PayURL, _ = m["value"].(string)
		}
		return mutation("metafieldsSet", "userErrors", ""), nil
	case "WebhookSubscriptions":
		var nodes []any
		for _, s := range f.subscriptions {
			nodes = append(nodes, map[string]any{"id": s["id"], "topic": s["topic"], "uri": s["uri"]})
		}
		return map[string]any{"webhookSubscriptions": map[string]any{"nodes": nodes,
			"pageInfo": map[string]any{"hasNextPage": false, "endCursor": nil}}}, nil
	case "CreateWebhook":
		sub, _ := vars["sub"].(map[string]any)
		topic, _ := vars["topic"].(string)
		uri, _ := sub["uri"].(string)
		f.subscriptions = append(f.subscriptions, map[string]string{
			"id": "gid://shopify/WebhookSubscription/" + f.newID(), "topic": topic, "uri": uri})
		return mutation("webhookSubscriptionCreate", "userErrors", ""), nil
	case "UpdateWebhook":
		sub, _ := vars["sub"].(map[string]any)
		for _, s := range f.subscriptions {
			if s["id"] == vars["id"] {
				s["uri"], _ = sub["uri"].(string)
			}
		}
		return mutation("webhookSubscriptionUpdate", "userErrors", ""), nil
	}
	return nil, fmt.Errorf("fake Shopify does not know operation %q", op)
}

// defineMetafield answers metafieldDefinitionCreate for the definition
// whose existence *defined records: created, or TAKEN as Shopify answers a
// second time.
func defineMetafield(defined *bool) any {
	if *defined {
		return map[string]any{"metafieldDefinitionCreate": map[string]any{"userErrors": []any{
			map[string]any{"field": []string{"definition", "key"}, "message": "Key is in use", "code": "TAKEN"}}}}
	}
	*defined = true
	return mutation("metafieldDefinitionCreate", "userErrors", "")
}

func (f *Fake) newID() string {
	f.nextID++
	return strconv.Itoa(f.nextID)
}

func (f *Fake) variantPage(vars map[string]any) any {
	const size = 250
	start := 0
	if after, ok := vars["after"].(string); ok {
		start, _ = strconv.Atoi(after)
	}
	end := min(start+size, len(f.variants))
	var nodes []any
	for _, v := range f.variants[start:end] {
		nodes = append(nodes, variantJSON(v))
	}
	return map[string]any{"productVariants": map[string]any{"nodes": nodes,
		"pageInfo": map[string]any{"hasNextPage": end < len(f.variants), "endCursor": strconv.Itoa(end)}}}
}

// openOrders pages the uncancelled orders, 25 at a time, by id.
func (f *Fake) openOrders(vars map[string]any) any {
	var open []*Order
	for _, o := range f.orders {
		if !o.Cancelled {
			open = append(open, o)
		}
	}
	slices.SortFunc(open, func(a, b *Order) int { return strings.Compare(a.ID, b.ID) })
	start := 0
	if after, ok := vars["after"].(string); ok {
		start, _ = strconv.Atoi(after)
	}
	end := min(start+25, len(open))
	nodes := []any{}
	for _, o := range open[start:end] {
		money := func(amount string) any {
			return map[string]any{"shopMoney": map[string]any{"amount": amount, "currencyCode": o.Currency}}
		}
		var customer, note any
		if o.CustomerID != "" {
			customer = map[string]any{"id": "gid://shopify/Customer/" + o.CustomerID}
		}
		if o.Note != "" {
			note = o.Note
		}
		nodes = append(nodes, map[string]any{
			"legacyResourceId": o.ID, "name": o.Name, "createdAt": o.CreatedAt, "note": note,
			"currencyCode": o.Currency, "presentmentCurrencyCode": o.Currency, "customAttributes": []any{},
			"displayFinancialStatus": o.FinancialStatus, "paymentGatewayNames": gateways(o),
			"customer": customer, "totalPriceSet": money(o.TotalPrice), "subtotalPriceSet": money(o.TotalPrice),
			"totalOutstandingSet": money(o.TotalPrice),
		})
	}
	return map[string]any{"orders": map[string]any{"nodes": nodes,
		"pageInfo": map[string]any{"hasNextPage": end < len(open), "endCursor": strconv.Itoa(end)}}}
}

func variantJSON(v *Variant) any {
	var mf any
	if v.TariPrice != nil {
		mf = map[string]any{"value": *v.TariPrice}
	}
	return map[string]any{"id": "gid://shopify/ProductVariant/" + v.ID, "price": v.Price, "metafield": mf}
}

func orderJSON(o *Order) any {
	var txs []any
	for _, t := range o.Transactions {
		var parent any
		if t.ParentID != "" {
			parent = map[string]any{"id": "gid://shopify/OrderTransaction/" + t.ParentID}
		}
		// One amount in both monies: the fake does not convert.
		txs = append(txs, map[string]any{
			"id": "gid://shopify/OrderTransaction/" + t.ID, "kind": t.Kind, "status": t.Status, "gateway": t.Gateway,
			"manuallyCapturable": t.ManuallyCapturable, "parentTransaction": parent,
			"amountSet": map[string]any{"presentmentMoney": map[string]any{"amount": t.Amount, "currencyCode": t.Currency},
				"shopMoney": map[string]any{"amount": t.Amount, "currencyCode": o.Currency}},
		})
	}
	var cancelledAt any
	if o.Cancelled {
		cancelledAt = "2026-01-01T00:00:00Z"
	}
	return map[string]any{
		"id": "gid://shopify/Order/" + o.ID, "name": o.Name, "cancelledAt": cancelledAt,
		"displayFinancialStatus": o.FinancialStatus,
		"paymentGatewayNames":    gateways(o),
		"canMarkAsPaid":          !o.Cancelled && o.FinancialStatus != "PAID",
		"transactions":           txs,
	}
}

// gateways is an order's paymentGatewayNames: a list, never null.
func gateways(o *Order) []string {
	if o.Gateways == nil {
		return []string{}
	}
	return o.Gateways
}

// mutation builds a payload with an empty or one-message error list.
func mutation(field, errorsField, message string) any {
	errs := []any{}
	if message != "" {
		errs = append(errs, map[string]any{"field": []string{"id"}, "message": message})
	}
	return map[string]any{field: map[string]any{errorsField: errs}}
}

// idOf returns the numeric tail of a gid.
func idOf(v any) string {
	s, _ := v.(string)
	return s[strings.LastIndexByte(s, '/')+1:]
}
