import { CheckoutRequest, CheckoutResponse, CheckoutStatus, PackList } from '@alttextapi/core'
import { Hono } from 'hono'
import Stripe from 'stripe'
import { ApiError } from '../errors.js'
import { MAX_WEBHOOK_BYTES, readBytes, readJson } from '../lib/body.js'
import { newId } from '../lib/crypto.js'
import { fulfilCheckoutEvent, malformedEvent } from '../lib/fulfilment.js'
import { findPack, PACKS } from '../lib/packs.js'
import { hit } from '../lib/rate-limit.js'
import { componentRef, describe } from '../lib/route-doc.js'
import { billingSettings, cryptoProvider, stripeClient } from '../lib/stripe.js'
import { requireAuth } from '../middleware/auth.js'
import type { AppEnv } from '../types.js'

/** Checkout Sessions a user may open per hour (each one writes a pending purchase row). */
const CHECKOUTS_PER_HOUR = 30

const getPacksDoc = describe({
  summary: 'List the credit packs on sale',
  description:
    'Prices are in the smallest currency unit (cents). The smallest pack is the minimum purchase.',
  tag: 'Billing',
  auth: [],
  response: { status: 200, schema: PackList },
  errors: ['billing_not_configured'],
})

const postCheckoutDoc = describe({
  summary: 'Start buying a pack',
  description:
    'Creates a Stripe Checkout Session for the pack and answers its URL; send the browser there. Credits arrive when Stripe reports the payment to the webhook.',
  tag: 'Billing',
  auth: ['session'],
  request: CheckoutRequest,
  // The pack ids are the API's, not the wire contract's: the document narrows packId to them.
  requestBody: {
    content: {
      'application/json': {
        schema: {
          allOf: [
            componentRef('CheckoutRequest'),
            { properties: { packId: { enum: PACKS.map((pack) => pack.id) } } },
          ],
        },
      },
    },
  },
  response: { status: 200, schema: CheckoutResponse },
  errors: ['unauthorized', 'rate_limited', 'billing_not_configured'],
})

const getCheckoutSessionIdDoc = describe({
  summary: 'Follow a checkout',
  description:
    "Whether the purchase of a Checkout Session (the session_id Stripe appends to the success URL) is still pending or paid, the pack's credits and the account's balance. Only the account's own checkouts: any other session id answers 404. A session that expired unpaid is removed, so it answers 404 too.",
  tag: 'Billing',
  auth: ['session'],
  response: { status: 200, schema: CheckoutStatus },
  errors: ['unauthorized', 'not_found', 'billing_not_configured'],
})

const postWebhookDoc = describe({
  summary: 'Stripe webhook',
  description:
    'Receives Stripe events signed with STRIPE_WEBHOOK_SECRET. checkout.session.completed (when paid) and checkout.session.async_payment_succeeded credit the pack exactly once; charge.refunded and charge.dispute.created take back the credits the refunded or disputed part paid for, exactly once (never below a zero balance: what was spent is recorded as a shortfall); other events are acknowledged and ignored. A signed event without the fields its type needs answers 400.',
  tag: 'Billing',
  auth: ['stripe'],
  requestBody: {
    description: 'A Stripe event, verified by its Stripe-Signature header over the raw body.',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['id', 'type', 'data'],
          properties: {
            id: { type: 'string', description: 'The event id (evt_…)' },
            type: {
              type: 'string',
              description:
                'checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.expired, charge.refunded and charge.dispute.created are acted on',
            },
            data: {
              type: 'object',
              required: ['object'],
              properties: {
                object: {
                  type: 'object',
                  required: ['id'],
                  properties: { id: { type: 'string' } },
                  description: 'The Checkout Session, Charge or Dispute of the event',
                },
              },
            },
          },
        },
      },
    },
  },
  response: { status: 200, description: 'The event was received.' },
  errors: ['invalid_request', 'billing_not_configured'],
})

/** `/v1/billing`: credit packs, Stripe Checkout, and the Stripe webhook. */
export const billing = new Hono<AppEnv>()
  .get('/packs', getPacksDoc, (c) => {
    billingSettings(c.var.config)
    return c.json({ packs: [...PACKS] } satisfies PackList)
  })

  .post('/checkout', postCheckoutDoc, requireAuth('session'), async (c) => {
    const settings = billingSettings(c.var.config)
    const { packId } = await readJson(c, CheckoutRequest)
    const pack = findPack(packId)
    if (!pack) {
      throw new ApiError(
        'invalid_request',
        `Unknown pack "${packId.slice(0, 100)}". GET /v1/billing/packs lists them.`,
      )
    }
    const user = c.var.user
    const db = c.env.DB
    const limit = await hit(db, `checkout:${user.id}`, CHECKOUTS_PER_HOUR, 3_600_000)
    if (!limit.allowed) {
      throw new ApiError(
        'rate_limited',
        `Too many checkouts started. Try again in ${limit.retryAfter} seconds.`,
        { 'retry-after': String(limit.retryAfter) },
      )
    }
    const base = c.var.config.appUrl ?? new URL(c.req.url).origin
    const purchaseId = newId('pur')
    const session = await stripeClient(settings).checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: pack.currency,
              unit_amount: pack.amount,
              product_data: { name: `${pack.credits.toLocaleString('en-US')} AltText API credits` },
            },
          },
        ],
        client_reference_id: user.id,
        metadata: { userId: user.id, packId: pack.id, credits: String(pack.credits), purchaseId },
        success_url: `${base}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${base}/billing/cancel`,
      },
      // A retried request must not open a second session for the same purchase.
      { idempotencyKey: purchaseId },
    )
    if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL')
    // The URL is handed out only once the pending row exists, so nobody can pay for a session
    // the webhook would not recognise.
    await db
      .prepare(
        `INSERT INTO purchases (id, user_id, stripe_session_id, pack_id, credits, amount, currency, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .bind(
        purchaseId,
        user.id,
        session.id,
        pack.id,
        pack.credits,
        pack.amount,
        pack.currency,
        Date.now(),
      )
      .run()
    return c.json({ url: session.url, sessionId: session.id } satisfies CheckoutResponse)
  })

  .get('/checkout/:sessionId', getCheckoutSessionIdDoc, requireAuth('session'), async (c) => {
    billingSettings(c.var.config)
    const sessionId = c.req.param('sessionId')
    // Only the owner's purchase: anyone else's session id (or an unknown one) is the same 404.
    const row = await c.env.DB.prepare(
      `SELECT p.stripe_session_id AS session_id, p.status, p.credits, u.credits AS balance
       FROM purchases p JOIN users u ON u.id = p.user_id
       WHERE p.stripe_session_id = ? AND p.user_id = ?`,
    )
      .bind(sessionId, c.var.user.id)
      .first<{
        session_id: string
        status: CheckoutStatus['status']
        credits: number
        balance: number
      }>()
    if (!row) {
      throw new ApiError(
        'not_found',
        'No checkout with this session id on your account (an expired, unpaid one is removed).',
      )
    }
    return c.json({
      sessionId: row.session_id,
      status: row.status,
      credits: row.credits,
      balance: row.balance,
    } satisfies CheckoutStatus)
  })

  .post('/webhook', postWebhookDoc, async (c) => {
    const settings = billingSettings(c.var.config)
    const signature = c.req.header('stripe-signature')
    if (!signature) throw new ApiError('invalid_request', 'Missing Stripe-Signature header.')
    // The signature covers the exact bytes Stripe sent: read them before anything parses them.
    const raw = new TextDecoder().decode(await readBytes(c, MAX_WEBHOOK_BYTES))
    let event: Stripe.Event
    try {
      event = await Stripe.webhooks.constructEventAsync(
        raw,
        signature,
        settings.webhookSecret,
        undefined,
        cryptoProvider,
      )
    } catch {
      throw new ApiError('invalid_request', 'The Stripe signature is not valid for this body.')
    }
    // Correctly signed but not an event we can read (`{}`, a missing object id): the sender's
    // problem, answered 400 and logged, never a 500 from deeper down.
    const problem = malformedEvent(event)
    if (problem) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'malformed stripe event',
          event: typeof event?.id === 'string' ? event.id.slice(0, 100) : null,
          problem: problem.slice(0, 300),
        }),
      )
      throw new ApiError('invalid_request', `The event is signed but malformed: ${problem}`)
    }
    const outcome = await fulfilCheckoutEvent(c.env.DB, event)
    return c.json({ received: true, outcome })
  })
