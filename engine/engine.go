package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"taripay/engine/tari"
)

// Config holds the engine's rules, parsed once from TPG_* by the caller.
type Config struct {
	StrictMode            bool          // TPG_STRICT_MODE
	DisableMemoSignature  bool          // TPG_DISABLE_MEMO_SIGNATURE_CHECK
	OrderIDFieldName      bool          // TPG_SHOPIFY_ORDER_ID_FIELD=name
	UnclaimedOrderTimeout time.Duration // TPG_UNCLAIMED_ORDER_TIMEOUT
	UnpaidOrderTimeout    time.Duration // TPG_UNPAID_ORDER_TIMEOUT
	// PaymentAddress is TPG_PAYMENT_WALLET_ADDRESS, zero when unset; see
	// Engine.PaymentAddress.
	PaymentAddress tari.Address
	// Shop is TPG_SHOPIFY_SHOP: when set, the only shop this server serves
	// (see CheckShop).
	Shop string
	// UnderpaymentTolerance is TPG_UNDERPAYMENT_TOLERANCE (writeoff.go).
	UnderpaymentTolerance Tolerance
}

// Clock is injected so expiry and timestamps are exact in tests.
type Clock interface{ Now() time.Time }

// SystemClock reads the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// New builds an engine over a store and a clock.
func New(cfg Config, store Store, clock Clock) *Engine {
	if clock == nil {
		clock = SystemClock{}
	}
	return &Engine{cfg: cfg, store: store, clock: clock, owner: randomHex(8), log: slog.Default()}
}

// Engine is the payment engine. It is safe for concurrent use, and several
// processes may run one each over a shared PostgreSQL database.
type Engine struct {
	cfg   Config
	store Store
	clock Clock
	owner string // this process's side-effect lease owner
	log   *slog.Logger

	// parseMemo reads a memo signature from untrusted text:
	// tari.ParseMemoSignature when nil. Tests observe with it that no note
	// is parsed while a write transaction is open.
	parseMemo func([]byte) (tari.MemoSignature, error)

	mu   sync.Mutex // serialises publication, so subscribers see one change's events in order
	subs []func(context.Context, Envelope)
}

// SetLogger replaces the logger (slog.Default) used by background work.
func (e *Engine) SetLogger(l *slog.Logger) { e.log = l }

// Subscribe registers fn to receive every event after its transaction
// commits, exactly once, in the order the operation wrote them. Delivery is
// serialised, so subscribers run synchronously and one at a time: they must
// be quick and must not call the engine's write methods themselves (hand such
// work to a goroutine). The durable record is the events table; durable
// storefront work is the side-effect outbox.
func (e *Engine) Subscribe(fn func(context.Context, Envelope)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subs = append(e.subs, fn)
}

// now is the one timestamp of an operation, at the stores' precision.
func (e *Engine) now() time.Time { return e.clock.Now().UTC().Truncate(time.Microsecond) }

// txn is one attempt of one engine operation: the store transaction, its
// timestamp and actor, and the events it has written. Audit rows and events
// are held until the operation ends and then written with one statement per
// kind (flush), in the order they were made.
type txn struct {
	Tx
	ctx    context.Context
	now    time.Time
	actor  string
	envs   []Envelope
	audits []AuditEntry
	events []NewEvent
}

// update runs fn in one store transaction and publishes its events after
// the commit. fn may run several times when the store retries.
func (e *Engine) update(ctx context.Context, fn func(t *txn) error) error {
	var envs []Envelope
	err := e.store.Update(ctx, func(tx Tx) error {
		t := &txn{Tx: tx, ctx: ctx, now: e.now(), actor: ActorFrom(ctx)}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.flush(); err != nil {
			return err
		}
		envs = t.envs
		return nil
	})
	if err != nil {
		return err
	}
	e.publish(ctx, envs)
	return nil
}

func (e *Engine) view(ctx context.Context, fn func(t *txn) error) error {
	return e.store.View(ctx, func(tx Tx) error {
		return fn(&txn{Tx: tx, ctx: ctx, now: e.now(), actor: ActorFrom(ctx)})
	})
}

func (e *Engine) publish(ctx context.Context, envs []Envelope) {
	if len(envs) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, env := range envs {
		for _, fn := range e.subs {
			fn(ctx, env)
		}
	}
}

// emit queues an event for the outbox of this transaction.
func (t *txn) emit(ev Event) error {
	payload, err := EncodeEvent(ev)
	if err != nil {
		return err
	}
	t.events = append(t.events, NewEvent{Type: ev.Type(), Payload: payload, At: t.now})
	t.envs = append(t.envs, Envelope{At: t.now, Event: ev})
	return nil
}

// audit queues one changed field of an order or payment for the trail.
func (t *txn) audit(entity, id, field string, old, new *string, reason string) {
	t.audits = append(t.audits, AuditEntry{
		Entity: entity, EntityID: id, Field: field, OldValue: old, NewValue: new,
		Reason: reason, Actor: t.actor, At: t.now,
	})
}

// flush writes the queued audit rows and events, and gives each envelope
// its sequence number. The reads of the trail and the outbox below call it
// first, so a transaction sees its own writes.
func (t *txn) flush() error {
	if len(t.audits) > 0 {
		if err := t.InsertAudits(t.ctx, t.audits); err != nil {
			return err
		}
		t.audits = nil
	}
	if len(t.events) > 0 {
		seqs, err := t.InsertEvents(t.ctx, t.events)
		if err != nil {
			return err
		}
		queued := t.envs[len(t.envs)-len(t.events):]
		for i := range queued {
			queued[i].Seq = seqs[i]
		}
		t.events = nil
	}
	return nil
}

func (t *txn) Audit(ctx context.Context, entity, entityID string) ([]AuditEntry, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	return t.Tx.Audit(ctx, entity, entityID)
}

func (t *txn) RedactAudit(ctx context.Context, entity string, ids []string, field, redacted string) error {
	if err := t.flush(); err != nil {
		return err
	}
	return t.Tx.RedactAudit(ctx, entity, ids, field, redacted)
}

func (t *txn) EventsMentioning(ctx context.Context, needle string) ([]StoredEvent, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	return t.Tx.EventsMentioning(ctx, needle)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newClaimToken makes the unguessable /pay/{token} token: 144 random bits.
func newClaimToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func strPtr(s string) *string { return &s }

// actor context: who made a change, for the audit trail.
type actorKey struct{}

// WithActor records who is acting (e.g. "api:<address>", "admin:<staff>",
// "shopify", "wallet:<address>", "expiry") for the audit trail.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor recorded by WithActor, or "system".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}
