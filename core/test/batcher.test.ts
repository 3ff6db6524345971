import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_MODELS, type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'
import { AltTextError, createBatcher, createClient } from '../src/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const url = (n: number) => ({ imageUrl: `https://example.com/${n}.jpg` })
/** The default model, and another one to group by. */
const MODEL = 'google/gemini-2.5-flash-lite'
const MODELS = [...FAKE_MODELS, { id: 'x', name: 'X', credits: 1, default: false }]

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY, models: MODELS })
})
afterEach(async () => {
  await api.close()
})
const client = () => createClient({ apiKey: KEY, baseUrl: api.url, retryBaseMs: 1, maxRetries: 0 })

describe('createBatcher', () => {
  it('groups calls made together into one batch and hands each caller its result', async () => {
    api.program({ altText: { '/0.jpg': 'zero', '/1.jpg': 'one', '/2.jpg': 'two' }, balance: 10 })
    const batcher = createBatcher(client(), { maxWaitMs: 10 })
    const answers = await Promise.all([
      batcher.generate({ ...url(0), context: 'c0' }),
      batcher.generate({ ...url(1), language: 'de' }),
      batcher.generate({ ...url(2), maxLength: 50 }),
    ])
    expect(answers.map((a) => a.altText)).toEqual(['zero', 'one', 'two'])
    expect(answers[1]).toEqual({
      id: expect.any(String),
      altText: 'one',
      language: 'de',
      model: MODEL,
      creditsUsed: 1,
      reused: false,
      decorative: false,
      kind: 'photo',
      creditsRemaining: 7,
    })
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.path).toBe('/v1/alt-text/batch')
    expect(api.requests[0]?.body).toEqual({
      images: [
        { ...url(0), context: 'c0' },
        { ...url(1), language: 'de' },
        { ...url(2), maxLength: 50 },
      ],
    })
  })

  it('rejects only the callers whose item failed, with an AltTextError of the item code', async () => {
    api.program({ altText: { '/0.jpg': 'fine' } })
    api.fail({
      code: 'insufficient_credits',
      message: 'Not enough credits',
      image: { imageUrlIncludes: '/1.jpg' },
    })
    const batcher = createBatcher(client())
    const [first, second] = await Promise.allSettled([
      batcher.generate(url(0)),
      batcher.generate(url(1)),
    ])
    expect(first).toMatchObject({ status: 'fulfilled', value: { altText: 'fine' } })
    expect(second.status).toBe('rejected')
    const error = (second as PromiseRejectedResult).reason
    expect(error).toBeInstanceOf(AltTextError)
    expect(error).toMatchObject({ code: 'insufficient_credits', status: 402 })
    expect(error.message).toContain('Buy more credits')
    expect(api.requests.map((r) => r.path)).toEqual(['/v1/alt-text/batch'])
  })

  it('sends an item that failed with a passing error again on its own', async () => {
    api.program({ altText: { '/0.jpg': 'fine', '/1.jpg': 'second try' } })
    const modelError = {
      code: 'model_error',
      message: 'The model failed',
      image: { imageUrlIncludes: '/1.jpg' },
    }
    api.fail(modelError)
    const batcher = createBatcher(client())
    const answers = await Promise.all([batcher.generate(url(0)), batcher.generate(url(1))])
    expect(answers.map((a) => a.altText)).toEqual(['fine', 'second try'])
    expect(api.requests.map((s) => s.path)).toEqual(['/v1/alt-text/batch', '/v1/alt-text'])
    expect(api.requests[1]?.body).toEqual(url(1))

    api.fail(modelError)
    const strict = createBatcher(client(), { retryFailedItems: false })
    const [, failed] = await Promise.allSettled([strict.generate(url(0)), strict.generate(url(1))])
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: { code: 'model_error', status: 502 },
    })
    expect(api.requests).toHaveLength(3)
  })

  it('sends a lone call as a plain generate', async () => {
    api.program({ altText: () => 'alone' })
    const answer = await createBatcher(client(), { maxWaitMs: 1 }).generate(url(0))
    expect(answer.altText).toBe('alone')
    expect(api.requests.map((s) => s.path)).toEqual(['/v1/alt-text'])
  })

  it('sends a full batch at once and the rest after maxWaitMs, one model per batch', async () => {
    const batcher = createBatcher(client(), { maxBatchSize: 2, maxWaitMs: 20 })
    const answers = await Promise.all([
      batcher.generate(url(1)),
      batcher.generate(url(2)),
      batcher.generate({ ...url(3), model: 'x' }),
      batcher.generate(url(4)),
      batcher.generate({ ...url(5), model: 'x' }),
      batcher.generate(url(6)),
    ])
    expect(answers.map((a) => a.altText)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `Image at https://example.com/${n}.jpg`),
    )
    expect(api.requests).toHaveLength(3)
    const bodies = api.requests.map(
      (s) => s.body as { images: { imageUrl: string }[]; model?: string },
    )
    const groups = bodies.map((b) => [b.model ?? '', ...b.images.map((i) => i.imageUrl.slice(-5))])
    expect(groups).toEqual(
      expect.arrayContaining([
        ['', '1.jpg', '2.jpg'],
        ['x', '3.jpg', '5.jpg'],
        ['', '4.jpg', '6.jpg'],
      ]),
    )
  })

  it('a failed batch request rejects every caller in it', async () => {
    api.fail({ status: 401, code: 'unauthorized', message: 'Invalid API key' })
    const batcher = createBatcher(client())
    const results = await Promise.allSettled([batcher.generate(url(0)), batcher.generate(url(1))])
    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'unauthorized' } })
    }
    expect(api.requests.map((r) => r.path)).toEqual(['/v1/alt-text/batch'])
  })

  it('a caller aborting while queued leaves the batch; the others still get answers', async () => {
    api.program({ altText: { '/0.jpg': 'a', '/1.jpg': 'b', '/2.jpg': 'c' } })
    const batcher = createBatcher(client(), { maxWaitMs: 30 })
    const controller = new AbortController()
    const a = batcher.generate(url(0))
    const b = batcher.generate({ ...url(1), signal: controller.signal })
    const c = batcher.generate(url(2))
    controller.abort()
    await expect(b).rejects.toMatchObject({ code: 'aborted' })
    expect(batcher.queued).toBe(2)
    expect((await a).altText).toBe('a')
    expect((await c).altText).toBe('c')
    expect(api.requests).toHaveLength(1)
    const body = api.requests[0]?.body as { images: unknown[] }
    expect(body.images).toEqual([url(0), url(2)])
  })

  it('when every caller of a sent batch aborts, the request is aborted', async () => {
    api.fail({ hang: true })
    const batcher = createBatcher(client(), { maxWaitMs: 1 })
    const controller = new AbortController()
    const calls = [0, 1].map((n) => batcher.generate({ ...url(n), signal: controller.signal }))
    while (api.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
    expect(api.requests[0]?.aborted).toBeUndefined()
    controller.abort()
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'aborted' })
    // The fake saw its connection close before any answer: the client gave the request up.
    while (!api.requests[0]?.aborted) await new Promise((r) => setTimeout(r, 5))
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.path).toBe('/v1/alt-text/batch')
  })
})

describe('createBatcher with one signal for a whole build', () => {
  it('keeps the listeners on a shared signal few (no MaxListeners warning)', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const batcher = createBatcher(client(), { maxBatchSize: 10, concurrency: 3 })
      const signal = new AbortController().signal
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) => batcher.generate({ ...url(n), signal })),
      )
      expect(answers).toHaveLength(30)
      expect(api.requests.map((r) => (r.body as { images: unknown[] }).images.length)).toEqual([
        10, 10, 10,
      ])
      await new Promise((r) => setImmediate(r))
      expect(warnings).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
