/**
 * Turning verified Stripe events into credits, exactly once.
 *
 * Only what we stored is trusted: the pending purchase row written at checkout (keyed by the
 * Checkout Session id) says whose credits and how many; the event only says "this session is
 * paid". One atomic batch records the event, credits the pack only while the purchase is still
 * pending, and marks it paid. Because D1 runs batches one after another and re-reads the condition
 * inside each, a redelivered event, the completed + async_payment_succeeded pair, or two
 * deliveries racing each other all credit once: the first batch flips the purchase to `paid`, and
 * every later one finds nothing pending.
 */
import type Stripe from 'stripe'
import * as v from 'valibot'
import { creditStatements, reversePurchase } from './credits.js'

/** What a webhook delivery did (answered to Stripe, which shows it in the dashboard's log). */
export type FulfilmentOutcome =
  | 'credited'
  | 'already_processed'
  | 'awaiting_payment'
  | 'unknown_session'
  | 'account_erased'
  | 'expired'
  | 'reversed'
  | 'unknown_payment'
  | 'ignored'

interface PurchaseRow {
  id: string
  user_id: string | null
  credits: number
  status: string
}

const CREDITING_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
])

const REVERSING_EVENTS = new Set(['charge.refunded', 'charge.dispute.created'])

const stripeId = v.pipe(v.string(), v.minLength(1), v.maxLength(255))
/** A PaymentIntent reference: its id, or the expanded object. */
const paymentIntentRef = v.nullish(v.union([stripeId, v.looseObject({ id: stripeId })]))
const amount = v.pipe(v.number(), v.integer(), v.minValue(0))

/**
 * The parts of an event this API reads, by type: a signed event without them (`{}`, a missing
 * object id) is malformed, and answered 400 instead of failing somewhere inside.
 */
const EVENT_SHAPE = v.looseObject({
  id: stripeId,
  type: v.pipe(v.string(), v.minLength(1)),
  data: v.looseObject({ object: v.looseObject({ id: stripeId }) }),
})
const OBJECT_SHAPES: Record<string, v.GenericSchema> = {
  'charge.refunded': v.looseObject({
    amount,
    amount_refunded: amount,
    payment_intent: paymentIntentRef,
  }),
  'charge.dispute.created': v.looseObject({ amount, payment_intent: paymentIntentRef }),
}

/** Whether a verified event has what its type needs; the problems, when not. */
export function malformedEvent(event: unknown): string | undefined {
  const base = v.safeParse(EVENT_SHAPE, event)
  if (!base.success) return v.summarize(base.issues)
  const objectShape = OBJECT_SHAPES[base.output.type]
  if (!objectShape) return undefined
  const object = v.safeParse(objectShape, base.output.data.object)
  return object.success ? undefined : v.summarize(object.issues)
}

const paymentIntentId = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? ref : (ref as { id?: string } | null | undefined)?.id

/** Applies one verified Stripe event. Throws on database failure (the webhook then answers 5xx). */
export async function fulfilCheckoutEvent(
  db: D1Database,
  event: Stripe.Event,
  now = Date.now(),
): Promise<FulfilmentOutcome> {
  if (REVERSING_EVENTS.has(event.type)) return reverseEvent(db, event, now)
  const recordEvent = db
    .prepare('INSERT OR IGNORE INTO stripe_events (id, type, received_at) VALUES (?, ?, ?)')
    .bind(event.id, event.type, now)

  if (event.type === 'checkout.session.expired') {
    // The session can no longer be paid: its pending row is dropped (a paid row never is).
    await db.batch([
      recordEvent,
      db
        .prepare("DELETE FROM purchases WHERE stripe_session_id = ? AND status = 'pending'")
        .bind(event.data.object.id),
    ])
    return 'expired'
  }
  if (!CREDITING_EVENTS.has(event.type)) return 'ignored'

  const session = event.data.object as Stripe.Checkout.Session
  const seen = await db
    .prepare('SELECT 1 AS seen FROM stripe_events WHERE id = ?')
    .bind(event.id)
    .first()
  if (seen) return 'already_processed'

  // Asynchronous methods (bank debits) complete the session unpaid; the credit waits for
  // checkout.session.async_payment_succeeded.
  const paid =
    event.type === 'checkout.session.async_payment_succeeded' || session.payment_status === 'paid'
  const purchase = await db
    .prepare('SELECT id, user_id, credits, status FROM purchases WHERE stripe_session_id = ?')
    .bind(session.id)
    .first<PurchaseRow>()

  if (!purchase) {
    // Not a session this API opened (another integration on the same Stripe account), or one
    // whose row retention removed. Acknowledged, so Stripe stops retrying.
    console.warn(
      JSON.stringify({ level: 'warn', msg: 'stripe session without purchase', event: event.id }),
    )
    await recordEvent.run()
    return 'unknown_session'
  }
  if (!paid) {
    await recordEvent.run()
    return 'awaiting_payment'
  }
  if (purchase.status !== 'pending') {
    await recordEvent.run()
    return 'already_processed'
  }

  // The PaymentIntent links later refunds and disputes (which name the charge's) to the purchase.
  const markPaid = db
    .prepare(
      "UPDATE purchases SET status = 'paid', paid_at = ?, payment_intent = ? WHERE id = ? AND status = 'pending'",
    )
    .bind(now, paymentIntentId(session.payment_intent) ?? null, purchase.id)
  if (!purchase.user_id) {
    // The account was erased after checkout: the payment is recorded, there is nobody to credit.
    await db.batch([recordEvent, markPaid])
    return 'account_erased'
  }

  const { statements } = creditStatements(db, {
    userId: purchase.user_id,
    delta: purchase.credits,
    reason: 'purchase',
    reference: purchase.id,
    at: now,
    onlyIf: {
      sql: "EXISTS (SELECT 1 FROM purchases WHERE id = ? AND user_id = ? AND status = 'pending')",
      params: [purchase.id, purchase.user_id],
    },
  })
  // Order matters: the credit reads "still pending" before markPaid flips it.
  const [, inserted] = await db.batch([recordEvent, statements[0], statements[1], markPaid])
  // The ledger INSERT returns the new balance when it applied, and no row when it did not.
  return inserted?.results.length === 1 ? 'credited' : 'already_processed'
}

/**
 * A refund (`charge.refunded`, cumulative `amount_refunded`) or a dispute
 * (`charge.dispute.created`, its `amount`) of a purchase's payment takes back the credits that
 * part of the payment bought, rounded up, at most the pack. The balance never goes below zero:
 * what was already spent is recorded on the purchase as `reversal_shortfall` and logged, not
 * collected later (see the API README, Billing).
 */
async function reverseEvent(
  db: D1Database,
  event: Stripe.Event,
  now: number,
): Promise<FulfilmentOutcome> {
  const object = event.data.object as unknown as {
    amount: number
    amount_refunded?: number
    payment_intent?: unknown
  }
  const intent = paymentIntentId(object.payment_intent)
  const recordEvent = db
    .prepare('INSERT OR IGNORE INTO stripe_events (id, type, received_at) VALUES (?, ?, ?)')
    .bind(event.id, event.type, now)
  const purchase = intent
    ? await db
        .prepare(
          "SELECT id, credits, amount FROM purchases WHERE payment_intent = ? AND status = 'paid'",
        )
        .bind(intent)
        .first<{ id: string; credits: number; amount: number }>()
    : null
  if (!purchase) {
    // A payment this API did not take (another integration on the account): acknowledged.
    await recordEvent.run()
    return 'unknown_payment'
  }
  const reversedAmount =
    event.type === 'charge.refunded' ? (object.amount_refunded ?? 0) : object.amount
  // The charge's own amount is what was paid; a refund of part of it reverses that part.
  const paid =
    event.type === 'charge.refunded' && object.amount > 0 ? object.amount : purchase.amount
  const target = Math.min(
    purchase.credits,
    Math.ceil((purchase.credits * reversedAmount) / Math.max(1, paid)),
  )
  const result = await reversePurchase(db, {
    purchaseId: purchase.id,
    target,
    eventId: event.id,
    eventType: event.type,
    at: now,
  })
  if (!result.applied) return 'already_processed'
  if (result.shortfall > 0) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'reversal exceeds balance',
        event: event.id,
        purchase: purchase.id,
        shortfall: result.shortfall,
      }),
    )
  }
  return 'reversed'
}
