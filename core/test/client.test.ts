import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AltTextError, CLIENT_ID, createClient, LIMITS } from '../src/index.js'
import { altText, type FakeApi, json, startFakeApi } from './fake-server.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
const PNG_BASE64 = Buffer.from(PNG).toString('base64')

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.close()
})

const client = (options = {}) =>
  createClient({ apiKey: KEY, baseUrl: `${api.url}/`, retryBaseMs: 1, ...options })

describe('generate', () => {
  it('sends an image URL with its options and returns the answer', async () => {
    api.script(altText('A dog on a beach'))
    const answer = await client().generate({
      imageUrl: 'https://example.com/dog.jpg',
      language: 'de',
      model: 'google/gemini-2.5-flash-lite',
      context: 'Holiday photos',
      maxLength: 80,
    })
    expect(answer.altText).toBe('A dog on a beach')
    expect(answer.creditsRemaining).toBe(9)
    const [request] = api.seen
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/v1/alt-text')
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['user-agent']).toBe(CLIENT_ID)
    expect(request?.body).toEqual({
      imageUrl: 'https://example.com/dog.jpg',
      language: 'de',
      model: 'google/gemini-2.5-flash-lite',
      context: 'Holiday photos',
      maxLength: 80,
    })
  })

  it('sends bytes, ArrayBuffers, Blobs and strings as base64', async () => {
    const inputs = [PNG, PNG.slice().buffer, new Blob([PNG]), PNG_BASE64]
    for (const image of inputs) {
      api.script(altText())
      await client().generate({ image })
    }
    expect(api.seen.map((s) => s.body)).toEqual(inputs.map(() => ({ image: PNG_BASE64 })))
  })

  it('passes a data: URL through unchanged', async () => {
    api.script(altText())
    const dataUrl = `data:image/png;base64,${PNG_BASE64}`
    await client().generate({ image: dataUrl })
    expect(api.seen[0]?.body).toEqual({ image: dataUrl })
  })

  it('names the caller in User-Agent when asked', async () => {
    api.script(altText())
    await client({ userAgent: 'alttext-cli/1.2.0' }).generate({ image: PNG })
    expect(api.seen[0]?.headers['user-agent']).toBe(`alttext-cli/1.2.0 ${CLIENT_ID}`)
  })

  it('refuses without a request: no key, both or neither input, empty or too large image', async () => {
    const noKey = createClient({ baseUrl: api.url })
    await expect(noKey.generate({ image: PNG })).rejects.toMatchObject({
      code: 'unauthorized',
      status: 0,
      message: expect.stringContaining('ALTTEXT_API_KEY'),
    })
    const both = { image: PNG, imageUrl: 'https://example.com/a.png' } as never
    await expect(client().generate(both)).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(client().generate({} as never)).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(client().generate({ image: new Uint8Array() })).rejects.toMatchObject({
      code: 'invalid_request',
    })
    const huge = new Uint8Array(LIMITS.maxImageBytes + 1)
    await expect(client().generate({ image: huge })).rejects.toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining('prepareImage'),
    })
    expect(api.seen).toHaveLength(0)
  })

  it('refuses a key that cannot go in a header with an AltTextError that does not quote it', async () => {
    // A key pasted with a line break or an invisible character inside it: Node's Headers
    // would throw a TypeError quoting the whole header value, key included.
    for (const bad of ['atk_secret\npart2', 'atk_secret\u200bpart2', 'atk_secret part2']) {
      const error = await createClient({ apiKey: bad, baseUrl: api.url })
        .generate({ image: PNG })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AltTextError)
      expect(error).toMatchObject({ code: 'unauthorized', status: 0 })
      expect(String((error as Error).message)).not.toContain('atk_secret')
      expect(String((error as Error).stack)).not.toContain('atk_secret')
    }
    expect(api.seen).toHaveLength(0)
  })

  it('rejects a 200 answer without alt text as invalid_response', async () => {
    api.script(json(200, { hello: 'world' }))
    const error = await client()
      .generate({ image: PNG })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AltTextError)
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
  })
})

describe('generateBatch', () => {
  it('sends every image with its own options and returns per-item results', async () => {
    const answer = {
      results: [
        { id: 'u1', altText: 'One', language: 'en', model: 'm', creditsUsed: 1 },
        { error: { code: 'insufficient_credits', message: 'Not enough credits' } },
      ],
      creditsUsed: 1,
      creditsRemaining: 0,
    }
    api.script(json(200, answer))
    const result = await client().generateBatch({
      images: [
        { image: PNG, context: 'first' },
        { imageUrl: 'https://example.com/b.png', language: 'fr' },
      ],
      model: 'm',
    })
    expect(result).toEqual(answer)
    expect(api.seen[0]?.path).toBe('/v1/alt-text/batch')
    expect(api.seen[0]?.body).toEqual({
      images: [
        { image: PNG_BASE64, context: 'first' },
        { imageUrl: 'https://example.com/b.png', language: 'fr' },
      ],
      model: 'm',
    })
  })

  it('splits more than 50 images into several requests and merges the answers', async () => {
    const ok = (n: number) => ({
      results: Array.from({ length: n }, (_, i) => ({
        id: `u${i}`,
        altText: `Image ${i}`,
        language: 'en',
        model: 'm',
        creditsUsed: 1,
      })),
      creditsUsed: n,
      creditsRemaining: 100 - n,
    })
    api.script(json(200, ok(50)), json(200, ok(10)))
    const images = Array.from({ length: 60 }, () => ({ image: PNG }))
    const result = await client().generateBatch({ images })
    expect(api.seen.map((s) => (s.body as { images: unknown[] }).images.length)).toEqual([50, 10])
    expect(result.results).toHaveLength(60)
    expect(result.creditsUsed).toBe(60)
    expect(result.creditsRemaining).toBe(90)
  })

  it('keeps paid results when a later chunk fails, marking that chunk as errors', async () => {
    const first = {
      results: Array.from({ length: 50 }, () => ({
        id: 'u',
        altText: 'x',
        language: 'en',
        model: 'm',
        creditsUsed: 1,
      })),
      creditsUsed: 50,
      creditsRemaining: 0,
    }
    api.script(
      json(200, first),
      json(402, { error: { code: 'insufficient_credits', message: 'No credits left' } }),
    )
    const images = Array.from({ length: 51 }, () => ({ image: PNG }))
    const result = await client().generateBatch({ images })
    expect(result.results).toHaveLength(51)
    expect(result.results[50]).toMatchObject({ error: { code: 'insufficient_credits' } })
    expect(result.creditsUsed).toBe(50)
  })

  it('rejects an answer whose results do not match the images', async () => {
    api.script(json(200, { results: [], creditsUsed: 0, creditsRemaining: 3 }))
    await expect(client().generateBatch({ images: [{ image: PNG }] })).rejects.toMatchObject({
      code: 'invalid_response',
    })
  })
})

describe('read routes', () => {
  it('models, account, credits and packs GET their routes; models needs no key', async () => {
    const models = { models: [{ id: 'm', name: 'M', credits: 1, default: true }] }
    api.script(json(200, models))
    expect(await createClient({ baseUrl: api.url }).models()).toEqual(models)
    expect(api.seen[0]?.headers.authorization).toBeUndefined()

    const user = {
      id: 'u',
      email: 'a@b.c',
      name: null,
      credits: 3,
      storeHistory: true,
      createdAt: '2026-11-24T00:00:00.000Z',
    }
    const credits = { balance: 3, ledger: [] }
    const packs = { packs: [{ id: 'p', credits: 100, amount: 500, currency: 'eur' }] }
    api.script(json(200, user), json(200, credits), json(200, packs))
    const c = client()
    expect(await c.account()).toEqual(user)
    expect(await c.credits()).toEqual(credits)
    expect(await c.packs()).toEqual(packs)
    expect(api.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v1/models',
      'GET /v1/account',
      'GET /v1/credits',
      'GET /v1/billing/packs',
    ])
  })

  it('usage sends only the given query fields', async () => {
    const page = { records: [], nextCursor: null }
    api.script(json(200, page), json(200, page))
    await client().usage()
    await client().usage({ limit: 20, cursor: 'abc', from: '2026-01-01T00:00:00Z' })
    expect(api.seen.map((s) => s.path)).toEqual([
      '/v1/usage',
      '/v1/usage?limit=20&cursor=abc&from=2026-01-01T00%3A00%3A00Z',
    ])
  })

  it('takes a custom fetch', async () => {
    const calls: string[] = []
    const c = createClient({
      baseUrl: 'https://api.invalid',
      fetch: async (input) => {
        calls.push(String(input))
        return new Response(JSON.stringify({ models: [] }), { status: 200 })
      },
    })
    expect(await c.models()).toEqual({ models: [] })
    expect(calls).toEqual(['https://api.invalid/v1/models'])
  })
})
