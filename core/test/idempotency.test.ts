import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'
import { AltTextError, createBatcher, createClient } from '../src/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY })
})
afterEach(async () => {
  await api.close()
})

const client = (options = {}) =>
  createClient({ apiKey: KEY, baseUrl: api.url, retryBaseMs: 1, ...options })
const keys = () => api.requests.map((request) => request.headers['idempotency-key'])

describe('Idempotency-Key', () => {
  it('generate sends one random UUID, the same on every retry of the call', async () => {
    api.fail({ reset: true })
    api.fail({ hang: true })
    api.fail({ status: 502, code: 'model_error' })
    api.fail({ code: 'rate_limited', message: 'in progress', retryAfter: 0 })
    const answer = await client({ timeoutMs: 300, maxRetries: 4 }).generate({
      imageUrl: 'https://example.com/a.png',
    })
    expect(answer.altText).toBeTruthy()
    const sent = keys()
    expect(sent).toHaveLength(5)
    expect(sent[0]).toMatch(UUID)
    expect(new Set(sent).size).toBe(1)
    expect(api.requests.map((r) => r.status)).toEqual([undefined, undefined, 502, 429, 200])
  })

  it('different calls send different keys', async () => {
    const c = client()
    await c.generate({ imageUrl: 'https://example.com/a.png' })
    await c.generate({ imageUrl: 'https://example.com/a.png' })
    expect(api.requests).toHaveLength(2)
    const [first, second] = keys()
    expect(first).toMatch(UUID)
    expect(second).toMatch(UUID)
    expect(first).not.toBe(second)
  })

  it('a caller may choose the key; a bad one is refused before sending', async () => {
    api.fail({ status: 500, code: 'internal_error' })
    await client().generate({
      imageUrl: 'https://example.com/a.png',
      idempotencyKey: 'page-7-img-2',
    })
    expect(keys()).toEqual(['page-7-img-2', 'page-7-img-2'])
    for (const bad of ['', 'é', 'x'.repeat(201)]) {
      await expect(
        client().generate({ imageUrl: 'https://example.com/a.png', idempotencyKey: bad }),
      ).rejects.toBeInstanceOf(AltTextError)
    }
    expect(api.requests).toHaveLength(2)
  })

  it('a batch sends one key across retries; chunks past 50 images get key:n', async () => {
    api.fail({ status: 502, code: 'model_error' })
    await client().generateBatch({
      images: [
        { imageUrl: 'https://example.com/1.png' },
        { imageUrl: 'https://example.com/2.png' },
      ],
    })
    expect(keys()).toHaveLength(2)
    const [first, retry] = keys()
    expect(first).toMatch(UUID)
    expect(retry).toBe(first)

    api.reset()
    await client().generateBatch({
      images: Array.from({ length: 51 }, (_, i) => ({ imageUrl: `https://example.com/${i}.png` })),
      idempotencyKey: 'build-9',
    })
    expect(keys()).toEqual(['build-9', 'build-9:1'])
  })

  it('the batcher sends an image with a chosen key on its own, with that key', async () => {
    const batcher = createBatcher(client(), { maxWaitMs: 5 })
    await Promise.all([
      batcher.generate({ imageUrl: 'https://example.com/own.png', idempotencyKey: 'mine' }),
      batcher.generate({ imageUrl: 'https://example.com/1.png' }),
      batcher.generate({ imageUrl: 'https://example.com/2.png' }),
    ])
    expect(api.requests).toHaveLength(2)
    const single = api.requests.find((request) => request.path === '/v1/alt-text')
    const batch = api.requests.find((request) => request.path === '/v1/alt-text/batch')
    expect(single?.headers['idempotency-key']).toBe('mine')
    expect(batch?.headers['idempotency-key']).toMatch(UUID)
  })
})
