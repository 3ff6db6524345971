// Stripe webhooks: 100 deliveries of the same purchase's events — replayed, reordered, concurrent,
// completed and async_payment_succeeded mixed — credit the pack exactly once.
import { startApi, startFakeStripe } from '@alttextapi/testkit'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { get, post, signup } from './support.mjs'

const SECRET = 'whsec_reliability'

describe('webhooks: replays and reordering', () => {
  let stripe
  let api
  beforeAll(async () => {
    stripe = await startFakeStripe()
    api = await startApi({
      vars: {
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: SECRET,
        STRIPE_API_URL: stripe.url,
        SIGNUP_CREDITS: '0',
      },
    })
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    await stripe?.close()
  })

  async function deliver(event) {
    const payload = JSON.stringify(event)
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: SECRET,
    })
    const res = await fetch(`${api.url}/v1/billing/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    })
    return res.status
  }

  it('credits one purchase once across 100 shuffled deliveries', async () => {
    const account = await signup(api)
    const packs = (await fetch(`${api.url}/v1/billing/packs`).then((r) => r.json())).packs
    const pack = packs[0]
    const checkout = await post(
      `${api.url}/v1/billing/checkout`,
      { packId: pack.id },
      { authorization: `Bearer ${account.token}` },
    )
    expect(checkout.status).toBe(200)
    const sessionId = checkout.body.sessionId

    const completedUnpaid = stripe.event('checkout.session.completed', sessionId, 'unpaid')
    const asyncSucceeded = stripe.event('checkout.session.async_payment_succeeded', sessionId)
    const completedPaid = stripe.event('checkout.session.completed', sessionId, 'paid')
    const events = [completedUnpaid, asyncSucceeded, completedPaid]
    const deliveries = Array.from({ length: 100 }, (_, i) => events[i % events.length])
    // Deterministic shuffle, then deliver in waves of 10 concurrent requests.
    let seed = 7
    for (let i = deliveries.length - 1; i > 0; i--) {
      seed = (seed * 48271) % 2147483647
      const j = seed % (i + 1)
      ;[deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]]
    }
    const statuses = []
    for (let i = 0; i < deliveries.length; i += 10) {
      statuses.push(...(await Promise.all(deliveries.slice(i, i + 10).map(deliver))))
    }
    expect(statuses.every((s) => s === 200)).toBe(true)

    const credits = await get(`${api.url}/v1/credits`, account.token)
    expect(credits.body.balance).toBe(pack.credits)
    const purchases = credits.body.ledger.filter((row) => row.reason === 'purchase')
    expect(purchases).toHaveLength(1)
    expect(credits.body.ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(credits.body.balance)
  })
})
