import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../types.js'

/** The Content-Security-Policy of every HTML answer: nothing but our own origin, no framing. */
export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/**
 * Answers about one account, or carrying a new session token or API key (sign-up, login): never
 * stored by a browser or a shared cache.
 */
const PRIVATE_PATH = /^\/v1\/(auth|account|keys|usage|credits|billing\/checkout)(\/|$)/

/**
 * Routes a browser page elsewhere may call with an API key (bearer token, never cookies): the
 * generation routes and what a `generate` key may read. Maps the path to the methods allowed
 * cross-origin. The account routes are not among them (see `dashboardOrigin`).
 */
function corsMethods(path: string): string | undefined {
  if (/^\/v1\/alt-text(\/|$)/.test(path)) return 'POST'
  if (/^\/v1\/(models|usage|credits)\/?$/.test(path)) return 'GET'
  return undefined
}

/** Methods the dashboard calls on the account routes. */
const ACCOUNT_METHODS = 'GET, POST, PATCH, DELETE'

/**
 * The dashboard's own origin, when it is served from another origin than the API (APP_URL): the
 * only origin the account routes answer cross-origin. Served from the API's origin (the default),
 * the dashboard needs no CORS at all, and no other origin gets any.
 */
function dashboardOrigin(c: Context<AppEnv>, path: string): string | undefined {
  if (!path.startsWith('/v1/')) return undefined
  const origin = c.req.header('origin')
  const appUrl = c.env.APP_URL?.trim()
  if (!origin || !appUrl) return undefined
  try {
    return new URL(appUrl).origin === origin ? origin : undefined
  } catch {
    return undefined
  }
}

const CORS_MAX_AGE = '86400'

/** Sets a header even when the answer came from `fetch()` (whose headers are immutable). */
function setHeaders(c: Context<AppEnv>, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
  } catch {
    const copy = new Response(c.res.body, c.res)
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value)
    c.res = copy
  }
}

/**
 * Security headers on every answer, and CORS for the key-authenticated routes.
 *
 * - all: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`;
 * - private answers (any request with Authorization, the auth, account, key, usage, credit and
 *   checkout routes): `Cache-Control: no-store`;
 * - HTML (the /docs page): a strict CSP and `X-Frame-Options: DENY`;
 * - CORS: any origin may call the generation routes and a `generate` key's reads (models, usage,
 *   credits) with `Authorization` and `Content-Type` (keys are bearer tokens, so no credentials
 *   mode); preflights answer 204 at once. The account routes (GET /v1/account included) answer
 *   only the dashboard's origin: same-origin by default, or APP_URL's origin when set.
 */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async function securityHeaders(c, next) {
    const path = new URL(c.req.url).pathname
    const methods = corsMethods(path)
    const dashboard = methods ? undefined : dashboardOrigin(c, path)
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')
    if (preflight) {
      const headers: Record<string, string> = {
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      }
      if (dashboard) {
        Object.assign(headers, {
          'access-control-allow-origin': dashboard,
          'access-control-allow-methods': `${ACCOUNT_METHODS}, OPTIONS`,
          'access-control-allow-headers': 'Authorization, Content-Type',
          'access-control-max-age': CORS_MAX_AGE,
          vary: 'Origin',
        })
      } else if (methods) {
        Object.assign(headers, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': `${methods}, OPTIONS`,
          'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key',
          'access-control-max-age': CORS_MAX_AGE,
        })
      }
      return c.body(null, 204, headers)
    }

    await next()

    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    }
    if (c.req.header('authorization') || PRIVATE_PATH.test(path)) {
      headers['cache-control'] = 'no-store'
    }
    if (/^text\/html\b/i.test(c.res.headers.get('content-type') ?? '')) {
      headers['content-security-policy'] = HTML_CSP
      headers['x-frame-options'] = 'DENY'
    }
    if (methods?.split(', ').includes(c.req.method)) {
      headers['access-control-allow-origin'] = '*'
      headers['access-control-expose-headers'] = 'Retry-After, Idempotent-Replayed'
    } else if (dashboard) {
      headers['access-control-allow-origin'] = dashboard
      headers['access-control-expose-headers'] = 'Retry-After, Content-Disposition'
      headers.vary = 'Origin'
    }
    setHeaders(c, headers)
  })
}
