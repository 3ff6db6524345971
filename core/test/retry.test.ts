import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AltTextError, createClient } from '../src/index.js'
import {
  altText,
  apiError,
  type FakeApi,
  hang,
  json,
  reset,
  stallBody,
  startFakeApi,
} from './fake-server.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const IMAGE = { imageUrl: 'https://example.com/a.jpg' }

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.close()
})

const client = (options = {}) =>
  createClient({ apiKey: KEY, baseUrl: api.url, retryBaseMs: 1, maxRetries: 3, ...options })

const failure = (promise: Promise<unknown>): Promise<AltTextError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(AltTextError)
      return error as AltTextError
    },
  )

describe('retried', () => {
  it('429 honours Retry-After, then succeeds', async () => {
    api.script(apiError(429, 'rate_limited', 'Slow down', { 'retry-after': '1' }), altText())
    const answer = await client().generate(IMAGE)
    expect(answer.altText).toContain('bicycle')
    expect(api.seen).toHaveLength(2)
    const waited = (api.seen[1]?.at ?? 0) - (api.seen[0]?.at ?? 0)
    expect(waited).toBeGreaterThanOrEqual(950)
  })

  it('429 without success carries retryAfter and says what to do', async () => {
    const rateLimited = apiError(429, 'rate_limited', 'Slow down', { 'retry-after': '0' })
    api.script(rateLimited, rateLimited)
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 0 })
    expect(error.message).toMatch(/Slow down\. .*lower the concurrency/)
    expect(api.seen).toHaveLength(2)
  })

  it('429 asking for a longer wait than allowed fails at once', async () => {
    api.script(apiError(429, 'rate_limited', 'Quota', { 'retry-after': '3600' }))
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'rate_limited', retryAfter: 3600 })
    expect(api.seen).toHaveLength(1)
  })

  it.each([
    [500, 'internal_error'],
    [502, 'model_error'],
  ])('%i is retried until it succeeds', async (status, code) => {
    api.script(apiError(status, code), apiError(status, code), altText())
    await client().generate(IMAGE)
    expect(api.seen).toHaveLength(3)
  })

  it('5xx gives up after maxRetries with the last error', async () => {
    api.script(...Array.from({ length: 4 }, () => apiError(500, 'internal_error', 'Boom')))
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'internal_error', status: 500, detail: 'Boom' })
    expect(api.seen).toHaveLength(4)
  })

  it('a 5xx without a JSON body (a proxy page) is retried and named by its status', async () => {
    const html = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(503, { 'content-type': 'text/html' })
      res.end('<h1>Service Unavailable</h1>')
    }
    api.script(html, html)
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'internal_error', status: 503 })
    expect(api.seen).toHaveLength(2)
  })

  it('a dropped connection is retried, then reported as network_error', async () => {
    api.script(reset, altText())
    await client().generate(IMAGE)
    expect(api.seen).toHaveLength(2)

    api.seen.length = 0
    api.script(reset, reset)
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'network_error', status: 0 })
    expect(error.message).toContain('ALTTEXT_API_URL')
    expect(api.seen).toHaveLength(2)
  })

  it('a refused connection is a network_error', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number }
        probe.close(() => resolve(address.port))
      })
    })
    const c = createClient({
      apiKey: KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 1,
      retryBaseMs: 1,
    })
    const error = await failure(c.models())
    expect(error).toMatchObject({ code: 'network_error', status: 0 })
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('a request that hangs times out per attempt and is retried', async () => {
    api.script(hang, altText())
    await client({ timeoutMs: 300 }).generate(IMAGE)
    expect(api.seen).toHaveLength(2)

    api.seen.length = 0
    api.script(hang, stallBody)
    const error = await failure(client({ timeoutMs: 300, maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'timeout', status: 0 })
    expect(error.message).toContain('timeoutMs')
    expect(api.seen).toHaveLength(2)
  })
})

describe('not retried', () => {
  it.each([
    [400, 'invalid_request', 'image must be a string', 'Fix the request'],
    [401, 'unauthorized', 'Invalid API key', 'ALTTEXT_API_KEY'],
    [402, 'insufficient_credits', 'Not enough credits', 'Buy more credits'],
    [403, 'forbidden', 'Forbidden', 'credential'],
    [404, 'not_found', 'Not found', 'ALTTEXT_API_URL'],
    [413, 'payload_too_large', 'Too large', 'prepareImage'],
    [415, 'unsupported_media_type', 'Not an image', 'JPEG, PNG, GIF or WebP'],
    [422, 'image_fetch_failed', 'Could not fetch', 'public http(s)'],
    [503, 'model_not_configured', 'No model', 'OPENROUTER_API_KEY'],
    [503, 'billing_not_configured', 'No billing', 'STRIPE_SECRET_KEY'],
  ])('%i %s fails at once with a message saying what to do', async (status, code, detail, hint) => {
    api.script(apiError(status, code, detail))
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code, status, detail })
    expect(error.message).toContain(detail)
    expect(error.message).toContain(hint)
    expect(error.message).not.toContain(KEY)
    expect(error.retryable).toBe(false)
    expect(api.seen).toHaveLength(1)
  })

  it('an unknown 4xx without a body becomes invalid_request', async () => {
    api.script(json(418, 'teapot'))
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'invalid_request', status: 418 })
    expect(api.seen).toHaveLength(1)
  })

  it('a 200 that is not JSON is invalid_response', async () => {
    api.script((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>login page</html>')
    })
    const error = await failure(client().models())
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(api.seen).toHaveLength(1)
  })
})

describe('abort', () => {
  it('an already aborted signal sends nothing', async () => {
    const error = await failure(client().generate({ ...IMAGE, signal: AbortSignal.abort() }))
    expect(error).toMatchObject({ code: 'aborted', status: 0 })
    expect(api.seen).toHaveLength(0)
  })

  it('aborting mid-request ends it at once and is not retried', async () => {
    api.script(hang)
    const controller = new AbortController()
    const pending = client().generate({ ...IMAGE, signal: controller.signal })
    while (api.seen.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    const error = await failure(pending)
    expect(error.code).toBe('aborted')
    expect(api.seen).toHaveLength(1)
  })

  it('aborting during the backoff wait stops the retries', async () => {
    // Retry-After makes the wait long for sure (the jittered backoff alone might be ~0).
    api.script(apiError(500, 'internal_error', 'Boom', { 'retry-after': '10' }))
    const controller = new AbortController()
    const pending = client().generate({
      ...IMAGE,
      signal: controller.signal,
    })
    while (api.seen.length === 0) await new Promise((r) => setTimeout(r, 5))
    await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    const error = await failure(pending)
    expect(error.code).toBe('aborted')
    expect(api.seen).toHaveLength(1)
  })
})
