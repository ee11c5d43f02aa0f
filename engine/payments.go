package engine

import (
	"context"
	"regexp"
	"slices"
	"strings"
)

// ReceivePayment stores a pending payment, consuming the wallet nonce in the
// same transaction. When the payment names an open order, the order is
// claimed for the sender (Unclaimed→New) and the sender linked to its
// customer; a closed order is left alone and the funds stay as credit. A
// duplicate txid changes nothing but the nonce (Received.Duplicate).
func (e *Engine) ReceivePayment(ctx context.Context, by WalletCall, p NewPayment) (Received, error) {
	if p.TxID == "" || p.Sender == "" {
		return Received{}, Errorf(EINVALID, ErrInvalidAmount, "A payment needs a txid and a sender")
	}
	if p.Amount <= 0 {
		return Received{}, Errorf(EINVALID, ErrInvalidAmount, "A payment amount must be positive")
	}
	ref := e.paymentOrderRef(p) // untrusted text, read before the write transaction
	var out Received
	err := e.update(ctx, func(t *txn) error {
		out = Received{}
		if err := t.useWalletNonce(by); err != nil {
			return err
		}
		pay := Payment{
			TxID: p.TxID, CreatedAt: t.now, UpdatedAt: t.now, Sender: p.Sender, Amount: p.Amount, Memo: p.Memo,
			PaymentType: PaymentOnChain, Status: PaymentReceived, OrderID: ref,
		}
		ok, err := t.InsertPayment(t.ctx, pay)
		if err != nil {
			return err
		}
		if !ok {
			out.Duplicate = true
			out.Payment, _, err = t.Payment(t.ctx, p.TxID)
			return err
		}
		t.audit("payment", pay.TxID, "status", nil, strPtr(string(pay.Status)), "payment received")
		if pay.OrderID != nil {
			if err := e.claimForPayment(t, pay); err != nil {
				return err
			}
		}
		out.Payment = pay
		return t.emit(PaymentReceivedEvent{Payment: pay})
	})
	if err != nil {
		return Received{}, err
	}
	return out, nil
}

// Received is what ReceivePayment did. Duplicate reports a txid already
// stored: Payment is the stored one, and only the nonce was used.
type Received struct {
	Payment   Payment
	Duplicate bool
}

// claimForPayment claims the order a payment names for its sender, who
// then sees it. An unknown order is matched when it arrives (AddOrder).
func (e *Engine) claimForPayment(t *txn, p Payment) error {
	o, err := t.findNamedOrder(*p.OrderID, !e.cfg.StrictMode)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	cur, err := t.LockOrder(t.ctx, o.ID)
	if err != nil || !cur.Status.Open() {
		return err
	}
	_, err = t.claim(cur, p.Sender, ProofPayment, "payment "+p.TxID+" names the order; claimed")
	return err
}

// useWalletNonce checks the wallet is authorised and burns its nonce. The
// conditional update goes first: it matches only an authorised wallet with
// an older nonce, so the wallet is read only to explain a refusal.
func (t *txn) useWalletNonce(by WalletCall) error {
	ok, err := t.SetWalletNonce(t.ctx, by.Address, by.Nonce, t.now)
	if err != nil || ok {
		return err
	}
	if _, found, err := t.Wallet(t.ctx, by.Address); err != nil {
		return err
	} else if !found {
		return Errorf(EUNAUTHORIZED, ErrWalletNotFound, "Wallet %s is not authorised", by.Address)
	}
	return Errorf(EUNAUTHORIZED, ErrInvalidNonce, "Wallet %s sent a nonce that is not newer than its last one", by.Address)
}

var memoDigits = regexp.MustCompile(`#?(\d+)`)

// paymentOrderRef finds the order a payment names: a verified memo
// signature's order_id; else the order the wallet's order_id (the payment
// id's text) or the memo names, read by ParseOrderRef; else the wallet's
// order_id as given. With TPG_DISABLE_MEMO_SIGNATURE_CHECK the reference's
// server's looser rule comes first: the first run of
// digits anywhere in the memo. A bare number is an order name ("#1001") in
// name mode.
func (e *Engine) paymentOrderRef(p NewPayment) *string {
	memo := ""
	if p.Memo != nil {
		memo = strings.TrimSpace(*p.Memo)
	}
	if sig, ok := e.readMemo(memo); ok {
		if sig.Verify() {
			return &sig.OrderID
		}
		return p.OrderID // a forged claim names nothing
	}
	byName := func(ref string) *string {
		if e.cfg.OrderIDFieldName && !strings.HasPrefix(ref, "#") && strings.Trim(ref, "0123456789") == "" {
			ref = "#" + ref
		}
		return &ref
	}
	if e.cfg.DisableMemoSignature {
		if m := memoDigits.FindStringSubmatch(memo); m != nil {
			return byName(m[1])
		}
	}
	for _, text := range []*string{p.OrderID, p.Memo} {
		if text == nil {
			continue
		}
		if ref, ok := ParseOrderRef(*text); ok {
			return byName(ref)
		}
	}
	return p.OrderID
}

// ConfirmPayment confirms a pending payment and, in the same transaction,
// pays the open orders of the sender's customers oldest first (algorithm A).
// A repeat changes nothing but the nonce (Confirmation.Repeat); a cancelled
// payment is refused.
func (e *Engine) ConfirmPayment(ctx context.Context, by WalletCall, txid string) (Confirmation, error) {
	var out Confirmation
	err := e.update(ctx, func(t *txn) error {
		out = Confirmation{}
		p, err := t.walletPayment(by, txid)
		if err != nil {
			return err
		}
		out.Payment = p
		switch p.Status {
		case PaymentConfirmed:
			out.Repeat = true
			return nil
		case PaymentCancelled:
			return Errorf(ECONFLICT, ErrPaymentStatus, "Payment %s is cancelled and cannot be confirmed", txid)
		}
		// The conditional update takes the payment row first, so of two
		// concurrent confirmations exactly one moves the money.
		if ok, err := t.SetPaymentStatus(t.ctx, txid, PaymentReceived, PaymentConfirmed, t.now); err != nil {
			return err
		} else if !ok {
			out.Repeat = true
			return nil
		}
		if err := t.AddConfirmed(t.ctx, p.Sender, p.Amount, t.now); err != nil {
			return err
		}
		t.audit("payment", txid, "status", strPtr(string(PaymentReceived)), strPtr(string(PaymentConfirmed)), "confirmed by wallet")
		out.Payment.Status, out.Payment.UpdatedAt = PaymentConfirmed, t.now
		orders, err := t.allOrders((*txn).linkedOrders, p.Sender, true)
		if err != nil {
			return err
		}
		if out.Paid, _, err = e.payFromAddress(t, p.Sender, e.namedFirst(orders, p.OrderID)); err != nil {
			return err
		}
		if err := e.queuePartPayment(t, out.Payment); err != nil {
			return err
		}
		return t.emit(ConfirmationEvent{Payment: out.Payment})
	})
	if err != nil {
		return Confirmation{}, err
	}
	if out.Paid == nil {
		out.Paid = []Order{}
	}
	return out, nil
}

// Confirmation is what ConfirmPayment did: Paid lists the orders the
// payment paid. Repeat reports a payment that was already confirmed: only
// the nonce was used, and Paid is empty.
type Confirmation struct {
	Payment Payment
	Paid    []Order
	Repeat  bool
}

// namedFirst moves the order a payment names to the front, so that the
// customer's payment pays the order it was sent for before older ones.
func (e *Engine) namedFirst(orders []Order, ref *string) []Order {
	if ref == nil {
		return orders
	}
	for i, o := range orders {
		if i > 0 && slices.Contains(e.orderRefs(o), *ref) {
			out := append([]Order{o}, orders[:i]...)
			return append(out, orders[i+1:]...)
		}
	}
	return orders
}

// CancelPayment moves a Received payment to Cancelled. One already
// Confirmed or Cancelled changes nothing but the nonce (Cancellation.Repeat).
func (e *Engine) CancelPayment(ctx context.Context, by WalletCall, txid string) (Cancellation, error) {
	var out Cancellation
	err := e.update(ctx, func(t *txn) error {
		out = Cancellation{}
		p, err := t.walletPayment(by, txid)
		if err != nil {
			return err
		}
		out.Payment = p
		if p.Status == PaymentConfirmed || p.Status == PaymentCancelled {
			out.Repeat = true
			return nil
		}
		if ok, err := t.SetPaymentStatus(t.ctx, txid, PaymentReceived, PaymentCancelled, t.now); err != nil || !ok {
			return err
		}
		out.Payment.Status, out.Payment.UpdatedAt = PaymentCancelled, t.now
		t.audit("payment", txid, "status", strPtr(string(PaymentReceived)), strPtr(string(PaymentCancelled)), "cancelled by wallet")
		return nil
	})
	if err != nil {
		return Cancellation{}, err
	}
	return out, nil
}

// Cancellation is what CancelPayment did. Repeat reports a payment that was
// already final, Confirmed or Cancelled as Payment.Status says: only the
// nonce was used.
type Cancellation struct {
	Payment Payment
	Repeat  bool
}

// PaymentsForOrder lists page p of the payments that name an order (by
// order_id, and by alt_id when strict mode is off), oldest first.
func (e *Engine) PaymentsForOrder(ctx context.Context, orderID string, p Page) ([]Payment, error) {
	p = p.bounded()
	var out []Payment
	err := e.view(ctx, func(t *txn) error {
		refs := []string{orderID}
		if o, ok, err := t.OrderByRef(t.ctx, orderID, false); err != nil {
			return err
		} else if ok {
			refs = e.orderRefs(o)
		}
		var err error
		out, err = t.PaymentsForOrderRefs(t.ctx, refs, p.Offset, p.Count)
		return err
	})
	return out, err
}

// OrderReceipts adds up the payments that name an order, by status;
// cancelled ones count for nothing.
type OrderReceipts struct {
	Pending   MicroTari // received, not yet confirmed by the hot wallet
	Confirmed MicroTari
}

// Total is what the payments that name the order bring, pending or not.
func (r OrderReceipts) Total() MicroTari { return r.Pending + r.Confirmed }

// Due is what is left to pay of an order totalling total once these
// payments count, pending or not; 0 once they cover it.
func (r OrderReceipts) Due(total MicroTari) MicroTari { return max(total-r.Total(), 0) }

// Receipts adds up payments that name one order, by status.
func Receipts(payments []Payment) OrderReceipts {
	var r OrderReceipts
	for _, p := range payments {
		switch p.Status {
		case PaymentReceived:
			r.Pending += p.Amount
		case PaymentConfirmed:
			r.Confirmed += p.Amount
		}
	}
	return r
}

// ReceiptsForOrder adds up the payments that name o (by order_id, and by
// alt_id when strict mode is off) in one indexed sum, so that a pay page
// can say a payment has arrived before it is confirmed; it reads no row
// of them, however many there are.
func (e *Engine) ReceiptsForOrder(ctx context.Context, o Order) (OrderReceipts, error) {
	var r OrderReceipts
	err := e.view(ctx, func(t *txn) (err error) {
		r, err = t.OrderReceipts(t.ctx, e.orderRefs(o))
		return err
	})
	return r, err
}

// walletPayment consumes the wallet's nonce and loads the payment that its
// notification names.
func (t *txn) walletPayment(by WalletCall, txid string) (Payment, error) {
	if err := t.useWalletNonce(by); err != nil {
		return Payment{}, err
	}
	p, ok, err := t.Payment(t.ctx, txid)
	if err != nil {
		return Payment{}, err
	}
	if !ok {
		return Payment{}, Errorf(ENOTFOUND, ErrPaymentNotFound, "Payment %s does not exist", txid)
	}
	return p, nil
}
