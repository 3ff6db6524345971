import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeStripeForm, startApi, startFakeStripe } from './index.js'

/**
 * Stripe's webhook signature scheme (what the SDK's generateTestHeaderString produces):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" with the endpoint secret>`.
 * @param {string} payload @param {string} secret @param {number} [timestamp]
 */
function sign(payload, secret, timestamp = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')
  return `t=${timestamp},v1=${v1}`
}

describe('fake Stripe', () => {
  it('decodes Stripe form encoding into nested objects and arrays', () => {
    const body =
      'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&metadata[userId]=u1'
    expect(decodeStripeForm(body)).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'usd' } }],
      metadata: { userId: 'u1' },
    })
  })

  it('checks the key, validates sessions and honours idempotency keys', async () => {
    const stripe = await startFakeStripe({ secretKey: 'sk_test_x' })
    const form =
      'mode=payment&success_url=https%3A%2F%2Fa.example%2Fok&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=500&line_items[0][price_data][product_data][name]=Credits'
    /** @param {string} body @param {Record<string, string>} [headers] */
    const post = (body, headers = {}) =>
      fetch(`${stripe.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk_test_x',
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body,
      })
    expect((await post(form, { authorization: 'Bearer sk_test_wrong' })).status).toBe(401)
    expect((await post('mode=payment')).status).toBe(400)
    const first = /** @type {any} */ (await (await post(form, { 'idempotency-key': 'k1' })).json())
    const again = /** @type {any} */ (await (await post(form, { 'idempotency-key': 'k1' })).json())
    expect(first).toMatchObject({ object: 'checkout.session', amount_total: 500, status: 'open' })
    expect(again.id).toBe(first.id)
    const event = stripe.event('checkout.session.completed', first.id)
    expect(event).toMatchObject({
      type: 'checkout.session.completed',
      data: { object: { id: first.id, payment_status: 'paid' } },
    })
    await stripe.close()
  })
})

describe('billing through the real Worker (wrangler dev) and the fake Stripe', () => {
  const secret = 'whsec_e2e_secret'
  /** @type {Awaited<ReturnType<typeof startFakeStripe>>} */
  let stripe
  /** @type {Awaited<ReturnType<typeof startApi>>} */
  let api
  beforeAll(async () => {
    stripe = await startFakeStripe({ secretKey: 'sk_test_e2e' })
    api = await startApi({
      vars: {
        STRIPE_SECRET_KEY: 'sk_test_e2e',
        STRIPE_WEBHOOK_SECRET: secret,
        STRIPE_API_URL: stripe.url,
        APP_URL: 'https://app.example.com',
      },
    })
  }, 90_000)
  afterAll(async () => {
    await api?.stop()
    await stripe?.close()
  })

  it('buys a pack: checkout, signed webhook (delivered twice), credits once', async () => {
    const signup = await fetch(`${api.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `e2e-${Date.now()}@example.com`,
        password: 'a long enough password',
      }),
    })
    expect(signup.status).toBe(201)
    const { token, apiKey } = /** @type {any} */ (await signup.json())
    const checkout = await fetch(`${api.url}/v1/billing/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ packId: 'pack_2000' }),
    })
    expect(checkout.status).toBe(200)
    const { sessionId } = /** @type {any} */ (await checkout.json())
    const session = stripe.sessions.get(sessionId)
    expect(session?.success_url).toBe(
      'https://app.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}',
    )
    expect(stripe.calls.at(-1)?.headers['idempotency-key']).toMatch(/^pur_/)

    const payload = JSON.stringify(stripe.event('checkout.session.completed', sessionId))
    const forged = await fetch(`${api.url}/v1/billing/webhook`, {
      method: 'POST',
      headers: {
        'stripe-signature': sign(payload, 'whsec_wrong'),
        'content-type': 'application/json',
      },
      body: payload,
    })
    expect(forged.status).toBe(400)
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${api.url}/v1/billing/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': sign(payload, secret), 'content-type': 'application/json' },
        body: payload,
      })
      expect(res.status).toBe(200)
    }
    const credits = await fetch(`${api.url}/v1/credits`, {
      headers: { authorization: `Bearer ${apiKey.key}` },
    })
    expect(/** @type {any} */ (await credits.json()).balance).toBe(2010)
    expect(credits.headers.get('cache-control')).toBe('no-store')
  }, 30_000)
})
