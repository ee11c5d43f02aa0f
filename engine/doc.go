// Package engine is taripay's payment domain: orders, payments, accounts,
// claims, credit, settlement and expiry. It has no HTTP and no SQL; it talks
// to storage (Store, Tx) and time (Clock) through interfaces it declares
// itself, and to Shopify through the side-effect outbox.
//
// Every operation is one store transaction, follow-up matching included
// (confirm+pay, claim+pay, credit+pay, price+pay, reassign+pay, and a new
// rate+its waiting orders+pay). Its events and side-effect jobs are written
// in that transaction and published to subscribers after it commits.
//
// Where the reference has a bug, the engine decides (docs/design.md,
// "Deliberate differences from the reference"):
//   - A claim of a Paid, Cancelled or Expired order is ErrOrderClosed and
//     changes nothing. A claim of a New order by another address only links
//     that address to the customer (the order stays New, its unpaid clock
//     unchanged); ErrClaimedByOther is not used by the engine.
//   - The multi-address payer counts each address once and draws at most
//     its balance. Balances live in address_balances rows whose CHECK
//     forbids a negative balance, so a negative credit note may bring a
//     balance down to zero but not below (ErrInsufficientFunds).
//   - A payment naming an order that does not exist yet, pending or
//     confirmed, links its sender and claims the order when it arrives.
//   - Unclaimed orders expire UnclaimedOrderTimeout after RecordedAt, New
//     orders UnpaidOrderTimeout after ClaimedAt; no other write restarts
//     the clocks. Reset restarts the unclaimed clock. Config.Deadline is
//     that rule for one order: the pay page counts down to it and
//     /order/claim answers it as expires_at (the reference answered a fixed
//     6 h, or 2 h unclaimed, from updated_at whatever the timeouts).
//   - Credit-note txids carry random entropy; OrderPaid fires once per order.
//   - Payment memos and the multi-address payer use the alt_id only when
//     strict mode is off (the reference inverted the latter).
//   - A payment's message and payment id are read for an order reference on
//     default settings (orderref.go), not only with memo signatures off, and
//     a confirmation pays the order its payment names before older ones
//     (docs/claim-link.md).
//   - A storefront order whose currency has no exchange rate is kept, not
//     refused as an unsupported currency: ReceiveOrder stores it as a
//     WaitingOrder, with its claim token but no price, and SetExchangeRate
//     prices every waiting order of its currency in the transaction that
//     stores the rate. Each then takes AddOrder's path (memo claim,
//     auto-claim, payment from credit, NewOrder). A waiting order is not an
//     Order: it cannot be claimed or paid, the API does not list it, and its
//     expiry clocks start only at pricing, so it never expires while it
//     waits. A storefront cancellation ends its wait.
//   - A claim links its address to the customer for money only. An
//     address reads the orders it claimed, named in a payment or paid,
//     and every order of a customer only once it claimed one on that
//     order's pay page (ClaimWithToken); the reference showed any
//     claimant all of them (visibility.go).
//   - There is no fallback payment address. The reference sends customers
//     to its developers' address when TPG_PAYMENT_WALLET_ADDRESS is unset;
//     PaymentAddress is that setting, else the one authorised hot wallet,
//     else ErrNoPaymentAddress, and the pay pages and claims then refuse.
package engine
