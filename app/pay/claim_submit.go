package pay

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
	"taripay/engine"
	"taripay/engine/tari"
	"taripay/views"
)

// SubmitClaim serves POST /pay/{token}/claim. It checks the pasted memo
// signature exactly as /order/claim does, then claims through the engine
// with the token, so the claimant sees all of the customer's orders;
// nothing changes unless the signature covers this order and the shop has a
// payment address.
func (h *Handler) SubmitClaim(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return done(err)
	}
	ctx := c.UserContext()
	address := strings.TrimSpace(c.FormValue("address"))
	signature := strings.TrimSpace(c.FormValue("signature"))

	fail := func(status int, msg string) error {
		p, err := h.page(ctx, o)
		if err != nil {
			return done(h.internal(c, "claim of order "+o.OrderID, err))
		}
		form := views.ClaimForm{Action: "/pay/" + o.ClaimToken + "/claim", OrderID: o.OrderID}
		if p.Claim != nil {
			form = *p.Claim
		}
		form.Address, form.Signature, form.Error = address, signature, msg
		p.Claim = &form
		if p.Payment == nil {
			// A closed order has no claim section: the error joins the reason.
			p.Closed = msg + " " + p.Closed
		}
		return render(c, status, views.Pay(p))
	}

	if reason := closedReason(o, h.expired(o, h.now())); reason != "" {
		return fail(statusConflict, "This order cannot be claimed.")
	}
	claim, msg := h.parseClaim(o, address, signature)
	if msg != "" {
		return fail(statusInvalid, msg)
	}
	// As /order/claim: no claim is stored while there is no address to pay.
	switch _, err := h.eng.PaymentAddress(ctx); {
	case errors.Is(err, engine.ErrNoPaymentAddress):
		return fail(httperr.Status(err), "Your claim was not recorded.")
	case err != nil:
		return done(h.internal(c, "claim of order "+o.OrderID, err))
	}
	claimant := claim.Address.Base58()
	// The token in the URL proves the customer (engine.ClaimWithToken).
	_, err = h.eng.ClaimWithToken(engine.WithActor(ctx, "pay:"+claimant), o.ClaimToken, claimant)
	switch {
	case errors.Is(err, engine.ErrClaimedByOther):
		return fail(statusConflict, "This order is already claimed by another address. Pay from that address, or contact the shop.")
	case errors.Is(err, engine.ErrOrderClosed):
		// It closed since we loaded it: show why.
		if fresh, err := h.eng.OrderByClaimToken(ctx, o.ClaimToken); err == nil {
			o = fresh
		}
		return fail(httperr.Status(err), "This order cannot be claimed.")
	case errors.Is(err, engine.ErrOrderNotFound):
		return done(h.notFound(c))
	case err != nil:
		return fail(httperr.Status(err), "Something went wrong while recording your claim. Nothing was changed; please try again in a minute."+
			h.logFailure(c, "claim of order "+o.OrderID+" by "+claimant, err))
	}
	h.log.InfoContext(ctx, "order claimed from pay page", slog.String("order_id", o.OrderID), slog.String("address", claimant))
	if err := h.flash.add(c, "Claim accepted: this order is linked to your address."); err != nil {
		h.log.WarnContext(ctx, "pay page: claim notice", slog.String("order_id", o.OrderID), slog.Any("error", err))
	}
	return c.Redirect("/pay/"+o.ClaimToken, http.StatusSeeOther)
}

// The statuses of the claim form's own refusals, from the one table: a claim
// that is not valid, and an order whose state forbids it.
var (
	statusInvalid  = httperr.For(engine.EINVALID).Status
	statusConflict = httperr.For(engine.ECONFLICT).Status
)

// parseClaim reads the pasted address and signature (or the whole JSON that
// `taripay claim` prints) and verifies it against this order. It returns a
// message for the customer when the claim is not valid.
func (h *Handler) parseClaim(o engine.Order, address, signature string) (tari.MemoSignature, string) {
	if strings.HasPrefix(signature, "{") {
		m, err := tari.ParseMemoSignature([]byte(signature))
		if err != nil {
			return m, "The pasted claim is not valid JSON from taripay claim. Paste its output unchanged, or the address and signature separately."
		}
		if address != "" {
			if a, err := tari.ParseAddress(address); err != nil || a != m.Address {
				return m, "The address does not match the one in the pasted claim."
			}
		}
		return m, h.checkClaim(o, m)
	}
	if address == "" || signature == "" {
		return tari.MemoSignature{}, "Enter your Tari address and the signature."
	}
	a, err := tari.ParseAddress(address)
	if err != nil {
		return tari.MemoSignature{}, "That is not a valid Tari address. Paste it in base58 or emoji form."
	}
	sig, err := tari.ParseSignature(signature)
	if err != nil {
		return tari.MemoSignature{}, "That is not a valid signature: it should be 128 hexadecimal characters."
	}
	m := tari.MemoSignature{Address: a, OrderID: o.OrderID, Signature: sig}
	if !m.Verify() && !h.cfg.StrictMode && o.AltID != nil {
		m.OrderID = *o.AltID
	}
	return m, h.checkClaim(o, m)
}

// checkClaim accepts a signature over this order's id (or, outside strict
// mode, its alt_id), so a claim for another order cannot be replayed here.
func (h *Handler) checkClaim(o engine.Order, m tari.MemoSignature) string {
	forOrder := m.OrderID == o.OrderID || (!h.cfg.StrictMode && o.AltID != nil && m.OrderID == *o.AltID)
	if !forOrder {
		return "This claim was signed for another order (" + m.OrderID + "). Sign this order's id: " + o.OrderID + "."
	}
	if !m.Verify() {
		return "The signature is not valid for this address and order. Sign the order id " + o.OrderID + " with the address you will pay from."
	}
	return ""
}
