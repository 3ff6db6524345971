import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { expectLedgerInvariant } from '../test/helpers.js'
import worker from './index.js'
import { billingCutoff, runRetention } from './scheduled.js'

const DAY = 86_400_000
const YEAR = 365.25 * DAY
const uid = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`

/** Rows at chosen ages, each tagged so the assertions see only this test's rows. */
async function seed(now: number) {
  const userId = uid('usr')
  const at = {
    eightYears: now - 8 * YEAR,
    sevenAndHalf: now - 7.5 * YEAR,
    justInside: billingCutoff(now) + 60_000,
    sixYears: now - 6 * YEAR,
    yesterday: now - DAY,
  }
  const db = env.DB
  // A live account whose history starts 8 years ago: 100 bought, 30 and 20 spent, 500 bought.
  await db
    .prepare(
      `INSERT INTO users (id, email, name, password_hash, credits, store_history, created_at, updated_at)
       VALUES (?, ?, 'Old Timer', 'x', 550, 1, ?, ?)`,
    )
    .bind(userId, `${userId}@example.com`, at.eightYears, at.eightYears)
    .run()
  const ledger = [
    [uid('led'), userId, 100, 'purchase', 100, at.eightYears],
    [uid('led'), userId, -30, 'generation', 70, at.sevenAndHalf],
    [uid('led'), userId, -20, 'generation', 50, at.sixYears],
    [uid('led'), userId, 500, 'purchase', 550, at.yesterday],
    // Detached rows of an erased account.
    [uid('led'), null, -1, 'generation', 0, at.eightYears],
    [uid('led'), null, -1, 'generation', 0, at.sixYears],
  ] as const
  const usage = {
    old: uid('use'),
    inside: uid('use'),
    recent: uid('use'),
    detachedOld: uid('use'),
  }
  const purchases = {
    oldPaid: uid('pur'),
    recentPaid: uid('pur'),
    abandoned: uid('pur'),
    open: uid('pur'),
  }
  const sessions = { expired: uid('ses'), live: uid('ses') }
  const limits = { stale: uid('rl'), fresh: uid('rl') }
  const events = { old: uid('evt'), recent: uid('evt') }
  const statements: D1PreparedStatement[] = [
    ...ledger.map((row) =>
      db
        .prepare(
          'INSERT INTO ledger (id, user_id, delta, reason, reference, balance_after, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?)',
        )
        .bind(...row),
    ),
    ...(
      [
        [usage.old, userId, at.eightYears],
        [usage.inside, userId, at.justInside],
        [usage.recent, userId, at.yesterday],
        [usage.detachedOld, null, at.eightYears],
      ] as const
    ).map(([id, user, created]) =>
      db
        .prepare(
          `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
           VALUES (?, ?, NULL, '/v1/alt-text', 'm', 'https://x.example/a.png', 'a cat', 'en', 1, ?)`,
        )
        .bind(id, user, created),
    ),
    ...(
      [
        [purchases.oldPaid, 'paid', at.eightYears],
        [purchases.recentPaid, 'paid', at.sixYears],
        [purchases.abandoned, 'pending', now - 31 * DAY],
        [purchases.open, 'pending', now - DAY],
      ] as const
    ).map(([id, status, created]) =>
      db
        .prepare(
          `INSERT INTO purchases (id, user_id, stripe_session_id, pack_id, credits, amount, currency, status, created_at, paid_at)
           VALUES (?, ?, ?, 'pack_500', 500, 500, 'usd', ?, ?, NULL)`,
        )
        .bind(id, userId, `cs_${id}`, status, created),
    ),
    ...(
      [
        [sessions.expired, now - 1],
        [sessions.live, now + DAY],
      ] as const
    ).map(([id, expires]) =>
      db
        .prepare(
          'INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        )
        .bind(id, userId, `hash_${id}`, now - 30 * DAY, expires),
    ),
    db
      .prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 3), (?, ?, 1)')
      .bind(limits.stale, now - 2 * DAY, limits.fresh, now - 60_000),
    db
      .prepare(
        "INSERT INTO stripe_events (id, type, received_at) VALUES (?, 'checkout.session.completed', ?), (?, 'checkout.session.completed', ?)",
      )
      .bind(events.old, now - 91 * DAY, events.recent, now - 89 * DAY),
  ]
  await db.batch(statements)
  return { userId, ledger, usage, purchases, sessions, limits, events }
}

async function exists(table: string, column: string, value: string): Promise<boolean> {
  const row = await env.DB.prepare(`SELECT 1 AS x FROM ${table} WHERE ${column} = ?`)
    .bind(value)
    .first()
  return row !== null
}

describe('retention job', () => {
  it('is run by the Cron Trigger and deletes exactly what is due', async () => {
    const seeded = await seed(Date.now())
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' })
    const ctx = createExecutionContext()
    await worker.scheduled(controller, env, ctx)
    await waitOnExecutionContext(ctx)

    const { usage, purchases, sessions, limits, events, ledger, userId } = seeded
    expect(await exists('usage', 'id', usage.old)).toBe(false)
    expect(await exists('usage', 'id', usage.detachedOld)).toBe(false)
    expect(await exists('usage', 'id', usage.inside)).toBe(true)
    expect(await exists('usage', 'id', usage.recent)).toBe(true)

    expect(await exists('purchases', 'id', purchases.oldPaid)).toBe(false)
    expect(await exists('purchases', 'id', purchases.abandoned)).toBe(false)
    expect(await exists('purchases', 'id', purchases.recentPaid)).toBe(true)
    expect(await exists('purchases', 'id', purchases.open)).toBe(true)

    expect(await exists('sessions', 'id', sessions.expired)).toBe(false)
    expect(await exists('sessions', 'id', sessions.live)).toBe(true)
    expect(await exists('rate_limits', 'key', limits.stale)).toBe(false)
    expect(await exists('rate_limits', 'key', limits.fresh)).toBe(true)
    expect(await exists('stripe_events', 'id', events.old)).toBe(false)
    expect(await exists('stripe_events', 'id', events.recent)).toBe(true)

    // Old ledger rows are gone; the live account's are folded into one carry-forward row, so its
    // ledger still sums to the balance, which did not change.
    for (const row of [ledger[0], ledger[1], ledger[4]]) {
      expect(await exists('ledger', 'id', row[0])).toBe(false)
    }
    for (const row of [ledger[2], ledger[3], ledger[5]]) {
      expect(await exists('ledger', 'id', row[0])).toBe(true)
    }
    const { results } = await env.DB.prepare(
      'SELECT delta, reason, reference, balance_after FROM ledger WHERE user_id = ? ORDER BY created_at, rowid',
    )
      .bind(userId)
      .all()
    expect(results).toEqual([
      {
        delta: 70,
        reason: 'adjustment',
        reference: 'retention:carried-forward',
        balance_after: 70,
      },
      { delta: -20, reason: 'generation', reference: null, balance_after: 50 },
      { delta: 500, reason: 'purchase', reference: null, balance_after: 550 },
    ])
    expect(await expectLedgerInvariant(userId)).toBe(550)
  })

  it('counts what it removed and changes nothing more when run again', async () => {
    const now = Date.now()
    const seeded = await seed(now)
    const first = await runRetention(env, now)
    expect(first.usage).toBeGreaterThanOrEqual(2)
    expect(first.ledger).toBeGreaterThanOrEqual(3)
    expect(first.ledgerCarriedForward).toBeGreaterThanOrEqual(1)
    expect(first.purchases).toBeGreaterThanOrEqual(2)
    expect(first.sessions).toBeGreaterThanOrEqual(1)
    expect(first.rateLimits).toBeGreaterThanOrEqual(1)
    expect(first.stripeEvents).toBeGreaterThanOrEqual(1)
    const again = await runRetention(env, now)
    expect(again).toEqual({
      usage: 0,
      ledger: 0,
      ledgerCarriedForward: 0,
      purchases: 0,
      sessions: 0,
      rateLimits: 0,
      stripeEvents: 0,
      idempotencyKeys: 0,
      reuse: 0,
    })
    expect(await expectLedgerInvariant(seeded.userId)).toBe(550)
  })

  it('puts the cut-off 7 calendar years back', () => {
    expect(new Date(billingCutoff(Date.UTC(2026, 10, 24, 3, 17))).toISOString()).toBe(
      '2019-11-24T03:17:00.000Z',
    )
  })
})

describe('retention of Idempotency-Key claims', () => {
  it('deletes claims older than 24 h and keeps younger ones', async () => {
    const now = Date.now()
    const userId = uid('usr')
    await env.DB.prepare(
      `INSERT INTO users (id, email, name, password_hash, credits, store_history, created_at, updated_at)
       VALUES (?, ?, NULL, 'x', 0, 1, ?, ?)`,
    )
      .bind(userId, `${userId}@example.com`, now, now)
      .run()
    const claim = (keyHash: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO idempotency_keys (user_id, key_hash, request_hash, status, reference, created_at, updated_at)
         VALUES (?, ?, 'r', 'done', ?, ?, ?)`,
      ).bind(userId, keyHash, uid('use'), at, at)
    await env.DB.batch([
      claim('old', now - DAY - 60_000),
      claim('young', now - DAY + 60_000),
      claim('fresh', now),
    ])
    const report = await runRetention(env, now)
    expect(report.idempotencyKeys).toBeGreaterThanOrEqual(1)
    const { results } = await env.DB.prepare(
      'SELECT key_hash FROM idempotency_keys WHERE user_id = ? ORDER BY key_hash',
    )
      .bind(userId)
      .all<{ key_hash: string }>()
    expect(results.map((row) => row.key_hash)).toEqual(['fresh', 'young'])
  })
})
