package admin

import (
	"context"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// fakeEngine is a function-field fake: each test sets the methods it needs;
// the rest answer empty.
type fakeEngine struct {
	order            func(ref string) (engine.Order, error)
	searchOrders     func(q engine.OrderQuery) ([]engine.Order, error)
	paymentsForOrder func(orderID string) ([]engine.Payment, error)
	audit            func(entity, id string) ([]engine.AuditEntry, error)
	sideEffects      func(orderID string) ([]engine.SideEffect, error)
	fulfill          func(ctx context.Context, ref, reason string) (engine.Order, error)
	cancel           func(ctx context.Context, ref, reason string) (engine.Order, error)
	changePrice      func(ctx context.Context, ref string, price engine.MicroTari, reason string) (engine.Order, error)
	changeMemo       func(ctx context.Context, ref, memo, reason string) (engine.Order, error)
	reassign         func(ctx context.Context, ref, customerID, reason string) (engine.OrderMoved, error)
	reset            func(ctx context.Context, ref, reason string) (engine.Order, error)
	customerIDs      func(offset, count int) ([]string, error)
	customerHistory  func(id string) (engine.CustomerHistory, error)
	creditNote       func(ctx context.Context, id string, amount engine.MicroTari, reason string) (engine.MultiAccountPayment, error)
	settleCustomer   func(ctx context.Context, id string) (engine.MultiAccountPayment, error)
	refunds          func(statuses []engine.RefundStatus) ([]engine.Refund, error)
	markRefundSent   func(ctx context.Context, id int64, txid, reason string) (engine.Refund, error)
	creditRefund     func(ctx context.Context, id int64, reason string) (engine.Refund, error)
	latePayments     func(q engine.LatePaymentQuery) ([]engine.LatePayment, error)
	refundLate       func(ctx context.Context, txid, reason string) (engine.Refund, error)
	keepLate         func(ctx context.Context, txid, reason string) (engine.LatePayment, error)
	overpayment      func(ref string) (engine.Overpayment, error)
	refundOverpaid   func(ctx context.Context, ref, reason string) (engine.Refund, error)
	wallets          func() ([]engine.Wallet, error)
	authorizeWallet  func(ctx context.Context, w engine.Wallet) error
	revokeWallet     func(ctx context.Context, address string) error
	exchangeRates    func() ([]engine.ExchangeRate, error)
	rateHistory      func(currency string, limit int) ([]engine.ExchangeRate, error)
	setExchangeRate  func(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error)
	roles            func(address string) ([]engine.Role, error)
	updateRoles      func(ctx context.Context, address string, grant, revoke []engine.Role) error
	dashboard        func(days int) (engine.Dashboard, error)
	retrySideEffect  func(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error
	addressHistory   func(address string) (engine.AddressHistory, error)
	settleAddress    func(ctx context.Context, address string) (engine.MultiAccountPayment, error)
	paymentAddress   func() (tari.Address, error)
	configuredPayTo  bool // PaymentAddressConfigured
	// staffMember answers Install and StaffMember; nil gives every staff
	// user of testShop every role.
	staffMember      func(shop, user string) (engine.StaffMember, error)
	updateStaffRoles func(ctx context.Context, shop, by, user string, grant, revoke []engine.Role) error
}

func (f *fakeEngine) Shop(context.Context) (string, error) { return testShop, nil }
func (f *fakeEngine) CheckShop(_ context.Context, shop string) error {
	_, err := f.StaffMember(context.Background(), shop, "")
	return err
}
func (f *fakeEngine) Install(ctx context.Context, shop, user string) (engine.StaffMember, error) {
	return f.StaffMember(ctx, shop, user)
}
func (f *fakeEngine) StaffMember(_ context.Context, shop, user string) (engine.StaffMember, error) {
	if f.staffMember == nil {
		return engine.StaffMember{Shop: shop, User: user, Roles: []engine.Role{engine.RoleReadAll, engine.RoleWrite, engine.RoleSuperAdmin}}, nil
	}
	return f.staffMember(shop, user)
}
func (f *fakeEngine) StaffMembers(ctx context.Context, shop string) ([]engine.StaffMember, error) {
	m, err := f.StaffMember(ctx, shop, "42")
	return []engine.StaffMember{m}, err
}
func (f *fakeEngine) UpdateStaffRoles(ctx context.Context, shop, by, user string, grant, revoke []engine.Role) error {
	if f.updateStaffRoles == nil {
		return errNotFaked
	}
	return f.updateStaffRoles(ctx, shop, by, user, grant, revoke)
}

var errNotFaked = engine.Errorf(engine.EINTERNAL, nil, "not faked")

func (f *fakeEngine) PaymentAddress(context.Context) (tari.Address, error) {
	if f.paymentAddress == nil {
		return tari.Address{}, engine.Errorf(engine.EUNCONFIGURED, engine.ErrNoPaymentAddress, "no payment address")
	}
	return f.paymentAddress()
}

func (f *fakeEngine) PaymentAddressConfigured() bool { return f.configuredPayTo }

func (f *fakeEngine) Order(_ context.Context, ref string, _ bool) (engine.Order, error) {
	if f.order == nil {
		return engine.Order{}, engine.Errorf(engine.ENOTFOUND, engine.ErrOrderNotFound, "order %s does not exist", ref)
	}
	return f.order(ref)
}
func (f *fakeEngine) SearchOrders(_ context.Context, q engine.OrderQuery) ([]engine.Order, error) {
	if f.searchOrders == nil {
		return nil, nil
	}
	return f.searchOrders(q)
}
func (f *fakeEngine) PaymentsForOrder(_ context.Context, id string, p engine.Page) ([]engine.Payment, error) {
	if f.paymentsForOrder == nil {
		return nil, nil
	}
	ps, err := f.paymentsForOrder(id)
	return pageOf(ps, p), err
}
func (f *fakeEngine) ReceiptsForOrder(_ context.Context, o engine.Order) (engine.OrderReceipts, error) {
	if f.paymentsForOrder == nil {
		return engine.OrderReceipts{}, nil
	}
	ps, err := f.paymentsForOrder(o.OrderID)
	return engine.Receipts(ps), err
}

// pageOf is page p of rows, as the engine reads it.
func pageOf[T any](rows []T, p engine.Page) []T {
	if p.Count == 0 {
		p.Count = engine.MaxPageSize
	}
	if p.Offset >= len(rows) {
		return nil
	}
	return rows[p.Offset:min(len(rows), p.Offset+p.Count)]
}
func (f *fakeEngine) Audit(_ context.Context, entity, id string) ([]engine.AuditEntry, error) {
	if f.audit == nil {
		return nil, nil
	}
	return f.audit(entity, id)
}
func (f *fakeEngine) SideEffects(_ context.Context, id string) ([]engine.SideEffect, error) {
	if f.sideEffects == nil {
		return nil, nil
	}
	return f.sideEffects(id)
}
func (f *fakeEngine) Fulfill(ctx context.Context, ref, reason string) (engine.Order, error) {
	if f.fulfill == nil {
		return engine.Order{}, errNotFaked
	}
	return f.fulfill(ctx, ref, reason)
}
func (f *fakeEngine) Cancel(ctx context.Context, ref, reason string) (engine.Order, error) {
	if f.cancel == nil {
		return engine.Order{}, errNotFaked
	}
	return f.cancel(ctx, ref, reason)
}
func (f *fakeEngine) ChangePrice(ctx context.Context, ref string, p engine.MicroTari, reason string) (engine.Order, error) {
	if f.changePrice == nil {
		return engine.Order{}, errNotFaked
	}
	return f.changePrice(ctx, ref, p, reason)
}
func (f *fakeEngine) ChangeMemo(ctx context.Context, ref, memo, reason string) (engine.Order, error) {
	if f.changeMemo == nil {
		return engine.Order{}, errNotFaked
	}
	return f.changeMemo(ctx, ref, memo, reason)
}
func (f *fakeEngine) Reassign(ctx context.Context, ref, id, reason string) (engine.OrderMoved, error) {
	if f.reassign == nil {
		return engine.OrderMoved{}, errNotFaked
	}
	return f.reassign(ctx, ref, id, reason)
}
func (f *fakeEngine) Reset(ctx context.Context, ref, reason string) (engine.Order, error) {
	if f.reset == nil {
		return engine.Order{}, errNotFaked
	}
	return f.reset(ctx, ref, reason)
}
func (f *fakeEngine) CustomerIDs(_ context.Context, p engine.Page) ([]string, error) {
	if f.customerIDs == nil {
		return nil, nil
	}
	return f.customerIDs(p.Offset, p.Count)
}
func (f *fakeEngine) CustomerHistory(_ context.Context, id string, p engine.Page) (engine.CustomerHistory, error) {
	if f.customerHistory == nil {
		return engine.CustomerHistory{CustomerID: id}, nil
	}
	h, err := f.customerHistory(id)
	h.Orders, h.Settlements = pageOf(h.Orders, p), pageOf(h.Settlements, p)
	return h, err
}
func (f *fakeEngine) CreditNote(ctx context.Context, id string, amount engine.MicroTari, reason string) (engine.MultiAccountPayment, error) {
	if f.creditNote == nil {
		return engine.MultiAccountPayment{}, errNotFaked
	}
	return f.creditNote(ctx, id, amount, reason)
}
func (f *fakeEngine) Refunds(_ context.Context, statuses []engine.RefundStatus, _ int) ([]engine.Refund, error) {
	if f.refunds == nil {
		return nil, nil
	}
	return f.refunds(statuses)
}
func (f *fakeEngine) MarkRefundSent(ctx context.Context, id int64, txid, reason string) (engine.Refund, error) {
	if f.markRefundSent == nil {
		return engine.Refund{}, errNotFaked
	}
	return f.markRefundSent(ctx, id, txid, reason)
}
func (f *fakeEngine) CreditRefund(ctx context.Context, id int64, reason string) (engine.Refund, error) {
	if f.creditRefund == nil {
		return engine.Refund{}, errNotFaked
	}
	return f.creditRefund(ctx, id, reason)
}
func (f *fakeEngine) LatePayments(_ context.Context, q engine.LatePaymentQuery) ([]engine.LatePayment, error) {
	if f.latePayments == nil {
		return nil, nil
	}
	return f.latePayments(q)
}
func (f *fakeEngine) RefundLatePayment(ctx context.Context, txid, reason string) (engine.Refund, error) {
	if f.refundLate == nil {
		return engine.Refund{}, errNotFaked
	}
	return f.refundLate(ctx, txid, reason)
}
func (f *fakeEngine) KeepLatePayment(ctx context.Context, txid, reason string) (engine.LatePayment, error) {
	if f.keepLate == nil {
		return engine.LatePayment{}, errNotFaked
	}
	return f.keepLate(ctx, txid, reason)
}
func (f *fakeEngine) SettleCustomer(ctx context.Context, id string) (engine.MultiAccountPayment, error) {
	if f.settleCustomer == nil {
		return engine.MultiAccountPayment{}, errNotFaked
	}
	return f.settleCustomer(ctx, id)
}
func (f *fakeEngine) Wallets(context.Context) ([]engine.Wallet, error) {
	if f.wallets == nil {
		return nil, nil
	}
	return f.wallets()
}
func (f *fakeEngine) AuthorizeWallet(ctx context.Context, w engine.Wallet) error {
	if f.authorizeWallet == nil {
		return errNotFaked
	}
	return f.authorizeWallet(ctx, w)
}
func (f *fakeEngine) RevokeWallet(ctx context.Context, address string) error {
	if f.revokeWallet == nil {
		return errNotFaked
	}
	return f.revokeWallet(ctx, address)
}
func (f *fakeEngine) ExchangeRates(context.Context) ([]engine.ExchangeRate, error) {
	if f.exchangeRates == nil {
		return nil, nil
	}
	return f.exchangeRates()
}
func (f *fakeEngine) ExchangeRateHistory(_ context.Context, currency string, limit int) ([]engine.ExchangeRate, error) {
	if f.rateHistory == nil {
		return nil, nil
	}
	return f.rateHistory(currency, limit)
}
func (f *fakeEngine) SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error) {
	if f.setExchangeRate == nil {
		return engine.ExchangeRate{}, errNotFaked
	}
	return f.setExchangeRate(ctx, currency, rate)
}
func (f *fakeEngine) Roles(_ context.Context, address string) ([]engine.Role, error) {
	if f.roles == nil {
		return nil, nil
	}
	return f.roles(address)
}
func (f *fakeEngine) UpdateRoles(ctx context.Context, address string, grant, revoke []engine.Role) error {
	if f.updateRoles == nil {
		return errNotFaked
	}
	return f.updateRoles(ctx, address, grant, revoke)
}
func (f *fakeEngine) Dashboard(_ context.Context, days int) (engine.Dashboard, error) {
	if f.dashboard == nil {
		return engine.Dashboard{}, nil
	}
	return f.dashboard(days)
}
func (f *fakeEngine) RetrySideEffect(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error {
	if f.retrySideEffect == nil {
		return errNotFaked
	}
	return f.retrySideEffect(ctx, id, retryAt, cause, final)
}
func (f *fakeEngine) AddressHistory(_ context.Context, address string, p engine.Page) (engine.AddressHistory, error) {
	if f.addressHistory == nil {
		return engine.AddressHistory{Address: address}, nil
	}
	h, err := f.addressHistory(address)
	h.Orders, h.Payments, h.Settlements = pageOf(h.Orders, p), pageOf(h.Payments, p), pageOf(h.Settlements, p)
	return h, err
}
func (f *fakeEngine) SettleAddress(ctx context.Context, address string) (engine.MultiAccountPayment, error) {
	if f.settleAddress == nil {
		return engine.MultiAccountPayment{}, errNotFaked
	}
	return f.settleAddress(ctx, address)
}

// The exports stream no rows: TestExportDownloads runs them on the real engine.
func (f *fakeEngine) ExportOrders(context.Context, time.Time, time.Time, func(engine.OrderRow) error) error {
	return nil
}
func (f *fakeEngine) ExportPayments(context.Context, time.Time, time.Time, func(engine.PaymentRow) error) error {
	return nil
}
func (f *fakeEngine) ExportLedger(context.Context, time.Time, time.Time, func(engine.LedgerEntry) error) error {
	return nil
}
func (f *fakeEngine) Overpayment(_ context.Context, ref string) (engine.Overpayment, error) {
	if f.overpayment == nil {
		return engine.Overpayment{}, nil
	}
	return f.overpayment(ref)
}
func (f *fakeEngine) RefundOverpayment(ctx context.Context, ref, reason string) (engine.Refund, error) {
	if f.refundOverpaid == nil {
		return engine.Refund{}, errNotFaked
	}
	return f.refundOverpaid(ctx, ref, reason)
}
func (f *fakeEngine) OrderWriteOffs(context.Context, string) ([]engine.WriteOff, error) {
	return nil, nil
}
