import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'
import { AltTextError, CLIENT_ID, createClient, LIMITS } from '../src/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
const PNG_BASE64 = Buffer.from(PNG).toString('base64')

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY })
})
afterEach(async () => {
  await api.close()
})

const client = (options = {}) =>
  createClient({ apiKey: KEY, baseUrl: `${api.url}/`, retryBaseMs: 1, ...options })

describe('generate', () => {
  it('sends an image URL with its options and returns the answer', async () => {
    api.program({ altText: { 'dog.jpg': 'A dog on a beach' }, balance: 10 })
    const answer = await client().generate({
      imageUrl: 'https://example.com/dog.jpg',
      language: 'de',
      model: 'google/gemini-2.5-flash-lite',
      context: 'Holiday photos',
      maxLength: 80,
    })
    expect(answer.altText).toBe('A dog on a beach')
    expect(answer.creditsRemaining).toBe(9)
    expect(api.requests).toHaveLength(1)
    const [request] = api.requests
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
    for (const image of inputs) await client().generate({ image })
    expect(api.requests.map((s) => s.body)).toEqual(inputs.map(() => ({ image: PNG_BASE64 })))
  })

  it('passes a data: URL through unchanged', async () => {
    const dataUrl = `data:image/png;base64,${PNG_BASE64}`
    await client().generate({ image: dataUrl })
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.body).toEqual({ image: dataUrl })
  })

  it('names the caller in User-Agent when asked', async () => {
    await client({ userAgent: 'alttext-cli/1.2.0' }).generate({ image: PNG })
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.headers['user-agent']).toBe(`alttext-cli/1.2.0 ${CLIENT_ID}`)
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
    expect(api.requests).toHaveLength(0)
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
    expect(api.requests).toHaveLength(0)
  })

  it('rejects a 200 answer without alt text as invalid_response', async () => {
    api.fail({ answer: { status: 200, body: { hello: 'world' } } })
    const error = await client()
      .generate({ image: PNG })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AltTextError)
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 })
    expect(api.requests).toHaveLength(1)
  })
})

describe('generateBatch', () => {
  it('sends every image with its own options and returns per-item results', async () => {
    api.program({
      models: [{ id: 'm', name: 'M', credits: 1, default: true }],
      altText: (image) => (image.context === 'first' ? 'One' : 'Two'),
      balance: 1,
    })
    api.fail({
      code: 'insufficient_credits',
      message: 'Not enough credits',
      image: { imageUrlIncludes: 'b.png' },
    })
    const result = await client().generateBatch({
      images: [
        { image: PNG, context: 'first' },
        { imageUrl: 'https://example.com/b.png', language: 'fr' },
      ],
      model: 'm',
    })
    expect(result).toEqual({
      results: [
        {
          id: expect.any(String),
          altText: 'One',
          language: 'en',
          model: 'm',
          creditsUsed: 1,
          reused: false,
          decorative: false,
          kind: 'photo',
        },
        { error: { code: 'insufficient_credits', message: 'Not enough credits' } },
      ],
      creditsUsed: 1,
      creditsRemaining: 0,
    })
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.path).toBe('/v1/alt-text/batch')
    expect(api.requests[0]?.body).toEqual({
      images: [
        { image: PNG_BASE64, context: 'first' },
        { imageUrl: 'https://example.com/b.png', language: 'fr' },
      ],
      model: 'm',
    })
  })

  it('splits more than 50 images into several requests and merges the answers', async () => {
    // Every copy is described and charged (no reuse), so the sums say both chunks were merged.
    api.program({ balance: 150, reuse: false })
    const images = Array.from({ length: 60 }, () => ({ image: PNG }))
    const result = await client().generateBatch({ images })
    expect(api.requests.map((s) => (s.body as { images: unknown[] }).images.length)).toEqual([
      50, 10,
    ])
    expect(result.results).toHaveLength(60)
    expect(result.creditsUsed).toBe(60)
    expect(result.creditsRemaining).toBe(90)
  })

  it('keeps paid results when a later chunk fails, marking that chunk as errors', async () => {
    // The first chunk spends the whole balance: the API refuses the second as a whole (402).
    api.program({ balance: 50, reuse: false })
    const images = Array.from({ length: 51 }, () => ({ image: PNG }))
    const result = await client().generateBatch({ images })
    expect(result.results).toHaveLength(51)
    expect(result.results.slice(0, 50).every((r) => 'altText' in r)).toBe(true)
    expect(result.results[50]).toMatchObject({ error: { code: 'insufficient_credits' } })
    expect(result.creditsUsed).toBe(50)
    expect(api.requests.map((r) => r.status)).toEqual([200, 402])
  })

  it('rejects an answer whose results do not match the images', async () => {
    api.fail({
      answer: { status: 200, body: { results: [], creditsUsed: 0, creditsRemaining: 3 } },
    })
    await expect(client().generateBatch({ images: [{ image: PNG }] })).rejects.toMatchObject({
      code: 'invalid_response',
    })
    expect(api.requests).toHaveLength(1)
  })
})

describe('read routes', () => {
  it('models, account, credits and packs GET their routes; models needs no key', async () => {
    const models = { models: [{ id: 'm', name: 'M', credits: 1, longCredits: 1, default: true }] }
    api.program({ models: models.models, balance: 3 })
    expect(await createClient({ baseUrl: api.url }).models()).toEqual(models)
    expect(api.requests[0]?.headers.authorization).toBeUndefined()

    const user = {
      id: 'usr_fake',
      email: 'owner@example.com',
      name: null,
      credits: 3,
      storeHistory: true,
      createdAt: '2026-01-01T00:00:00.000Z',
    }
    const credits = { balance: 3, ledger: [...api.account.ledger].reverse() }
    expect(credits.ledger).toHaveLength(2) // the signup and the change to 3
    const packs = { packs: [{ id: 'pack_700', credits: 700, amount: 650, currency: 'usd' }] }
    api.program({ packs: packs.packs })
    const c = client()
    expect(await c.account()).toEqual(user)
    expect(await c.credits()).toEqual(credits)
    expect(await c.packs()).toEqual(packs)
    expect(api.requests.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v1/models',
      'GET /v1/account',
      'GET /v1/credits',
      'GET /v1/billing/packs',
    ])
  })

  it('usage sends only the given query fields', async () => {
    const page = { records: [], nextCursor: null }
    expect(await client().usage()).toEqual(page)
    expect(
      await client().usage({ limit: 20, cursor: 'abc', from: '2026-01-01T00:00:00Z' }),
    ).toEqual(page)
    expect(api.requests.map((s) => s.url)).toEqual([
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
