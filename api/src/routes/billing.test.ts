import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import {
  CheckoutStatus,
  type CheckoutStatus as CheckoutStatusBody,
  type PackList,
} from '@alttextapi/core'
import Stripe from 'stripe'
import * as v from 'valibot'
import { describe, expect, inject, it } from 'vitest'
import { api, BASE, expectError, expectLedgerInvariant, json, signup } from '../../test/helpers.js'
import { checkout, deliver, stripeEvent } from '../../test/stripe.js'
import worker from '../index.js'
import { runRetention } from '../scheduled.js'

const stripeUrl = inject('fakeStripeUrl')
const WEBHOOK_SECRET = env.STRIPE_WEBHOOK_SECRET ?? ''
const crypto = Stripe.createSubtleCryptoProvider()

interface FakeSession {
  id: string
  mode: string
  amount_total: number
  currency: string
  client_reference_id: string | null
  metadata: Record<string, string>
  success_url: string
  cancel_url: string
  line_items: Array<{ quantity: string; price_data: Record<string, unknown> }>
}

async function balance(userId: string): Promise<number | undefined> {
  const row = await env.DB.prepare('SELECT credits FROM users WHERE id = ?')
    .bind(userId)
    .first<{ credits: number }>()
  return row?.credits
}

async function purchase(sessionId: string) {
  return env.DB.prepare(
    'SELECT id, user_id, status, paid_at, credits FROM purchases WHERE stripe_session_id = ?',
  )
    .bind(sessionId)
    .first<{ id: string; user_id: string | null; status: string; paid_at: number | null }>()
}

async function purchaseLedgerRows(purchaseId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM ledger WHERE reference = ?')
    .bind(purchaseId)
    .first<{ n: number }>()
  return row?.n ?? -1
}

describe('GET /v1/billing/packs', () => {
  it('lists packs priced from one cent per credit, the smallest being the minimum purchase', async () => {
    const res = await api('/v1/billing/packs')
    expect(res.status).toBe(200)
    const { packs } = await json<PackList>(res)
    expect(packs).toEqual([
      { id: 'pack_500', credits: 500, amount: 500, currency: 'usd' },
      { id: 'pack_2000', credits: 2000, amount: 1800, currency: 'usd' },
      { id: 'pack_10000', credits: 10000, amount: 8000, currency: 'usd' },
    ])
    for (const pack of packs) expect(pack.amount).toBeLessThanOrEqual(pack.credits)
  })
})

describe('billing without Stripe settings', () => {
  it('answers 503 billing_not_configured on every billing route, naming the settings', async () => {
    const account = await signup()
    const bare = { ...env, STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined }
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext()
      const res = await worker.fetch(new Request(`${BASE}${path}`, init), bare, ctx)
      await waitOnExecutionContext(ctx)
      return res
    }
    const requests: Array<[string, RequestInit]> = [
      ['/v1/billing/packs', {}],
      [
        '/v1/billing/checkout',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ packId: 'pack_500' }),
        },
      ],
      [
        '/v1/billing/webhook',
        { method: 'POST', headers: { 'stripe-signature': 't=1,v1=x' }, body: '{}' },
      ],
      [
        '/v1/billing/checkout/cs_test_anything',
        { headers: { authorization: `Bearer ${account.token}` } },
      ],
    ]
    for (const [path, init] of requests) {
      const body = await expectError(await call(path, init), 503, 'billing_not_configured')
      expect(body.error.message).toContain('STRIPE_SECRET_KEY')
    }
  })
})

describe('POST /v1/billing/checkout', () => {
  it('opens a Checkout Session tied to the user and pack, and records a pending purchase', async () => {
    const account = await signup()
    const { url, sessionId } = await checkout(account, 'pack_2000')
    expect(sessionId).toMatch(/^cs_test_/)
    expect(url).toBe(`${stripeUrl}/c/pay/${sessionId}`)

    // What Stripe holds, read back through its REST API.
    const res = await fetch(`${stripeUrl}/v1/checkout/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` },
    })
    const session = (await res.json()) as FakeSession
    const row = await purchase(sessionId)
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 1800,
      currency: 'usd',
      client_reference_id: account.user.id,
      metadata: {
        userId: account.user.id,
        packId: 'pack_2000',
        credits: '2000',
        purchaseId: row?.id,
      },
      success_url: `${BASE}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${BASE}/billing/cancel`,
    })
    expect(session.line_items).toEqual([
      {
        quantity: '1',
        price_data: {
          currency: 'usd',
          unit_amount: '1800',
          product_data: { name: '2,000 AltText API credits' },
        },
      },
    ])
    expect(row).toMatchObject({
      user_id: account.user.id,
      status: 'pending',
      paid_at: null,
      credits: 2000,
    })
    expect(await balance(account.user.id)).toBe(10)
  })

  it('refuses unknown packs, API keys and missing credentials', async () => {
    const account = await signup()
    await expectError(
      await api('/v1/billing/checkout', { json: { packId: 'pack_1' }, token: account.token }),
      400,
      'invalid_request',
    )
    await expectError(
      await api('/v1/billing/checkout', {
        json: { packId: 'pack_500' },
        token: account.apiKey.key,
      }),
      401,
      'unauthorized',
    )
    await expectError(
      await api('/v1/billing/checkout', { json: { packId: 'pack_500' } }),
      401,
      'unauthorized',
    )
  })

  it('answers 500 without details when Stripe fails, and records nothing', async () => {
    const account = await signup()
    // Two failures: the first attempt and the SDK's one retry.
    await fetch(`${stripeUrl}/__fake/fail`, {
      method: 'POST',
      body: JSON.stringify({ count: 2, status: 500 }),
    })
    await expectError(
      await api('/v1/billing/checkout', { json: { packId: 'pack_500' }, token: account.token }),
      500,
      'internal_error',
    )
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM purchases WHERE user_id = ?')
      .bind(account.user.id)
      .first<{ n: number }>()
    expect(rows?.n).toBe(0)
  })
})

describe('GET /v1/billing/checkout/:sessionId', () => {
  const status = (sessionId: string, token: string) =>
    api(`/v1/billing/checkout/${encodeURIComponent(sessionId)}`, { token })

  it('answers pending, then paid with the new balance once the signed webhook arrives', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account, 'pack_2000')

    const before = await status(sessionId, account.token)
    expect(before.status).toBe(200)
    expect(before.headers.get('cache-control')).toBe('no-store')
    expect(before.headers.get('access-control-allow-origin')).toBeNull()
    const pending = await json<CheckoutStatusBody>(before)
    expect(pending).toEqual({ sessionId, status: 'pending', credits: 2000, balance: 10 })
    const parsed = v.safeParse(CheckoutStatus, pending)
    expect(parsed.success, JSON.stringify(parsed.issues ?? null)).toBe(true)

    // A bank debit: completed but unpaid stays pending.
    await deliver(await stripeEvent('checkout.session.completed', sessionId, 'unpaid'))
    expect(await json<CheckoutStatusBody>(await status(sessionId, account.token))).toEqual(pending)

    const res = await deliver(
      await stripeEvent('checkout.session.async_payment_succeeded', sessionId),
    )
    expect((await json<{ outcome: string }>(res)).outcome).toBe('credited')
    expect(await json<CheckoutStatusBody>(await status(sessionId, account.token))).toEqual({
      sessionId,
      status: 'paid',
      credits: 2000,
      balance: 2010,
    })
  })

  it("answers 404 for another user's session, an unknown one and an expired one", async () => {
    const owner = await signup()
    const other = await signup()
    const { sessionId } = await checkout(owner)
    const body = await expectError(await status(sessionId, other.token), 404, 'not_found')
    expect(body.error.message).not.toContain(owner.user.id)
    await expectError(await status('cs_test_never_opened', owner.token), 404, 'not_found')
    await expectError(await status(`${sessionId}' OR '1'='1`, owner.token), 404, 'not_found')
    // The owner still sees it.
    expect((await status(sessionId, owner.token)).status).toBe(200)

    await deliver(await stripeEvent('checkout.session.expired', sessionId))
    await expectError(await status(sessionId, owner.token), 404, 'not_found')
  })

  it('is for sessions only: an API key or no credential answers 401', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    await expectError(await status(sessionId, account.apiKey.key), 401, 'unauthorized')
    await expectError(await api(`/v1/billing/checkout/${sessionId}`), 401, 'unauthorized')
  })
})

describe('POST /v1/billing/webhook', () => {
  it('credits a paid session exactly once under replays and the completed + async pair', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account, 'pack_500')
    const completed = await stripeEvent('checkout.session.completed', sessionId, 'paid')
    for (let i = 0; i < 3; i++) {
      const res = await deliver(completed)
      expect(res.status).toBe(200)
      expect((await json<{ outcome: string }>(res)).outcome).toBe(
        i === 0 ? 'credited' : 'already_processed',
      )
    }
    // A second event id about the same session (Stripe's at-least-once delivery), and the async one.
    expect(
      (await deliver(await stripeEvent('checkout.session.completed', sessionId, 'paid'))).status,
    ).toBe(200)
    expect(
      (await deliver(await stripeEvent('checkout.session.async_payment_succeeded', sessionId)))
        .status,
    ).toBe(200)

    expect(await balance(account.user.id)).toBe(510)
    const row = await purchase(sessionId)
    expect(row?.status).toBe('paid')
    expect(row?.paid_at).toBeTypeOf('number')
    expect(await purchaseLedgerRows(row?.id ?? '')).toBe(1)
    expect(await expectLedgerInvariant(account.user.id)).toBe(510)
    const events = await env.DB.prepare('SELECT count(*) AS n FROM stripe_events WHERE id = ?')
      .bind(JSON.parse(completed).id)
      .first<{ n: number }>()
    expect(events?.n).toBe(1)
  })

  it('credits once when the events arrive out of order or at the same time', async () => {
    const account = await signup()
    // async_payment_succeeded before completed.
    const first = await checkout(account, 'pack_500')
    const succeeded = await stripeEvent('checkout.session.async_payment_succeeded', first.sessionId)
    const completed = await stripeEvent('checkout.session.completed', first.sessionId, 'paid')
    expect((await deliver(succeeded)).status).toBe(200)
    expect((await deliver(completed)).status).toBe(200)
    expect(await balance(account.user.id)).toBe(510)

    // Eight different deliveries about one session racing each other.
    const second = await checkout(account, 'pack_2000')
    const payloads = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stripeEvent(
          i % 2 ? 'checkout.session.completed' : 'checkout.session.async_payment_succeeded',
          second.sessionId,
          'paid',
        ),
      ),
    )
    const answers = await Promise.all(payloads.map((payload) => deliver(payload)))
    const outcomes = await Promise.all(answers.map((res) => json<{ outcome: string }>(res)))
    expect(answers.map((res) => res.status)).toEqual(Array(8).fill(200))
    expect(outcomes.filter((o) => o.outcome === 'credited')).toHaveLength(1)
    expect(await balance(account.user.id)).toBe(2510)
    expect(await expectLedgerInvariant(account.user.id)).toBe(2510)
  })

  it('waits for async_payment_succeeded when the session completes unpaid', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    const res = await deliver(await stripeEvent('checkout.session.completed', sessionId, 'unpaid'))
    expect(res.status).toBe(200)
    expect((await json<{ outcome: string }>(res)).outcome).toBe('awaiting_payment')
    expect(await balance(account.user.id)).toBe(10)
    expect((await purchase(sessionId))?.status).toBe('pending')

    // A failed bank debit credits nothing either.
    expect(
      (await deliver(await stripeEvent('checkout.session.async_payment_failed', sessionId))).status,
    ).toBe(200)
    expect(await balance(account.user.id)).toBe(10)

    await deliver(await stripeEvent('checkout.session.async_payment_succeeded', sessionId))
    expect(await balance(account.user.id)).toBe(510)
  })

  it('still credits a bank debit that settles weeks later, after the daily retention runs', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    await deliver(await stripeEvent('checkout.session.completed', sessionId, 'unpaid'))
    // SEPA Direct Debit may take up to 14 business days to confirm: 20 days of retention runs.
    await runRetention(env, Date.now() + 20 * 86_400_000)
    expect((await purchase(sessionId))?.status).toBe('pending')
    const res = await deliver(
      await stripeEvent('checkout.session.async_payment_succeeded', sessionId),
    )
    expect((await json<{ outcome: string }>(res)).outcome).toBe('credited')
    expect(await balance(account.user.id)).toBe(510)
    expect(await expectLedgerInvariant(account.user.id)).toBe(510)
  })

  it('rejects forged, stale, tampered and missing signatures with 400 and changes nothing', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    const payload = await stripeEvent('checkout.session.completed', sessionId, 'paid')
    const eventId = JSON.parse(payload).id as string
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600
    const valid = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: WEBHOOK_SECRET,
      cryptoProvider: crypto,
    })
    const attempts: Response[] = [
      await deliver(payload, { secret: 'whsec_someone_else' }),
      await deliver(payload, { timestamp: tenMinutesAgo }),
      await deliver(payload, { signature: null }),
      await deliver(payload, { signature: 'garbage' }),
      await deliver(payload.replace('"paid"', '"paid" '), { signature: valid }),
      await deliver(payload.replace(account.user.id, 'usr_attacker'), { signature: valid }),
    ]
    for (const res of attempts) await expectError(res, 400, 'invalid_request')
    expect(await balance(account.user.id)).toBe(10)
    expect((await purchase(sessionId))?.status).toBe('pending')
    const seen = await env.DB.prepare('SELECT count(*) AS n FROM stripe_events WHERE id = ?')
      .bind(eventId)
      .first<{ n: number }>()
    expect(seen?.n).toBe(0)
    // The genuine delivery still works afterwards.
    expect((await deliver(payload)).status).toBe(200)
    expect(await balance(account.user.id)).toBe(510)
  })

  it('refuses oversized bodies', async () => {
    const res = await deliver(
      JSON.stringify({ id: 'evt_big', type: 'x', pad: 'x'.repeat(300_000) }),
    )
    await expectError(res, 413, 'payload_too_large')
  })

  it('acknowledges unknown event types and sessions it did not open, crediting nothing', async () => {
    const account = await signup()
    const unknown = JSON.stringify({
      id: `evt_${Date.now()}`,
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1', object: 'customer' } },
    })
    const res = await deliver(unknown)
    expect(res.status).toBe(200)
    expect((await json<{ outcome: string }>(res)).outcome).toBe('ignored')

    const foreign = JSON.stringify({
      id: `evt_foreign_${Date.now()}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_not_ours',
          object: 'checkout.session',
          payment_status: 'paid',
          client_reference_id: account.user.id,
          metadata: { userId: account.user.id, packId: 'pack_10000', credits: '10000' },
        },
      },
    })
    const answer = await deliver(foreign)
    expect(answer.status).toBe(200)
    expect((await json<{ outcome: string }>(answer)).outcome).toBe('unknown_session')
    expect(await balance(account.user.id)).toBe(10)
  })

  it('drops the pending purchase of an expired session', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    expect((await deliver(await stripeEvent('checkout.session.expired', sessionId))).status).toBe(
      200,
    )
    expect(await purchase(sessionId)).toBeNull()
  })

  it('records the payment of an account erased after checkout without crediting anyone', async () => {
    const account = await signup()
    const { sessionId } = await checkout(account)
    const erased = await api('/v1/account', {
      method: 'DELETE',
      json: { password: account.password },
      token: account.token,
    })
    expect(erased.status).toBe(204)
    const res = await deliver(await stripeEvent('checkout.session.completed', sessionId, 'paid'))
    expect(res.status).toBe(200)
    expect((await json<{ outcome: string }>(res)).outcome).toBe('account_erased')
    const row = await purchase(sessionId)
    expect(row).toMatchObject({ user_id: null, status: 'paid' })
    expect(await purchaseLedgerRows(row?.id ?? '')).toBe(0)
  })
})
