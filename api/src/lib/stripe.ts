/**
 * The Stripe client for workerd: the official SDK with its fetch-based HTTP client (Node's http
 * module is not there) and Web Crypto for webhook signatures. STRIPE_API_URL points it elsewhere
 * (tests use a local fake that speaks Stripe's REST API).
 */
import Stripe from 'stripe'
import type { Config } from '../env.js'
import { ApiError } from '../errors.js'

/** Stripe settings that are present. */
export interface BillingSettings {
  secretKey: string
  webhookSecret: string
  apiUrl: string
}

/** The billing settings, or a 503 `billing_not_configured` naming what is missing. */
export function billingSettings(config: Config): BillingSettings {
  const missing = [
    config.stripeSecretKey ? undefined : 'STRIPE_SECRET_KEY',
    config.stripeWebhookSecret ? undefined : 'STRIPE_WEBHOOK_SECRET',
  ].filter(Boolean)
  if (!config.stripeSecretKey || !config.stripeWebhookSecret) {
    throw new ApiError(
      'billing_not_configured',
      `Billing is not configured on this server: set ${missing.join(' and ')} (see the API README).`,
    )
  }
  return {
    secretKey: config.stripeSecretKey,
    webhookSecret: config.stripeWebhookSecret,
    apiUrl: config.stripeApiUrl,
  }
}

/** A Stripe client for one request, talking to `settings.apiUrl`. */
export function stripeClient(settings: BillingSettings): Stripe {
  const url = new URL(settings.apiUrl)
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  return new Stripe(settings.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // Checkout creation is idempotent (we send an idempotency key), so retrying is safe.
    maxNetworkRetries: 1,
    timeout: 15_000,
    telemetry: false,
  })
}

/** Web Crypto for verifying webhook signatures (one per isolate is enough). */
export const cryptoProvider = Stripe.createSubtleCryptoProvider()
