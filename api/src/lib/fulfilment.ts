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
import { creditStatements } from './credits.js'

/** What a webhook delivery did (answered to Stripe, which shows it in the dashboard's log). */
export type FulfilmentOutcome =
  | 'credited'
  | 'already_processed'
  | 'awaiting_payment'
  | 'unknown_session'
  | 'account_erased'
  | 'expired'
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

/** Applies one verified Stripe event. Throws on database failure (the webhook then answers 5xx). */
export async function fulfilCheckoutEvent(
  db: D1Database,
  event: Stripe.Event,
  now = Date.now(),
): Promise<FulfilmentOutcome> {
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

  const markPaid = db
    .prepare(
      "UPDATE purchases SET status = 'paid', paid_at = ? WHERE id = ? AND status = 'pending'",
    )
    .bind(now, purchase.id)
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
