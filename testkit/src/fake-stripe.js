import { randomBytes } from 'node:crypto'
import { listen, readBody, sendJson } from './http.js'

/**
 * @typedef {object} FakeSession A Checkout Session as the fake keeps it (Stripe's field names).
 * @property {string} id
 * @property {'checkout.session'} object
 * @property {string} mode
 * @property {'open' | 'complete' | 'expired'} status
 * @property {'paid' | 'unpaid' | 'no_payment_required'} payment_status
 * @property {number} amount_total
 * @property {string} currency
 * @property {string | null} client_reference_id
 * @property {Record<string, string>} metadata
 * @property {string} success_url
 * @property {string | null} cancel_url
 * @property {string} url
 * @property {number} created
 * @property {number} expires_at
 * @property {boolean} livemode
 * @property {any[]} line_items the line items as sent (Stripe expands them only on request)
 * @property {string | null} payment_intent set when the session is paid (Stripe: `pi_…`)
 */

/**
 * @typedef {object} StripeCall What the fake saw of one API request.
 * @property {string} method
 * @property {string} path
 * @property {Record<string, any>} params the decoded form body
 * @property {Record<string, string | string[] | undefined>} headers
 */

/** @param {string} prefix */
const id = (prefix) => `${prefix}_${randomBytes(12).toString('hex')}`

/**
 * Decodes Stripe's form encoding (`a[b][0][c]=v`) into nested objects; numeric keys become arrays.
 * @param {string} body
 */
export function decodeStripeForm(body) {
  /** @type {Record<string, any>} */
  const root = {}
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[')
    let node = root
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value
        return
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1] ?? '')
      node[part] ??= nextIsIndex ? [] : {}
      node = node[part]
    })
  }
  return root
}

/**
 * Answers in Stripe's error shape.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string} message
 * @param {Record<string, string>} [extra]
 */
const stripeError = (res, status, type, message, extra = {}) =>
  sendJson(res, status, { error: { type, message, ...extra } }, { 'request-id': id('req') })

/**
 * A fake of the Stripe REST API for Checkout Sessions, on loopback: `POST /v1/checkout/sessions`
 * (form-encoded, idempotency keys honoured) and `GET /v1/checkout/sessions/:id`. Checks the secret
 * key like Stripe does (401 otherwise) and validates what a payment-mode session needs.
 *
 * Control routes under `/__fake/` let tests that run elsewhere (inside workerd) drive it over HTTP:
 * `POST /__fake/events` with `{type, sessionId, paymentStatus?, amount?}` completes/expires the
 * session and answers the event Stripe would send (unsigned: tests sign it with the SDK); a paid
 * session gets a `payment_intent`, and `charge.refunded` / `charge.dispute.created` answer the
 * session's Charge refunded by `amount` (in total) or a Dispute of `amount` (default: all of it); `POST /__fake/fail`
 * with `{count, status}` makes the next API calls fail; `GET /__fake/calls` lists the calls.
 * @param {{ secretKey?: string }} [options]
 */
export async function startFakeStripe(options = {}) {
  const secretKey = options.secretKey ?? 'sk_test_fake'
  /** @type {Map<string, FakeSession>} */
  const sessions = new Map()
  /** @type {Map<string, { status: number, body: unknown }>} */
  const idempotent = new Map()
  /** @type {StripeCall[]} */
  const calls = []
  /** @type {number[]} */
  let failures = []

  /**
   * The event Stripe would send about a session (applied to the stored session first).
   * @param {string} type e.g. checkout.session.completed, checkout.session.async_payment_succeeded
   * @param {string} sessionId
   * @param {'paid' | 'unpaid'} [paymentStatus] for checkout.session.completed (default paid)
   * @param {number} [amount] for charge.refunded (refunded in total) and charge.dispute.created
   */
  function event(type, sessionId, paymentStatus, amount) {
    const session = sessions.get(sessionId)
    if (!session) return undefined
    if (type === 'checkout.session.completed') {
      session.status = 'complete'
      session.payment_status = paymentStatus ?? 'paid'
    } else if (type === 'checkout.session.async_payment_succeeded') {
      session.status = 'complete'
      session.payment_status = 'paid'
    } else if (type === 'checkout.session.expired') {
      session.status = 'expired'
    }
    if (session.payment_status === 'paid') session.payment_intent ??= id('pi')
    /** @type {Record<string, unknown>} */
    let object = { ...session, url: session.status === 'open' ? session.url : null }
    if (type === 'charge.refunded') {
      // The session's charge, refunded by `amount` in total (default: all of it).
      const refunded = amount ?? session.amount_total
      object = {
        id: `ch_${session.payment_intent?.slice(3)}`,
        object: 'charge',
        amount: session.amount_total,
        amount_refunded: refunded,
        refunded: refunded >= session.amount_total,
        currency: session.currency,
        payment_intent: session.payment_intent,
      }
    } else if (type === 'charge.dispute.created') {
      object = {
        id: id('dp'),
        object: 'dispute',
        amount: amount ?? session.amount_total,
        currency: session.currency,
        charge: `ch_${session.payment_intent?.slice(3)}`,
        payment_intent: session.payment_intent,
        status: 'needs_response',
      }
    }
    return {
      id: id('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    }
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const raw = (await readBody(req)).toString('utf8')

    if (url.pathname.startsWith('/__fake/')) {
      const body = raw ? JSON.parse(raw) : {}
      if (req.method === 'POST' && url.pathname === '/__fake/events') {
        const made = event(body.type, body.sessionId, body.paymentStatus, body.amount)
        return made ? sendJson(res, 200, made) : sendJson(res, 404, { error: 'no such session' })
      }
      if (req.method === 'POST' && url.pathname === '/__fake/fail') {
        failures = Array.from({ length: body.count ?? 1 }, () => body.status ?? 500)
        return sendJson(res, 200, { ok: true })
      }
      if (req.method === 'GET' && url.pathname === '/__fake/calls')
        return sendJson(res, 200, { calls })
      return sendJson(res, 404, { error: 'unknown control route' })
    }

    const params = req.headers['content-type']?.includes('application/x-www-form-urlencoded')
      ? decodeStripeForm(raw)
      : {}
    calls.push({ method: req.method ?? 'GET', path: url.pathname, params, headers: req.headers })

    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided.')
    }
    const failure = failures.shift()
    if (failure)
      return stripeError(
        res,
        failure,
        'api_error',
        'An error occurred with our connection to Stripe.',
      )

    const key = req.headers['idempotency-key']
    const idemKey = typeof key === 'string' ? `${req.method} ${url.pathname} ${key}` : undefined
    const remembered = idemKey ? idempotent.get(idemKey) : undefined
    if (remembered)
      return sendJson(res, remembered.status, remembered.body, { 'idempotent-replayed': 'true' })
    /** @param {number} status @param {unknown} body */
    const answer = (status, body) => {
      if (idemKey) idempotent.set(idemKey, { status, body })
      return sendJson(res, status, body, { 'request-id': id('req') })
    }

    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const items = Array.isArray(params.line_items) ? params.line_items : []
      if (!['payment', 'setup', 'subscription'].includes(params.mode)) {
        return stripeError(res, 400, 'invalid_request_error', 'Missing required param: mode.', {
          param: 'mode',
        })
      }
      if (!params.success_url) {
        return stripeError(
          res,
          400,
          'invalid_request_error',
          'Missing required param: success_url.',
          { param: 'success_url' },
        )
      }
      if (params.mode === 'payment' && items.length === 0) {
        return stripeError(
          res,
          400,
          'invalid_request_error',
          'line_items is required in payment mode.',
          { param: 'line_items' },
        )
      }
      let amount = 0
      let currency
      for (const [i, item] of items.entries()) {
        const unit = Number(item?.price_data?.unit_amount)
        const quantity = Number(item?.quantity ?? 1)
        if (
          !item?.price_data?.currency ||
          !Number.isInteger(unit) ||
          unit < 0 ||
          !item.price_data.product_data?.name
        ) {
          return stripeError(
            res,
            400,
            'invalid_request_error',
            'Each line item needs price_data with currency, unit_amount and product_data.name.',
            { param: `line_items[${i}]` },
          )
        }
        amount += unit * quantity
        currency = item.price_data.currency
      }
      if (params.mode === 'payment' && currency === 'usd' && amount < 50) {
        return stripeError(
          res,
          400,
          'invalid_request_error',
          'The Checkout Session total must be at least $0.50 usd.',
          { code: 'amount_too_small' },
        )
      }
      const sessionId = `cs_test_${randomBytes(24).toString('hex')}`
      const now = Math.floor(Date.now() / 1000)
      /** @type {FakeSession} */
      const session = {
        id: sessionId,
        object: 'checkout.session',
        mode: params.mode,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: amount,
        currency: currency ?? 'usd',
        client_reference_id: params.client_reference_id ?? null,
        metadata: params.metadata ?? {},
        success_url: params.success_url,
        cancel_url: params.cancel_url ?? null,
        url: `http://${req.headers.host}/c/pay/${sessionId}`,
        created: now,
        expires_at: Number(params.expires_at ?? now + 24 * 3600),
        livemode: false,
        line_items: items,
        payment_intent: null,
      }
      sessions.set(sessionId, session)
      return answer(200, session)
    }

    const match = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && match) {
      const session = sessions.get(decodeURIComponent(match[1] ?? ''))
      if (!session) {
        return stripeError(
          res,
          404,
          'invalid_request_error',
          `No such checkout.session: '${match[1]}'`,
          { code: 'resource_missing' },
        )
      }
      return sendJson(res, 200, session)
    }
    return stripeError(
      res,
      404,
      'invalid_request_error',
      `Unrecognized request URL (${req.method}: ${url.pathname}).`,
    )
  })

  return {
    url: server.url,
    port: server.port,
    secretKey,
    sessions,
    calls,
    /** Builds (and applies to the stored session) the event Stripe would send. */
    event,
    /** Makes the next `count` API calls answer `status`. */
    failNext(count = 1, status = 500) {
      failures = Array.from({ length: count }, () => status)
    },
    close: server.close,
  }
}
