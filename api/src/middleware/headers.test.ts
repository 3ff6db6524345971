import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { api, BASE, signup, uniqueEmail, uniqueIp } from '../../test/helpers.js'
import worker from '../index.js'
import { HTML_CSP } from './headers.js'

const ORIGIN = 'https://blog.example.net'

function expectBaseline(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
}

describe('security headers', () => {
  it('sends nosniff and no-referrer on every answer, errors included', async () => {
    for (const res of [await api('/health'), await api('/v1/nope'), await api('/v1/account')]) {
      expectBaseline(res)
    }
  })

  it('forbids caching of private answers', async () => {
    const account = await signup()
    const privateAnswers = [
      await api('/v1/account', { token: account.token }),
      await api('/v1/account'),
      await api('/v1/keys', { token: account.token }),
      await api('/v1/usage', { token: account.apiKey.key }),
      await api('/v1/credits', { token: account.apiKey.key }),
      await api('/v1/models', { token: account.apiKey.key }),
      await api('/v1/account/export', { token: account.token }),
    ]
    for (const res of privateAnswers) expect(res.headers.get('cache-control')).toBe('no-store')
    // Answers that carry a new session token or API key are private too (they have no
    // Authorization header, so only their path says so).
    const login = await api('/v1/auth/login', {
      json: { email: account.email, password: account.password },
      ip: uniqueIp(),
    })
    expect(login.status).toBe(200)
    const fresh = await api('/v1/auth/signup', {
      json: { email: uniqueEmail(), password: 'a long enough password' },
      ip: uniqueIp(),
    })
    expect(fresh.status).toBe(201)
    for (const res of [login, fresh]) expect(res.headers.get('cache-control')).toBe('no-store')
    // A public answer without credentials is left to the route.
    expect((await api('/health')).headers.get('cache-control')).not.toBe('no-store')
  })

  it('puts a strict CSP and DENY framing on HTML answers only', async () => {
    const html = await api('/docs')
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(html.headers.get('content-security-policy')).toBe(HTML_CSP)
    expect(html.headers.get('x-frame-options')).toBe('DENY')
    expectBaseline(html)
    // The page works under its own CSP: no inline script or style, nothing from elsewhere.
    const page = await html.text()
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=["']\/)[^>]*>/i)
    expect(page).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i)
    expect(page).not.toMatch(/\ssrc=["']https?:|<link[^>]+href=["']https?:/i)
    const jsonAnswer = await api('/health')
    expect(jsonAnswer.headers.get('content-security-policy')).toBeNull()
    expect(HTML_CSP).toContain("frame-ancestors 'none'")
    expect(HTML_CSP).toContain("script-src 'self';")
    expect(HTML_CSP).not.toContain('unsafe')
  })
})

describe('CORS', () => {
  const preflight = (path: string, method: string) =>
    api(path, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type',
      },
    })

  it('answers preflights of the key routes with 204, any origin, Authorization allowed', async () => {
    for (const [path, method] of [
      ['/v1/alt-text', 'POST'],
      ['/v1/alt-text/batch', 'POST'],
      ['/v1/models', 'GET'],
      ['/v1/usage', 'GET'],
      ['/v1/credits', 'GET'],
    ] as const) {
      const res = await preflight(path, method)
      expect(res.status, path).toBe(204)
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('access-control-allow-methods')).toContain(method)
      expect(res.headers.get('access-control-allow-headers')).toBe(
        'Authorization, Content-Type, Idempotency-Key',
      )
      expect(res.headers.get('access-control-allow-credentials')).toBeNull()
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0)
      expectBaseline(res)
    }
  })

  it('keeps account and session routes same-origin', async () => {
    for (const [path, method] of [
      ['/v1/account', 'GET'],
      ['/v1/account', 'DELETE'],
      ['/v1/account', 'PATCH'],
      ['/v1/account/export', 'GET'],
      ['/v1/keys', 'POST'],
      ['/v1/auth/login', 'POST'],
      ['/v1/billing/checkout', 'POST'],
    ] as const) {
      const res = await preflight(path, method)
      const allowed =
        res.headers.get('access-control-allow-origin') === '*' &&
        (res.headers.get('access-control-allow-methods') ?? '').includes(method)
      expect(allowed, `${method} ${path}`).toBe(false)
    }
    const account = await signup()
    const keys = await api('/v1/keys', { token: account.token, headers: { origin: ORIGIN } })
    expect(keys.headers.get('access-control-allow-origin')).toBeNull()
    // GET /v1/account with a key is an account route too: not readable by another origin.
    const me = await api('/v1/account', { token: account.apiKey.key, headers: { origin: ORIGIN } })
    expect(me.status).toBe(200)
    expect(me.headers.get('access-control-allow-origin')).toBeNull()
  })

  it("answers the account routes to the dashboard's own origin (APP_URL) and no other", async () => {
    const dashboard = 'https://dashboard.example.org'
    const withAppUrl = { ...env, APP_URL: `${dashboard}/app/` }
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext()
      const res = await worker.fetch(new Request(`${BASE}${path}`, init), withAppUrl, ctx)
      await waitOnExecutionContext(ctx)
      return res
    }
    const asked = {
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'authorization, content-type',
    }
    const allowed = await call('/v1/account', {
      method: 'OPTIONS',
      headers: { origin: dashboard, ...asked },
    })
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe(dashboard)
    expect(allowed.headers.get('access-control-allow-methods')).toContain('DELETE')
    expect(allowed.headers.get('vary')).toContain('Origin')
    const foreign = await call('/v1/account', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, ...asked },
    })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    const account = await signup()
    const me = await call('/v1/account', {
      headers: { origin: dashboard, authorization: `Bearer ${account.token}` },
    })
    expect(me.status).toBe(200)
    expect(me.headers.get('access-control-allow-origin')).toBe(dashboard)
    // Generation routes keep `*` whatever APP_URL says.
    const models = await call('/v1/models', { headers: { origin: dashboard } })
    expect(models.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('marks key-route answers readable cross-origin, errors included', async () => {
    const account = await signup()
    const ok = await api('/v1/credits', { token: account.apiKey.key, headers: { origin: ORIGIN } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    const denied = await api('/v1/credits', { headers: { origin: ORIGIN } })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('access-control-allow-origin')).toBe('*')
    expect(denied.headers.get('access-control-expose-headers')).toContain('Retry-After')
  })
})
