import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { api, expectError, expectLedgerInvariant, json, signup } from '../../test/helpers.js'
import { checkout, deliver, stripeEvent } from '../../test/stripe.js'
import { changeCredits } from '../lib/credits.js'

interface Paid {
  userId: string
  sessionId: string
  purchaseId: string
}

/** Signs up, buys pack_500 (500 credits for 500 cents) and delivers the paid event. */
async function buyPack(): Promise<Paid> {
  const account = await signup()
  const { sessionId } = await checkout(account, 'pack_500')
  const paid = await deliver(await stripeEvent('checkout.session.completed', sessionId))
  expect(await json(paid)).toEqual({ received: true, outcome: 'credited' })
  const row = await env.DB.prepare('SELECT id FROM purchases WHERE stripe_session_id = ?')
    .bind(sessionId)
    .first<{ id: string }>()
  return { userId: account.user.id, sessionId, purchaseId: row?.id ?? '' }
}

const balanceOf = async (userId: string) =>
  (
    await env.DB.prepare('SELECT credits FROM users WHERE id = ?')
      .bind(userId)
      .first<{ credits: number }>()
  )?.credits

const reversalRows = (purchaseId: string) =>
  env.DB.prepare(
    "SELECT delta, balance_after FROM ledger WHERE reference = ? AND reason = 'adjustment' ORDER BY created_at, rowid",
  )
    .bind(purchaseId)
    .all<{ delta: number; balance_after: number }>()
    .then((result) => result.results)

const reversalState = (purchaseId: string) =>
  env.DB.prepare('SELECT credits_reversed, reversal_shortfall FROM purchases WHERE id = ?')
    .bind(purchaseId)
    .first<{ credits_reversed: number; reversal_shortfall: number }>()

describe('Stripe refunds and disputes', () => {
  it('a full refund takes the pack back once, however often it is delivered', async () => {
    const { userId, sessionId, purchaseId } = await buyPack()
    expect(await balanceOf(userId)).toBe(510)
    const refund = await stripeEvent('charge.refunded', sessionId)
    for (let i = 0; i < 3; i++) {
      const res = await deliver(refund)
      expect(res.status).toBe(200)
      expect(await json(res)).toEqual({
        received: true,
        outcome: i === 0 ? 'reversed' : 'already_processed',
      })
    }
    expect(await balanceOf(userId)).toBe(10)
    expect(await reversalRows(purchaseId)).toEqual([{ delta: -500, balance_after: 10 }])
    expect(await reversalState(purchaseId)).toEqual({
      credits_reversed: 500,
      reversal_shortfall: 0,
    })
    await expectLedgerInvariant(userId)
  })

  it('partial refunds take their share; a later dispute never takes a credit twice', async () => {
    const { userId, sessionId, purchaseId } = await buyPack()
    // Stripe reports refunds cumulatively: 150 cents, then 400 in total.
    await deliver(await stripeEvent('charge.refunded', sessionId, undefined, 150))
    expect(await balanceOf(userId)).toBe(360)
    await deliver(await stripeEvent('charge.refunded', sessionId, undefined, 400))
    expect(await balanceOf(userId)).toBe(110)
    // A dispute of the whole payment takes only what is left of the pack.
    const dispute = await deliver(await stripeEvent('charge.dispute.created', sessionId))
    expect(await json(dispute)).toEqual({ received: true, outcome: 'reversed' })
    expect(await balanceOf(userId)).toBe(10)
    expect((await reversalRows(purchaseId)).map((row) => row.delta)).toEqual([-150, -250, -100])
    await expectLedgerInvariant(userId)
  })

  it('never goes below zero: what was spent already is recorded as a shortfall', async () => {
    const { userId, sessionId, purchaseId } = await buyPack()
    expect(
      await changeCredits(env.DB, { userId, delta: -430, reason: 'generation', reference: 'x' }),
    ).toBe(80)
    const res = await deliver(await stripeEvent('charge.dispute.created', sessionId))
    expect(await json(res)).toEqual({ received: true, outcome: 'reversed' })
    expect(await balanceOf(userId)).toBe(0)
    expect(await reversalRows(purchaseId)).toEqual([{ delta: -80, balance_after: 0 }])
    expect(await reversalState(purchaseId)).toEqual({
      credits_reversed: 80,
      reversal_shortfall: 420,
    })
    // A refund of the same payment after the dispute owes nothing more.
    await deliver(await stripeEvent('charge.refunded', sessionId))
    expect(await reversalRows(purchaseId)).toHaveLength(1)
    expect(await balanceOf(userId)).toBe(0)
    await expectLedgerInvariant(userId)
  })

  it('acknowledges refunds of payments it did not take, changing nothing', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account, 'pack_500')
    // Never paid here: the webhook never saw the session paid, so no purchase has the intent.
    const refund = await stripeEvent('charge.refunded', sessionId)
    const res = await deliver(
      refund.replace(/"payment_intent":"pi_\w+"/, '"payment_intent":"pi_x"'),
    )
    expect(await json(res)).toEqual({ received: true, outcome: 'unknown_payment' })
    expect(await balanceOf(account.user.id)).toBe(10)
  })
})

describe('malformed webhook events', () => {
  it('answers 400 to a correctly signed event without the fields it needs, and logs it', async () => {
    const warnings: string[] = []
    const original = console.warn
    console.warn = (line: unknown) => warnings.push(String(line))
    try {
      for (const payload of [
        '{}',
        '{"id":"evt_1","type":"checkout.session.completed","data":{}}',
        '{"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_1"}}}',
        '[]',
      ]) {
        await expectError(await deliver(payload), 400, 'invalid_request')
      }
    } finally {
      console.warn = original
    }
    expect(warnings.filter((line) => line.includes('malformed stripe event'))).toHaveLength(4)
    const res = await api('/v1/billing/webhook', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
    await expectError(res, 400, 'invalid_request')
  })
})
