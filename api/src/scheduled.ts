/**
 * The retention job, run daily by the Cron Trigger (wrangler.jsonc `triggers.crons`).
 *
 * - usage rows and purchases older than 7 years: deleted (the privacy policy keeps usage records
 *   7 years for billing law, then not longer);
 * - ledger rows older than 7 years: deleted. A live account's ledger must keep summing to its
 *   balance, so its old rows are first folded into one `adjustment` row (reference
 *   `retention:carried-forward`, dated at the cut-off) carrying their sum; the balance itself never
 *   changes. Detached rows of erased accounts are simply deleted;
 * - abandoned checkouts: pending purchases older than 30 days. Stripe expires an unpaid session
 *   after 24 h (and the `expired` event drops its row), but a session completed with a bank debit
 *   stays pending until `async_payment_succeeded`, which SEPA Direct Debit may send up to 14
 *   business days later (plus 3 days of webhook retries): its row must still be there then;
 * - expired sessions;
 * - throttling counters whose window ended more than a day ago (the longest window in use is 1 h);
 * - processed Stripe event ids older than 90 days (Stripe retries for 3 days; a later manual resend
 *   still credits nothing because the purchase is no longer pending);
 * - Idempotency-Key claims older than 24 h (a key is only honoured that long);
 * - descriptions kept for reuse older than the reuse window (a year: lib/reuse.ts).
 */

import type { Env } from './env.js'
import { ledgerRetentionStatements } from './lib/credits.js'
import { IDEMPOTENCY_WINDOW_MS } from './lib/idempotency.js'
import { REUSE_WINDOW_MS } from './lib/reuse.js'

const DAY_MS = 86_400_000

/** How long each kind of row is kept. */
export const RETENTION = {
  billingYears: 7,
  pendingPurchaseMs: 30 * DAY_MS,
  rateLimitMs: DAY_MS,
  stripeEventMs: 90 * DAY_MS,
  idempotencyKeyMs: IDEMPOTENCY_WINDOW_MS,
  reuseMs: REUSE_WINDOW_MS,
} as const

/** Rows deleted per statement, so one run never holds the database for long. */
const CHUNK = 1000

/** How many rows each step removed (or folded). */
export interface RetentionReport {
  usage: number
  ledger: number
  ledgerCarriedForward: number
  purchases: number
  sessions: number
  rateLimits: number
  stripeEvents: number
  idempotencyKeys: number
  reuse: number
}

/** The instant 7 calendar years before `now` (UTC). */
export function billingCutoff(now: number): number {
  const date = new Date(now)
  date.setUTCFullYear(date.getUTCFullYear() - RETENTION.billingYears)
  return date.getTime()
}

/** Deletes `table` rows matching `where` (bound to `params`) in chunks; returns how many went. */
async function deleteInChunks(
  db: D1Database,
  table: string,
  key: string,
  where: string,
  params: unknown[],
): Promise<number> {
  let total = 0
  for (;;) {
    const result = await db
      .prepare(
        `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${CHUNK})`,
      )
      .bind(...params)
      .run()
    total += result.meta.changes
    if (result.meta.changes < CHUNK) return total
  }
}

/** Runs every retention step once; `now` is injectable for tests. */
export async function runRetention(env: Env, now = Date.now()): Promise<RetentionReport> {
  const db = env.DB
  const cutoff = billingCutoff(now)

  // Fold, then delete, in one atomic batch: the ledger never stops summing to the balance.
  const [folded, removedLedger] = await db.batch(ledgerRetentionStatements(db, cutoff))

  const usage = await deleteInChunks(db, 'usage', 'id', 'created_at < ?', [cutoff])
  const purchases = await deleteInChunks(
    db,
    'purchases',
    'id',
    "created_at < ? OR (status = 'pending' AND created_at < ?)",
    [cutoff, now - RETENTION.pendingPurchaseMs],
  )
  const sessions = await deleteInChunks(db, 'sessions', 'id', 'expires_at <= ?', [now])
  const rateLimits = await deleteInChunks(db, 'rate_limits', 'key', 'window_start < ?', [
    now - RETENTION.rateLimitMs,
  ])
  const stripeEvents = await deleteInChunks(db, 'stripe_events', 'id', 'received_at < ?', [
    now - RETENTION.stripeEventMs,
  ])

  const idempotencyKeys = await deleteInChunks(db, 'idempotency_keys', 'rowid', 'created_at < ?', [
    now - RETENTION.idempotencyKeyMs,
  ])

  const reuse = await deleteInChunks(db, 'reuse', 'rowid', 'created_at < ?', [
    now - RETENTION.reuseMs,
  ])

  const report: RetentionReport = {
    usage,
    ledger: removedLedger?.meta.changes ?? 0,
    ledgerCarriedForward: folded?.meta.changes ?? 0,
    purchases,
    sessions,
    rateLimits,
    stripeEvents,
    idempotencyKeys,
    reuse,
  }
  console.log(JSON.stringify({ level: 'info', msg: 'retention', ...report }))
  return report
}
