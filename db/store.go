package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// store implements engine.Tx over a bun transaction (or the pool, for reads).
// Engine types are read and written through the row structs of rows.go.
type store struct {
	idb     bun.IDB
	dialect Dialect
	// read holds the orders this SQLite write transaction has read and not
	// written since; nil elsewhere. The immediate transaction has held the
	// database write lock since it began, so those rows are still current
	// and LockOrder need not read them again.
	read map[int64]engine.Order
	// credited holds the balance rows this write transaction has credited
	// and read back in the same statement; nil outside write transactions.
	// The transaction holds their row locks (PostgreSQL) or the database
	// write lock (SQLite), so they are current until it writes them again.
	credited map[string]engine.AddressBalance
}

var _ engine.Tx = (*store)(nil)

// forUpdate is the row-lock suffix; SQLite's immediate transactions
// already hold the database write lock.
func (s *store) forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if s.dialect == Postgres {
		return q.For("UPDATE")
	}
	return q
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// --- orders ---

func (s *store) InsertOrder(ctx context.Context, o *engine.Order) (bool, error) {
	o.ID = 0
	row := fromOrder(*o)
	_, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").On("CONFLICT DO NOTHING").Returning("id").Exec(ctx, &o.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("insert order %s: %w", o.OrderID, err)
	}
	return o.ID != 0, nil
}

func (s *store) OrderByRef(ctx context.Context, ref string, byAlt bool) (engine.Order, bool, error) {
	col := "order_id"
	if byAlt {
		col = "alt_id"
	}
	return s.oneOrder(ctx, col, ref)
}

func (s *store) OrderByClaimToken(ctx context.Context, token string) (engine.Order, bool, error) {
	return s.oneOrder(ctx, "claim_token", token)
}

func (s *store) oneOrder(ctx context.Context, col, v string) (engine.Order, bool, error) {
	var row orderRow
	err := s.idb.NewSelect().Model(&row).Where("? = ?", bun.Ident(col), v).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Order{}, false, nil
	}
	if err != nil {
		return engine.Order{}, false, fmt.Errorf("select order by %s: %w", col, err)
	}
	o := row.toEngine()
	s.saw(o)
	return o, true, nil
}

// saw remembers orders read in a SQLite write transaction (see store.read).
func (s *store) saw(orders ...engine.Order) {
	if s.read == nil {
		return
	}
	for _, o := range orders {
		s.read[o.ID] = o
	}
}

func (s *store) LockOrder(ctx context.Context, id int64) (engine.Order, error) {
	if o, ok := s.read[id]; ok {
		return o, nil
	}
	var row orderRow
	if err := s.forUpdate(s.idb.NewSelect().Model(&row).Where("id = ?", id)).Scan(ctx); err != nil {
		return engine.Order{}, fmt.Errorf("lock order %d: %w", id, err)
	}
	o := row.toEngine()
	s.saw(o)
	return o, nil
}

func (s *store) UpdateOrder(ctx context.Context, o engine.Order, columns []string, statuses []engine.OrderStatus) (bool, error) {
	delete(s.read, o.ID)
	o.UpdatedAt, o.RecordedAt = utc(o.UpdatedAt), utc(o.RecordedAt)
	row := fromOrder(o)
	res, err := s.idb.NewUpdate().Model(&row).Column(columns...).
		Where("id = ?", o.ID).Where("status IN (?)", bun.In(statuses)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("update order %s: %w", o.OrderID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) Orders(ctx context.Context, set engine.OrderSet, offset, count int) ([]engine.Order, error) {
	var rows []orderRow
	q := s.idb.NewSelect().Model(&rows)
	ok, err := s.inSet(ctx, q, set)
	if err != nil || !ok {
		return []engine.Order{}, err
	}
	if err := paged(q.Order("created_at", "id"), offset, count).Scan(ctx); err != nil {
		return nil, fmt.Errorf("select orders: %w", err)
	}
	orders := toEngine(rows)
	s.saw(orders...)
	return orders, nil
}

func (s *store) OrdersTotal(ctx context.Context, set engine.OrderSet) (engine.MicroTari, error) {
	var total int64
	q := s.idb.NewSelect().Table("orders").ColumnExpr("COALESCE(SUM(total_price), 0)")
	ok, err := s.inSet(ctx, q, set)
	if err != nil || !ok {
		return 0, err
	}
	if err := q.Scan(ctx, &total); err != nil {
		return 0, fmt.Errorf("total of orders: %w", err)
	}
	return engine.MicroTari(total), nil
}

// inSet adds set's conditions to q, a select from orders; false when set
// holds no order, so q need not run.
func (s *store) inSet(ctx context.Context, q *bun.SelectQuery, set engine.OrderSet) (bool, error) {
	customers := set.Customers
	var linked any
	if set.LinkedTo != "" {
		links := s.idb.NewSelect().Table("address_customer_links").Column("customer_id").Where("address = ?", set.LinkedTo)
		linked = links
		if s.dialect == Postgres {
			// PostgreSQL planned the IN (subquery) as a walk over every
			// open order while the tables were not yet analysed (a new or
			// fast growing database): 30–130 ms a confirmation in the
			// bench. With the few customer ids in hand it uses
			// orders_customer_status.
			var ids []string
			if err := links.Scan(ctx, &ids); err != nil {
				return false, fmt.Errorf("customers of %s: %w", set.LinkedTo, err)
			}
			customers, linked = append(slices.Clone(customers), ids...), nil
		}
	}
	if len(customers) == 0 && linked == nil && set.ViewedBy == "" {
		return false, nil
	}
	q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		if len(customers) > 0 {
			q = q.WhereOr("customer_id IN (?)", bun.In(customers))
		}
		if linked != nil {
			q = q.WhereOr("customer_id IN (?)", linked)
		}
		if set.ViewedBy != "" {
			q = q.WhereOr("order_id IN (?)", s.idb.NewSelect().Table("order_viewers").Column("order_id").Where("address = ?", set.ViewedBy))
		}
		return q
	})
	if len(set.Statuses) > 0 {
		q.Where("status IN (?)", bun.In(set.Statuses))
	}
	if set.OrderID != "" {
		q.Where("order_id = ?", set.OrderID)
	}
	return true, nil
}

func (s *store) SearchOrders(ctx context.Context, f engine.OrderQuery) ([]engine.Order, error) {
	var rows []orderRow
	q := s.idb.NewSelect().Model(&rows)
	if f.Memo != "" {
		q = q.Where("lower(memo) LIKE ?", "%"+strings.ToLower(likeEscape(f.Memo))+"%")
	}
	if f.OrderID != "" {
		q = q.Where("order_id = ?", f.OrderID)
	}
	if f.AltID != "" {
		q = q.Where("alt_id = ?", f.AltID)
	}
	if f.CustomerID != "" {
		q = q.Where("customer_id = ?", f.CustomerID)
	}
	if f.Currency != "" {
		q = q.Where("currency = ?", f.Currency)
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", utc(*f.Since))
	}
	if f.Until != nil {
		q = q.Where("created_at <= ?", utc(*f.Until))
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN (?)", bun.In(f.Statuses))
	}
	if f.NewestFirst {
		q = q.OrderExpr("created_at DESC, id DESC")
	} else {
		q = q.Order("created_at", "id")
	}
	q = paged(q, f.Offset, f.Limit)
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("search orders: %w", err)
	}
	return toEngine(rows), nil
}

// likeEscape drops LIKE wildcards from user input so a search is a plain substring match.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

func (s *store) ExpirableOrders(ctx context.Context, unclaimedBefore, unpaidBefore time.Time) ([]engine.Order, error) {
	var rows []orderRow
	err := s.idb.NewSelect().Model(&rows).
		WhereGroup(" OR ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("status = ? AND recorded_at < ?", engine.OrderUnclaimed, utc(unclaimedBefore))
		}).
		WhereGroup(" OR ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("status = ? AND COALESCE(claimed_at, recorded_at) < ?", engine.OrderNew, utc(unpaidBefore))
		}).
		Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("select expirable orders: %w", err)
	}
	return toEngine(rows), nil
}

func (s *store) CustomerOrderBalance(ctx context.Context, customerID string) (engine.CustomerOrderBalance, error) {
	var rows []struct {
		Status string `bun:"status"`
		Total  int64  `bun:"total"`
	}
	err := s.idb.NewSelect().Table("orders").ColumnExpr("status, SUM(total_price) AS total").
		Where("customer_id = ?", customerID).Group("status").Scan(ctx, &rows)
	if err != nil {
		return engine.CustomerOrderBalance{}, fmt.Errorf("customer order balance: %w", err)
	}
	b := engine.CustomerOrderBalance{}
	if len(rows) > 0 {
		b.CustomerID = customerID
	}
	for _, r := range rows {
		total := engine.MicroTari(r.Total)
		switch engine.OrderStatus(r.Status) {
		case engine.OrderNew, engine.OrderUnclaimed:
			b.TotalCurrent += total
		case engine.OrderPaid:
			b.TotalPaid += total
		case engine.OrderExpired:
			b.TotalExpired += total
		case engine.OrderCancelled:
			b.TotalCancelled += total
		}
	}
	return b, nil
}

func (s *store) Creditors(ctx context.Context, offset, count int) ([]engine.CustomerOrders, error) {
	var rows []struct {
		CustomerID  string `bun:"customer_id"`
		Status      string `bun:"status"`
		TotalOrders int64  `bun:"total_orders"`
	}
	q := s.idb.NewSelect().Table("orders").
		ColumnExpr("customer_id, status, SUM(total_price) AS total_orders").
		Where("status = ?", engine.OrderNew).Group("customer_id", "status").
		Having("SUM(total_price) > 0").Order("customer_id")
	if err := paged(q, offset, count).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("creditors: %w", err)
	}
	out := make([]engine.CustomerOrders, len(rows))
	for i, r := range rows {
		out[i] = engine.CustomerOrders{CustomerID: r.CustomerID, Status: engine.OrderStatus(r.Status), TotalOrders: engine.MicroTari(r.TotalOrders)}
	}
	return out, nil
}

func (s *store) CustomerIDs(ctx context.Context, offset, count int) ([]string, error) {
	ids := []string{}
	q := s.idb.NewSelect().Table("orders").Distinct().Column("customer_id").Order("customer_id")
	if err := paged(q, offset, count).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("customer ids: %w", err)
	}
	return ids, nil
}

// paged reads count rows after the first offset, or every row after it
// when count is 0; the engine bounds count (engine.MaxPageSize).
func paged(q *bun.SelectQuery, offset, count int) *bun.SelectQuery {
	return q.Limit(int64(max(count, 0))).Offset(int64(max(offset, 0)))
}

// --- links ---

func (s *store) Link(ctx context.Context, address, customerID string, proven bool, at time.Time) error {
	q := `INSERT INTO address_customer_links (address, customer_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
	args := []any{address, customerID, utc(at)}
	if proven {
		q = `INSERT INTO address_customer_links (address, customer_id, created_at, proven_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (address, customer_id) DO UPDATE SET proven_at = COALESCE(address_customer_links.proven_at, EXCLUDED.proven_at)`
		args = append(args, utc(at))
	}
	if _, err := s.idb.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("link %s to %s: %w", address, customerID, err)
	}
	return nil
}

func (s *store) ProvenCustomers(ctx context.Context, address string) ([]string, error) {
	ids := []string{}
	err := s.idb.NewSelect().Table("address_customer_links").Column("customer_id").
		Where("address = ? AND proven_at IS NOT NULL", address).Order("customer_id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("proven customers of %s: %w", address, err)
	}
	return ids, nil
}

// --- viewers ---

func (s *store) AddViewer(ctx context.Context, v engine.OrderViewer) error {
	v.CreatedAt = utc(v.CreatedAt)
	row := fromViewer(v)
	q := s.idb.NewInsert().Model(&row)
	if v.Proof == engine.ProofPayPage {
		q = q.On("CONFLICT (address, order_id) DO UPDATE").Set("proof = EXCLUDED.proof")
	} else {
		q = q.On("CONFLICT DO NOTHING")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("add %s as a viewer of order %s: %w", v.Address, v.OrderID, err)
	}
	return nil
}

func (s *store) Viewers(ctx context.Context, orderID string) ([]engine.OrderViewer, error) {
	var rows []viewerRow
	if err := s.idb.NewSelect().Model(&rows).Where("order_id = ?", orderID).Order("created_at", "address").Scan(ctx); err != nil {
		return nil, fmt.Errorf("viewers of order %s: %w", orderID, err)
	}
	return toEngine(rows), nil
}

func (s *store) AddressesOf(ctx context.Context, customerID string) ([]string, error) {
	addrs := []string{}
	err := s.idb.NewSelect().Table("address_customer_links").Column("address").
		Where("customer_id = ?", customerID).Order("address").Scan(ctx, &addrs)
	if err != nil {
		return nil, fmt.Errorf("addresses of %s: %w", customerID, err)
	}
	return addrs, nil
}

func (s *store) Addresses(ctx context.Context, offset, count int) ([]string, error) {
	addrs := []string{}
	q := s.idb.NewSelect().Table("address_customer_links").Distinct().Column("address").Order("address")
	if err := paged(q, offset, count).Scan(ctx, &addrs); err != nil {
		return nil, fmt.Errorf("addresses: %w", err)
	}
	return addrs, nil
}

// --- payments ---

func (s *store) InsertPayment(ctx context.Context, p engine.Payment) (bool, error) {
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	row := fromPayment(p)
	res, err := s.idb.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("insert payment %s: %w", p.TxID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) Payment(ctx context.Context, txid string) (engine.Payment, bool, error) {
	var row paymentRow
	err := s.idb.NewSelect().Model(&row).Where("tx_id = ?", txid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Payment{}, false, nil
	}
	if err != nil {
		return engine.Payment{}, false, fmt.Errorf("select payment %s: %w", txid, err)
	}
	return row.toEngine(), true, nil
}

func (s *store) SetPaymentStatus(ctx context.Context, txid string, from, to engine.PaymentStatus, at time.Time) (bool, error) {
	res, err := s.idb.NewUpdate().Table("payments").Set("status = ?", to).Set("updated_at = ?", utc(at)).
		Where("tx_id = ? AND status = ?", txid, from).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("update payment %s: %w", txid, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) PaymentsBySender(ctx context.Context, address string, offset, count int) ([]engine.Payment, error) {
	var rows []paymentRow
	q := s.idb.NewSelect().Model(&rows).Where("sender = ?", address).Order("created_at", "tx_id")
	if err := paged(q, offset, count).Scan(ctx); err != nil {
		return nil, fmt.Errorf("payments of %s: %w", address, err)
	}
	return toEngine(rows), nil
}

func (s *store) PaymentsTotal(ctx context.Context, address string) (engine.MicroTari, error) {
	var total int64
	err := s.idb.NewSelect().Table("payments").ColumnExpr("COALESCE(SUM(amount), 0)").
		Where("sender = ?", address).Scan(ctx, &total)
	if err != nil {
		return 0, fmt.Errorf("total payments of %s: %w", address, err)
	}
	return engine.MicroTari(total), nil
}

func (s *store) PaymentsForOrderRefs(ctx context.Context, refs []string, offset, count int) ([]engine.Payment, error) {
	var rows []paymentRow
	if len(refs) == 0 {
		return []engine.Payment{}, nil
	}
	q := s.idb.NewSelect().Model(&rows).Where("order_id IN (?)", bun.In(refs)).Order("created_at", "tx_id")
	if err := paged(q, offset, count).Scan(ctx); err != nil {
		return nil, fmt.Errorf("payments for orders: %w", err)
	}
	return toEngine(rows), nil
}

func (s *store) OrderReceipts(ctx context.Context, refs []string) (engine.OrderReceipts, error) {
	var r engine.OrderReceipts
	if len(refs) == 0 {
		return r, nil
	}
	var sums []struct {
		Status string `bun:"status"`
		Total  int64  `bun:"total"`
	}
	err := s.idb.NewSelect().Table("payments").Column("status").ColumnExpr("SUM(amount) AS total").
		Where("order_id IN (?)", bun.In(refs)).Group("status").Scan(ctx, &sums)
	if err != nil {
		return r, fmt.Errorf("receipts of orders: %w", err)
	}
	for _, sum := range sums {
		switch engine.PaymentStatus(sum.Status) {
		case engine.PaymentReceived:
			r.Pending = engine.MicroTari(sum.Total)
		case engine.PaymentConfirmed:
			r.Confirmed = engine.MicroTari(sum.Total)
		}
	}
	return r, nil
}

// --- balances and settlements ---

func (s *store) LockBalances(ctx context.Context, addresses []string) (map[string]engine.AddressBalance, error) {
	return s.balances(ctx, addresses, true)
}

func (s *store) Balances(ctx context.Context, addresses []string) (map[string]engine.AddressBalance, error) {
	return s.balances(ctx, addresses, false)
}

func (s *store) balances(ctx context.Context, addresses []string, lock bool) (map[string]engine.AddressBalance, error) {
	out := map[string]engine.AddressBalance{}
	if len(addresses) == 0 {
		return out, nil
	}
	sorted := slices.Clone(addresses)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if rows, ok := s.creditedRows(sorted); ok {
		return rows, nil
	}
	var rows []balanceRow
	q := s.idb.NewSelect().Model(&rows).Where("address IN (?)", bun.In(sorted)).Order("address")
	if lock {
		q = s.forUpdate(q)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("select balances: %w", err)
	}
	for _, r := range rows {
		out[r.Address] = r.toEngine()
	}
	return out, nil
}

// creditedRows returns the rows of the addresses when this transaction has
// credited every one of them (see store.credited).
func (s *store) creditedRows(addresses []string) (map[string]engine.AddressBalance, bool) {
	if s.credited == nil {
		return nil, false
	}
	out := make(map[string]engine.AddressBalance, len(addresses))
	for _, a := range addresses {
		b, ok := s.credited[a]
		if !ok {
			return nil, false
		}
		out[a] = b
	}
	return out, true
}

func (s *store) AddConfirmed(ctx context.Context, address string, amount engine.MicroTari, at time.Time) error {
	if amount >= 0 {
		// A credit, every confirmation: one statement. The upsert's
		// proposed row holds the amount itself, which the CHECKs accept.
		// It returns the row, which the payment that follows would
		// otherwise read again (LockBalances).
		var b balanceRow
		err := s.idb.NewRaw(`INSERT INTO address_balances AS b (address, total_confirmed, total_paid, current_balance, last_update)
			VALUES (?, ?, 0, ?, ?) ON CONFLICT (address) DO UPDATE
			SET total_confirmed = b.total_confirmed + EXCLUDED.total_confirmed,
				current_balance = b.current_balance + EXCLUDED.current_balance, last_update = EXCLUDED.last_update
			RETURNING address, total_confirmed, total_paid, current_balance, last_update`,
			address, amount, amount, utc(at)).Scan(ctx, &b)
		if err != nil {
			delete(s.credited, address)
			return fmt.Errorf("credit %s: %w", address, err)
		}
		if s.credited != nil {
			s.credited[address] = b.toEngine()
		}
		return nil
	}
	delete(s.credited, address)
	// A debit note: create the row at zero first, because a CHECK is
	// evaluated on an upsert's proposed row, so a negative amount cannot go
	// through ON CONFLICT DO UPDATE.
	_, err := s.idb.ExecContext(ctx, `INSERT INTO address_balances (address, total_confirmed, total_paid, current_balance, last_update)
		VALUES (?, 0, 0, 0, ?) ON CONFLICT (address) DO NOTHING`, address, utc(at))
	if err != nil {
		return fmt.Errorf("balance row of %s: %w", address, err)
	}
	_, err = s.idb.ExecContext(ctx, `UPDATE address_balances
		SET total_confirmed = total_confirmed + ?, current_balance = current_balance + ?, last_update = ?
		WHERE address = ?`, amount, amount, utc(at), address)
	if isCheckViolation(err) {
		return engine.Errorf(engine.EINVALID, engine.ErrInsufficientFunds, "The balance of %s cannot go below zero", address)
	}
	if err != nil {
		return fmt.Errorf("credit %s: %w", address, err)
	}
	return nil
}

func (s *store) InsertSettlement(ctx context.Context, st *engine.Settlement) error {
	st.CreatedAt = utc(st.CreatedAt)
	row := fromSettlement(*st)
	if _, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").Returning("id").Exec(ctx, &st.ID); err != nil {
		return fmt.Errorf("insert settlement for %s: %w", st.OrderID, err)
	}
	if st.Amount == 0 {
		return nil
	}
	delete(s.credited, st.PaymentAddress)
	res, err := s.idb.NewUpdate().Table("address_balances").
		Set("total_paid = total_paid + ?", st.Amount).Set("current_balance = current_balance - ?", st.Amount).
		Set("last_update = ?", st.CreatedAt).Where("address = ?", st.PaymentAddress).Exec(ctx)
	if isCheckViolation(err) {
		return engine.Errorf(engine.EINVALID, engine.ErrInsufficientFunds, "The balance of %s cannot go below zero", st.PaymentAddress)
	}
	if err != nil {
		return fmt.Errorf("debit %s: %w", st.PaymentAddress, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("debit %s: no balance row", st.PaymentAddress)
	}
	return nil
}

func (s *store) SettlementsByAddress(ctx context.Context, address string, offset, count int) ([]engine.Settlement, error) {
	var rows []settlementRow
	q := s.idb.NewSelect().Model(&rows).Where("payment_address = ?", address).Order("id")
	if err := paged(q, offset, count).Scan(ctx); err != nil {
		return nil, fmt.Errorf("settlements of %s: %w", address, err)
	}
	return toEngine(rows), nil
}

func (s *store) SettlementsOfPaidOrders(ctx context.Context, customerID string, offset, count int) ([]engine.Settlement, error) {
	var rows []settlementRow
	paid := s.idb.NewSelect().Table("orders").Column("order_id").Where("customer_id = ? AND status = ?", customerID, engine.OrderPaid)
	q := s.idb.NewSelect().Model(&rows).Where("order_id IN (?)", paid).Order("id")
	if err := paged(q, offset, count).Scan(ctx); err != nil {
		return nil, fmt.Errorf("settlements of the paid orders of %s: %w", customerID, err)
	}
	return toEngine(rows), nil
}

func (s *store) SettlementsByOrders(ctx context.Context, orderIDs []string) ([]engine.Settlement, error) {
	var rows []settlementRow
	if len(orderIDs) == 0 {
		return []engine.Settlement{}, nil
	}
	if err := s.idb.NewSelect().Model(&rows).Where("order_id IN (?)", bun.In(orderIDs)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("settlements of orders: %w", err)
	}
	return toEngine(rows), nil
}

// --- audit and outbox ---

func (s *store) InsertAudits(ctx context.Context, entries []engine.AuditEntry) error {
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		e.At = utc(e.At)
		rows[i] = fromAudit(e)
	}
	if _, err := s.idb.NewInsert().Model(&rows).ExcludeColumn("id").Exec(ctx); err != nil {
		return fmt.Errorf("insert audit entries: %w", err)
	}
	return nil
}

func (s *store) RedactAudit(ctx context.Context, entity string, ids []string, field, redacted string) error {
	_, err := s.idb.NewUpdate().Model((*auditRow)(nil)).
		Set("old_value = CASE WHEN old_value IS NULL THEN NULL ELSE ? END", redacted).
		Set("new_value = CASE WHEN new_value IS NULL THEN NULL ELSE ? END", redacted).
		Where("entity = ?", entity).Where("entity_id IN (?)", bun.In(ids)).Where("field = ?", field).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("redact audit of %s %s: %w", entity, field, err)
	}
	return nil
}

func (s *store) Audit(ctx context.Context, entity, entityID string) ([]engine.AuditEntry, error) {
	var rows []auditRow
	if err := s.idb.NewSelect().Model(&rows).Where("entity = ? AND entity_id = ?", entity, entityID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("audit of %s %s: %w", entity, entityID, err)
	}
	return toEngine(rows), nil
}

// advisoryKey is the PostgreSQL advisory-lock key of the named lock (the
// one argument). Advisory locks are database-wide: the key names the
// schema, so taripay instances in other schemas of one database (each test
// has one) never see each other's locks.
const advisoryKey = "hashtext(current_schema() || ':' || ?)"

func (s *store) TryLock(ctx context.Context, key string) (bool, error) {
	if s.dialect != Postgres {
		return true, nil // the immediate transaction already holds the database write lock
	}
	var ok bool
	if err := s.idb.NewRaw("SELECT pg_try_advisory_xact_lock("+advisoryKey+")", key).Scan(ctx, &ok); err != nil {
		return false, fmt.Errorf("try lock %s: %w", key, err)
	}
	return ok, nil
}

func (s *store) Lock(ctx context.Context, key string) error {
	if s.dialect != Postgres {
		return nil // the immediate transaction already holds the database write lock
	}
	if _, err := s.idb.ExecContext(ctx, "SELECT pg_advisory_xact_lock("+advisoryKey+")", key); err != nil {
		return fmt.Errorf("lock %s: %w", key, err)
	}
	return nil
}

func (s *store) InsertEvents(ctx context.Context, events []engine.NewEvent) ([]int64, error) {
	var sql strings.Builder
	sql.WriteString("INSERT INTO events (type, payload, at) VALUES ")
	args := make([]any, 0, 3*len(events))
	for i, ev := range events {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?)")
		args = append(args, string(ev.Type), string(ev.Payload), utc(ev.At))
	}
	sql.WriteString(" RETURNING seq")
	var seqs []int64
	if err := s.idb.NewRaw(sql.String(), args...).Scan(ctx, &seqs); err != nil {
		return nil, fmt.Errorf("insert %d events: %w", len(events), err)
	}
	if len(seqs) != len(events) {
		return nil, fmt.Errorf("insert %d events: %d sequence numbers returned", len(events), len(seqs))
	}
	// RETURNING promises no row order, but the rows are numbered in the
	// order of VALUES, so the ascending numbers are the events' in order.
	slices.Sort(seqs)
	return seqs, nil
}

func (s *store) EventsMentioning(ctx context.Context, needle string) ([]engine.StoredEvent, error) {
	var rows []struct {
		Seq     int64  `bun:"seq"`
		Type    string `bun:"type"`
		Payload string `bun:"payload"`
	}
	err := s.idb.NewRaw("SELECT seq, type, payload FROM events WHERE payload LIKE ? ESCAPE '\\' ORDER BY seq",
		"%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(needle)+"%").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("events mentioning %q: %w", needle, err)
	}
	out := make([]engine.StoredEvent, len(rows))
	for i, r := range rows {
		out[i] = engine.StoredEvent{Seq: r.Seq, Type: engine.EventType(r.Type), Payload: []byte(r.Payload)}
	}
	return out, nil
}

func (s *store) SetEventPayload(ctx context.Context, seq int64, payload []byte) error {
	if _, err := s.idb.NewRaw("UPDATE events SET payload = ? WHERE seq = ?", string(payload), seq).Exec(ctx); err != nil {
		return fmt.Errorf("rewrite event %d: %w", seq, err)
	}
	return nil
}

func (s *store) InsertSideEffect(ctx context.Context, kind engine.SideEffectKind, orderID string, at time.Time) error {
	return s.InsertPaymentSideEffect(ctx, kind, orderID, "", at)
}

func (s *store) InsertPaymentSideEffect(ctx context.Context, kind engine.SideEffectKind, orderID, txid string, at time.Time) error {
	at = utc(at)
	se := fromSideEffect(engine.SideEffect{Kind: kind, OrderID: orderID, TxID: txid, State: engine.SideEffectPending, NextAttemptAt: at, CreatedAt: at, UpdatedAt: at})
	if _, err := s.idb.NewInsert().Model(&se).ExcludeColumn("id").On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("queue %s for %s %s: %w", kind, orderID, txid, err)
	}
	return nil
}

func (s *store) LeaseSideEffects(ctx context.Context, owner string, now time.Time, limit int, until time.Time) ([]engine.SideEffect, error) {
	now = utc(now)
	var ids []int64
	q := s.idb.NewSelect().Table("side_effects").Column("id").
		Where("state = ? AND next_attempt_at <= ?", engine.SideEffectPending, now).
		Where("(lease_until IS NULL OR lease_until < ?)", now).Order("id").Limit(int64(limit))
	if s.dialect == Postgres {
		q = q.For("UPDATE SKIP LOCKED")
	}
	if err := q.Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("select due side effects: %w", err)
	}
	if len(ids) == 0 {
		return []engine.SideEffect{}, nil
	}
	_, err := s.idb.NewUpdate().Table("side_effects").Set("lease_owner = ?", owner).Set("lease_until = ?", utc(until)).
		Set("attempts = attempts + 1").Set("updated_at = ?", now).Where("id IN (?)", bun.In(ids)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease side effects: %w", err)
	}
	var jobs []sideEffectRow
	if err := s.idb.NewSelect().Model(&jobs).Where("id IN (?)", bun.In(ids)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("select leased side effects: %w", err)
	}
	return toEngine(jobs), nil
}

func (s *store) UpdateSideEffect(ctx context.Context, se engine.SideEffect) error {
	se.NextAttemptAt, se.UpdatedAt = utc(se.NextAttemptAt), utc(se.UpdatedAt)
	row := fromSideEffect(se)
	_, err := s.idb.NewUpdate().Model(&row).Column("state", "next_attempt_at", "last_error", "updated_at").
		Set("lease_owner = NULL").Set("lease_until = NULL").Where("id = ?", se.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update side effect %d: %w", se.ID, err)
	}
	return nil
}

func (s *store) SideEffect(ctx context.Context, id int64) (engine.SideEffect, bool, error) {
	var row sideEffectRow
	err := s.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.SideEffect{}, false, nil
	}
	if err != nil {
		return engine.SideEffect{}, false, fmt.Errorf("select side effect %d: %w", id, err)
	}
	return row.toEngine(), true, nil
}

func (s *store) SideEffectsForOrder(ctx context.Context, orderID string) ([]engine.SideEffect, error) {
	var rows []sideEffectRow
	if err := s.idb.NewSelect().Model(&rows).Where("order_id = ?", orderID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("side effects of %s: %w", orderID, err)
	}
	return toEngine(rows), nil
}

// --- access ---

func (s *store) LoginNonce(ctx context.Context, address string) (int64, bool, error) {
	var n int64
	err := s.idb.NewSelect().Table("login_nonces").Column("last_nonce").Where("address = ?", address).Scan(ctx, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("login nonce of %s: %w", address, err)
	}
	return n, true, nil
}

func (s *store) SetLoginNonce(ctx context.Context, address string, nonce int64, at time.Time) (bool, error) {
	res, err := s.idb.ExecContext(ctx, `INSERT INTO login_nonces (address, last_nonce, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET last_nonce = EXCLUDED.last_nonce, updated_at = EXCLUDED.updated_at
		WHERE login_nonces.last_nonce < EXCLUDED.last_nonce`, address, nonce, utc(at))
	if err != nil {
		return false, fmt.Errorf("set login nonce of %s: %w", address, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) PruneLoginNonces(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := s.idb.ExecContext(ctx, `DELETE FROM login_nonces
		WHERE (last_nonce >= 1000000000 AND last_nonce < ?) OR (last_nonce >= 1000000000000 AND last_nonce < ?)`,
		min(cutoff.Unix(), 1e10), min(cutoff.UnixMilli(), 1e13))
	if err != nil {
		return 0, fmt.Errorf("prune login nonces: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s *store) Roles(ctx context.Context, address string) ([]engine.Role, error) {
	var names []string
	err := s.idb.NewSelect().Table("role_assignments").Column("role").Where("address = ?", address).Order("role").Scan(ctx, &names)
	if err != nil {
		return nil, fmt.Errorf("roles of %s: %w", address, err)
	}
	roles := make([]engine.Role, len(names))
	for i, n := range names {
		roles[i] = engine.Role(n)
	}
	return roles, nil
}

func (s *store) GrantRoles(ctx context.Context, address string, roles []engine.Role) error {
	for _, r := range roles {
		_, err := s.idb.ExecContext(ctx, "INSERT INTO role_assignments (address, role) VALUES (?, ?) ON CONFLICT DO NOTHING", address, string(r))
		if err != nil {
			return fmt.Errorf("grant %s to %s: %w", r, address, err)
		}
	}
	return nil
}

func (s *store) RevokeRoles(ctx context.Context, address string, roles []engine.Role) error {
	if len(roles) == 0 {
		return nil
	}
	_, err := s.idb.NewDelete().Table("role_assignments").Where("address = ? AND role IN (?)", address, bun.In(roles)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke roles of %s: %w", address, err)
	}
	return nil
}

func (s *store) UpsertWallet(ctx context.Context, w engine.Wallet) error {
	// Re-authorising never rewinds the nonce, so old notifications cannot be replayed.
	_, err := s.idb.ExecContext(ctx, `INSERT INTO wallets (address, ip_address, last_nonce) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET ip_address = EXCLUDED.ip_address,
			last_nonce = CASE WHEN EXCLUDED.last_nonce > wallets.last_nonce THEN EXCLUDED.last_nonce ELSE wallets.last_nonce END`,
		w.Address, w.IPAddress, w.LastNonce)
	if err != nil {
		return fmt.Errorf("authorise wallet %s: %w", w.Address, err)
	}
	return nil
}

func (s *store) DeleteWallet(ctx context.Context, address string) (bool, error) {
	res, err := s.idb.NewDelete().Table("wallets").Where("address = ?", address).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("revoke wallet %s: %w", address, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) Wallets(ctx context.Context) ([]engine.Wallet, error) {
	var rows []walletRow
	if err := s.idb.NewSelect().Model(&rows).Order("address").Scan(ctx); err != nil {
		return nil, fmt.Errorf("wallets: %w", err)
	}
	return toEngine(rows), nil
}

func (s *store) Wallet(ctx context.Context, address string) (engine.Wallet, bool, error) {
	var row walletRow
	err := s.idb.NewSelect().Model(&row).Where("address = ?", address).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Wallet{}, false, nil
	}
	if err != nil {
		return engine.Wallet{}, false, fmt.Errorf("wallet %s: %w", address, err)
	}
	return row.toEngine(), true, nil
}

func (s *store) SetWalletNonce(ctx context.Context, address string, nonce int64, at time.Time) (bool, error) {
	res, err := s.idb.NewUpdate().Table("wallets").Set("last_nonce = ?", nonce).Set("last_seen = ?", utc(at)).
		Where("address = ? AND last_nonce < ?", address, nonce).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("wallet nonce of %s: %w", address, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// --- exchange rates ---

func (s *store) InsertExchangeRate(ctx context.Context, r engine.ExchangeRate) error {
	r.UpdatedAt = utc(r.UpdatedAt)
	row := fromExchangeRate(r)
	if _, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").Exec(ctx); err != nil {
		return fmt.Errorf("insert rate for %s: %w", r.Currency, err)
	}
	return nil
}

func (s *store) ExchangeRates(ctx context.Context, currency string, limit int) ([]engine.ExchangeRate, error) {
	var rows []exchangeRateRow
	q := s.idb.NewSelect().Model(&rows).Where("currency = ?", currency).OrderExpr("id DESC")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("rates for %s: %w", currency, err)
	}
	return toEngine(rows), nil
}
