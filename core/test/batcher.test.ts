import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AltTextError, createBatcher, createClient } from '../src/index.js'
import { altText, apiError, type FakeApi, json, startFakeApi } from './fake-server.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const url = (n: number) => ({ imageUrl: `https://example.com/${n}.jpg` })
const ok = (text: string) => ({
  id: `u-${text}`,
  altText: text,
  language: 'en',
  model: 'm',
  creditsUsed: 1,
})

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.close()
})
const client = () => createClient({ apiKey: KEY, baseUrl: api.url, retryBaseMs: 1, maxRetries: 0 })

describe('createBatcher', () => {
  it('groups calls made together into one batch and hands each caller its result', async () => {
    api.script(
      json(200, {
        results: [ok('zero'), ok('one'), ok('two')],
        creditsUsed: 3,
        creditsRemaining: 7,
      }),
    )
    const batcher = createBatcher(client(), { maxWaitMs: 10 })
    const answers = await Promise.all([
      batcher.generate({ ...url(0), context: 'c0' }),
      batcher.generate({ ...url(1), language: 'de' }),
      batcher.generate({ ...url(2), maxLength: 50 }),
    ])
    expect(answers.map((a) => a.altText)).toEqual(['zero', 'one', 'two'])
    expect(answers[1]).toEqual({ ...ok('one'), creditsRemaining: 7 })
    expect(api.seen).toHaveLength(1)
    expect(api.seen[0]?.path).toBe('/v1/alt-text/batch')
    expect(api.seen[0]?.body).toEqual({
      images: [
        { ...url(0), context: 'c0' },
        { ...url(1), language: 'de' },
        { ...url(2), maxLength: 50 },
      ],
    })
  })

  it('rejects only the callers whose item failed, with an AltTextError of the item code', async () => {
    api.script(
      json(200, {
        results: [
          ok('fine'),
          { error: { code: 'insufficient_credits', message: 'Not enough credits' } },
        ],
        creditsUsed: 1,
        creditsRemaining: 0,
      }),
    )
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
  })

  it('sends an item that failed with a passing error again on its own', async () => {
    api.script(
      json(200, {
        results: [ok('fine'), { error: { code: 'model_error', message: 'The model failed' } }],
        creditsUsed: 1,
        creditsRemaining: 5,
      }),
      altText('second try'),
    )
    const batcher = createBatcher(client())
    const answers = await Promise.all([batcher.generate(url(0)), batcher.generate(url(1))])
    expect(answers.map((a) => a.altText)).toEqual(['fine', 'second try'])
    expect(api.seen.map((s) => s.path)).toEqual(['/v1/alt-text/batch', '/v1/alt-text'])
    expect(api.seen[1]?.body).toEqual(url(1))

    api.script(
      json(200, {
        results: [ok('fine'), { error: { code: 'model_error', message: 'The model failed' } }],
        creditsUsed: 1,
        creditsRemaining: 5,
      }),
    )
    const strict = createBatcher(client(), { retryFailedItems: false })
    const [, failed] = await Promise.allSettled([strict.generate(url(0)), strict.generate(url(1))])
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: { code: 'model_error', status: 502 },
    })
    expect(api.seen).toHaveLength(3)
  })

  it('sends a lone call as a plain generate', async () => {
    api.script(altText('alone'))
    const answer = await createBatcher(client(), { maxWaitMs: 1 }).generate(url(0))
    expect(answer.altText).toBe('alone')
    expect(api.seen.map((s) => s.path)).toEqual(['/v1/alt-text'])
  })

  it('sends a full batch at once and the rest after maxWaitMs, one model per batch', async () => {
    const batch = (texts: string[]) =>
      json(200, { results: texts.map(ok), creditsUsed: texts.length, creditsRemaining: 1 })
    api.script(batch(['a', 'b']), batch(['c', 'd']), batch(['e', 'f']))
    const batcher = createBatcher(client(), { maxBatchSize: 2, maxWaitMs: 20 })
    const answers = await Promise.all([
      batcher.generate(url(1)),
      batcher.generate(url(2)),
      batcher.generate({ ...url(3), model: 'x' }),
      batcher.generate(url(4)),
      batcher.generate({ ...url(5), model: 'x' }),
      batcher.generate(url(6)),
    ])
    expect(answers).toHaveLength(6)
    const bodies = api.seen.map((s) => s.body as { images: { imageUrl: string }[]; model?: string })
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
    api.script(apiError(401, 'unauthorized', 'Invalid API key'))
    const batcher = createBatcher(client())
    const results = await Promise.allSettled([batcher.generate(url(0)), batcher.generate(url(1))])
    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'unauthorized' } })
    }
  })

  it('a caller aborting while queued leaves the batch; the others still get answers', async () => {
    api.script(json(200, { results: [ok('a'), ok('c')], creditsUsed: 2, creditsRemaining: 0 }))
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
    const body = api.seen[0]?.body as { images: unknown[] }
    expect(body.images).toHaveLength(2)
  })

  it('when every caller of a sent batch aborts, the request is aborted', async () => {
    let closed = false
    api.script((_req, res) => {
      res.on('close', () => {
        closed = true
      })
    })
    const batcher = createBatcher(client(), { maxWaitMs: 1 })
    const controller = new AbortController()
    const calls = [0, 1].map((n) => batcher.generate({ ...url(n), signal: controller.signal }))
    while (api.seen.length === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'aborted' })
    while (!closed) await new Promise((r) => setTimeout(r, 5))
    expect(closed).toBe(true)
  })
})

describe('createBatcher with one signal for a whole build', () => {
  it('keeps the listeners on a shared signal few (no MaxListeners warning)', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const results = (n: number) =>
        json(200, {
          results: Array.from({ length: n }, (_, i) => ok(`${i}`)),
          creditsUsed: n,
          creditsRemaining: 100,
        })
      api.script(results(10), results(10), results(10))
      const batcher = createBatcher(client(), { maxBatchSize: 10, concurrency: 3 })
      const signal = new AbortController().signal
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) => batcher.generate({ ...url(n), signal })),
      )
      expect(answers).toHaveLength(30)
      await new Promise((r) => setImmediate(r))
      expect(warnings).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
