import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'
import { AltTextError, createClient } from '../src/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const IMAGE = { imageUrl: 'https://example.com/a.jpg' }

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY, altText: () => 'A red bicycle against a brick wall' })
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
    api.fail({ code: 'rate_limited', message: 'Slow down', retryAfter: 1 })
    const answer = await client().generate(IMAGE)
    expect(answer.altText).toContain('bicycle')
    expect(api.requests).toHaveLength(2)
    const waited = (api.requests[1]?.at ?? 0) - (api.requests[0]?.at ?? 0)
    expect(waited).toBeGreaterThanOrEqual(950)
  })

  it('429 without success carries retryAfter and says what to do', async () => {
    api.fail({ code: 'rate_limited', message: 'Slow down', retryAfter: 0, times: 2 })
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 0 })
    expect(error.message).toMatch(/Slow down\. .*lower the concurrency/)
    expect(api.requests).toHaveLength(2)
  })

  it('429 asking for a longer wait than allowed fails at once', async () => {
    api.fail({ code: 'rate_limited', message: 'Quota', retryAfter: 3600 })
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'rate_limited', retryAfter: 3600 })
    expect(api.requests).toHaveLength(1)
  })

  it.each([
    [500, 'internal_error'],
    [502, 'model_error'],
  ])('%i is retried until it succeeds', async (status, code) => {
    api.fail({ status, code, times: 2 })
    await client().generate(IMAGE)
    expect(api.requests).toHaveLength(3)
  })

  it('5xx gives up after maxRetries with the last error', async () => {
    api.fail({ status: 500, code: 'internal_error', message: 'Boom', times: 4 })
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'internal_error', status: 500, detail: 'Boom' })
    expect(api.requests).toHaveLength(4)
  })

  it('a 5xx without a JSON body (a proxy page) is retried and named by its status', async () => {
    api.fail({
      answer: {
        status: 503,
        headers: { 'content-type': 'text/html' },
        body: '<h1>Service Unavailable</h1>',
      },
      times: 2,
    })
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'internal_error', status: 503 })
    expect(api.requests).toHaveLength(2)
  })

  it('a dropped connection is retried, then reported as network_error', async () => {
    api.fail({ reset: true })
    await client().generate(IMAGE)
    expect(api.requests).toHaveLength(2)

    api.reset()
    api.fail({ reset: true, times: 2 })
    const error = await failure(client({ maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'network_error', status: 0 })
    expect(error.message).toContain('ALTTEXT_API_URL')
    expect(api.requests).toHaveLength(2)
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
    api.fail({ hang: true })
    await client({ timeoutMs: 300 }).generate(IMAGE)
    expect(api.requests).toHaveLength(2)

    api.reset()
    api.fail({ hang: true })
    api.fail({ stallBody: true })
    const error = await failure(client({ timeoutMs: 300, maxRetries: 1 }).generate(IMAGE))
    expect(error).toMatchObject({ code: 'timeout', status: 0 })
    expect(error.message).toContain('timeoutMs')
    expect(api.requests).toHaveLength(2)
    // The second attempt got its headers: the timeout ended reading the stalled body.
    expect(api.requests[1]?.status).toBe(200)
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
    api.fail({ status, code, message: detail })
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code, status, detail })
    expect(error.message).toContain(detail)
    expect(error.message).toContain(hint)
    expect(error.message).not.toContain(KEY)
    expect(error.retryable).toBe(false)
    expect(api.requests).toHaveLength(1)
  })

  it('an unknown 4xx without a body becomes invalid_request', async () => {
    api.fail({
      answer: { status: 418, headers: { 'content-type': 'application/json' }, body: '"teapot"' },
    })
    const error = await failure(client().generate(IMAGE))
    expect(error).toMatchObject({ code: 'invalid_request', status: 418 })
    expect(api.requests).toHaveLength(1)
  })

  it('a 200 that is not JSON is invalid_response', async () => {
    api.fail({
      answer: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html>login page</html>',
      },
      scope: 'all',
    })
    const error = await failure(client().credits())
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(api.requests).toHaveLength(1)
  })
})

describe('abort', () => {
  it('an already aborted signal sends nothing', async () => {
    const error = await failure(client().generate({ ...IMAGE, signal: AbortSignal.abort() }))
    expect(error).toMatchObject({ code: 'aborted', status: 0 })
    expect(api.requests).toHaveLength(0)
  })

  it('aborting mid-request ends it at once and is not retried', async () => {
    api.fail({ hang: true })
    const controller = new AbortController()
    const pending = client().generate({ ...IMAGE, signal: controller.signal })
    while (api.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    const error = await failure(pending)
    expect(error.code).toBe('aborted')
    expect(api.requests).toHaveLength(1)
  })

  it('aborting during the backoff wait stops the retries', async () => {
    // Retry-After makes the wait long for sure (the jittered backoff alone might be ~0).
    api.fail({ status: 500, code: 'internal_error', message: 'Boom', retryAfter: 10 })
    const controller = new AbortController()
    const pending = client().generate({
      ...IMAGE,
      signal: controller.signal,
    })
    while (api.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    const error = await failure(pending)
    expect(error.code).toBe('aborted')
    expect(api.requests).toHaveLength(1)
  })
})
