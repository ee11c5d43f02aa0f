package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

type orderActions interface {
	Fulfill(ctx context.Context, orderRef, reason string) (engine.Order, error)
	Cancel(ctx context.Context, orderRef, reason string) (engine.Order, error)
	ChangePrice(ctx context.Context, orderRef string, price engine.MicroTari, reason string) (engine.Order, error)
	ChangeMemo(ctx context.Context, orderRef, memo, reason string) (engine.Order, error)
	Reassign(ctx context.Context, orderRef, customerID, reason string) (engine.OrderMoved, error)
	Reset(ctx context.Context, orderRef, reason string) (engine.Order, error)
	RefundOverpayment(ctx context.Context, orderRef, reason string) (engine.Refund, error)
}

// orderAction is one staff action on an order. Every action asks for a
// reason, then confirms what it will do before it runs.
type orderAction struct {
	name   string // the path segment, and the form's id suffix
	title  string
	submit string
	danger bool
	// applies reports whether the action makes sense for the order's status.
	applies func(engine.Order) bool
	// field is the action's own input, if any.
	field *view.Field
	// check validates the action's own input; it returns a field error.
	check func(value string) string
	// confirm describes what will happen.
	confirm func(o engine.Order, value string) string
	run     func(ctx context.Context, e orderActions, o engine.Order, value, reason string) error
	done    string
}

// orderActionsFor lists the actions shown for an order.
func orderActionsFor(o engine.Order) []orderAction {
	var out []orderAction
	for _, a := range []orderAction{fulfillAction, cancelAction, priceAction, memoAction, reassignAction, resetAction} {
		if a.applies(o) {
			out = append(out, a)
		}
	}
	return out
}

// form renders the action's form with the entered values and their errors.
func (a orderAction) form(o engine.Order, vals map[string]string, errs map[string]string) view.Form {
	f := view.Form{
		ID:     "order-" + a.name,
		Action: orderHref(o.OrderID) + "/" + a.name,
		Fold:   a.title,
		Submit: a.submit,
		Danger: a.danger,
	}
	if a.field != nil {
		fl := *a.field
		fl.Value, fl.Error = vals[fl.Name], errs[fl.Name]
		f.Fields = append(f.Fields, fl)
	}
	f.Fields = append(f.Fields, view.Field{
		Name: "reason", Label: "Reason", Type: "textarea", Value: vals["reason"], Error: errs["reason"],
		Hint: "Recorded in the order's history with your name.",
	})
	return f
}

// orderAct runs the parse → validate → confirm → act → render cycle shared
// by every order action.
func (h *Handler) orderAct(c *fiber.Ctx, a orderAction) error {
	o, err := h.deps.Engine.Order(c.UserContext(), param(c, "id"), false)
	if err != nil {
		return err
	}
	vals := map[string]string{"reason": clip(c.FormValue("reason"))}
	errs := map[string]string{}
	var value string
	if a.field != nil {
		vals[a.field.Name] = clip(c.FormValue(a.field.Name))
		value = vals[a.field.Name]
		if msg := a.check(value); msg != "" {
			errs[a.field.Name] = msg
		}
	}
	reason, msg := checkText(vals["reason"], maxText)
	if msg != "" {
		errs["reason"] = msg
	}
	if !a.applies(o) {
		f := a.form(o, vals, errs)
		f.Error = "This action does not apply to a " + string(o.Status) + " order."
		// as the engine would refuse it (engine.ErrOrderForbidden)
		return formFail(c, statusInvalid, view.FormView(f))
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(a.form(o, vals, errs)))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(a.form(o, vals, nil)))
	default:
		f := a.form(o, vals, nil)
		f.Confirm = a.confirm(o, value)
		return render(c, view.FormView(f))
	}

	if err := a.run(actorCtx(c), h.deps.Engine, o, value, reason); err != nil {
		f := a.form(o, vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: order action", "order_id", o.OrderID, "action", a.name, "actor", staffOf(c).Actor())
	d, err := h.orderDetail(c, o.OrderID, &view.Flash{Text: a.done, Tone: "success"})
	if err != nil {
		return err
	}
	full := view.OrderShowView(view.OrderShowPage{Layout: h.layout(c, "Order "+d.Order.Name, "orders"), Detail: d})
	return formDone(c, "#order-detail", full, view.OrderDetailView(d))
}

func openOrder(o engine.Order) bool { return o.Status.Open() }

func anyOrder(engine.Order) bool { return true }
