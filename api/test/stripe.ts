/**
 * Stripe in the API tests: events from testkit's fake Stripe (started by global-setup.ts), signed
 * with the SDK's test helper and delivered to the real webhook, and checkouts through the API.
 */
import { env } from 'cloudflare:workers'
import type { CheckoutResponse } from '@alttextapi/core'
import Stripe from 'stripe'
import { expect, inject } from 'vitest'
import { api, json, type SignedUp } from './helpers.js'

const stripeUrl = inject('fakeStripeUrl')
const WEBHOOK_SECRET = env.STRIPE_WEBHOOK_SECRET ?? ''
const crypto = Stripe.createSubtleCryptoProvider()

/**
 * Asks the fake Stripe for the event it would send about a session (and applies it there).
 * `amount`: refunded in total (charge.refunded) or disputed (charge.dispute.created).
 */
export async function stripeEvent(
  type: string,
  sessionId: string,
  paymentStatus?: 'paid' | 'unpaid',
  amount?: number,
): Promise<string> {
  const res = await fetch(`${stripeUrl}/__fake/events`, {
    method: 'POST',
    body: JSON.stringify({ type, sessionId, paymentStatus, amount }),
  })
  expect(res.status).toBe(200)
  return res.text()
}

/** Delivers a payload to the webhook, signed with the SDK's test helper. */
export async function deliver(
  payload: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<Response> {
  const signature =
    options.signature === undefined
      ? await Stripe.webhooks.generateTestHeaderStringAsync({
          payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          timestamp: options.timestamp,
          cryptoProvider: crypto,
        })
      : options.signature
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (signature !== null) headers['stripe-signature'] = signature
  return api('/v1/billing/webhook', { method: 'POST', body: payload, headers })
}

/** Opens a checkout of `packId` for the account. */
export async function checkout(account: SignedUp, packId = 'pack_500'): Promise<CheckoutResponse> {
  const res = await api('/v1/billing/checkout', { json: { packId }, token: account.token })
  expect(res.status, await res.clone().text()).toBe(200)
  return json<CheckoutResponse>(res)
}
