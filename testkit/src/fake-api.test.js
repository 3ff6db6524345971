import { createClient } from '@alttextapi/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_API_KEY, startFakeApi } from './fake-api.js'
import { pngFile } from './image-files.js'
import { startImageServer } from './image-server.js'
import { tinyPng } from './images.js'

/** @type {Awaited<ReturnType<typeof startFakeApi>>} */
let api

beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.stop()
})

const b64 = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes).toString('base64')

/**
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 */
async function call(path, body, headers = {}) {
  const res = await fetch(`${api.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${FAKE_API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, json: /** @type {any} */ (await res.json()) }
}

describe('fake AltText API: the contract', () => {
  it('answers health and models without a key, and 401 in the error shape without one', async () => {
    expect((await fetch(`${api.url}/health`).then((r) => r.json())) ?? {}).toEqual({ ok: true })
    const models = /** @type {any} */ (await fetch(`${api.url}/v1/models`).then((r) => r.json()))
    expect(models.models.filter((/** @type {any} */ m) => m.default)).toHaveLength(1)
    const packs = /** @type {any} */ (
      await fetch(`${api.url}/v1/billing/packs`).then((r) => r.json())
    )
    expect(packs.packs.map((/** @type {any} */ p) => p.id)).toEqual([
      'pack_500',
      'pack_2000',
      'pack_10000',
    ])
    const res = await fetch(`${api.url}/v1/account`, { headers: { authorization: 'Bearer atk_x' } })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    })
  })

  it('describes an inline image, charges it, and reuses it by hash for free', async () => {
    const image = `data:image/png;base64,${b64(tinyPng(3))}`
    const first = await call('/v1/alt-text', { image, language: 'de' })
    expect(first.status).toBe(200)
    expect(first.json).toEqual({
      id: expect.any(String),
      altText: 'Image 3 (de)',
      language: 'de',
      model: 'google/gemini-2.5-flash-lite',
      creditsUsed: 1,
      creditsRemaining: 999,
      reused: false,
      decorative: false,
      kind: 'photo',
    })
    const again = await call('/v1/alt-text', { image: b64(tinyPng(3)), language: 'de' })
    expect(again.json).toMatchObject({ altText: 'Image 3 (de)', creditsUsed: 0, reused: true })
    // Another language is another description.
    const english = await call('/v1/alt-text', { image, model: 'qwen/qwen2.5-vl-72b-instruct' })
    expect(english.json).toMatchObject({ altText: 'Image 3', creditsUsed: 2, reused: false })
    expect(api.stats).toMatchObject({ calls: 3, images: 3, charged: 2, reused: 1, creditsUsed: 3 })
    const credits = await call('/v1/credits')
    expect(credits.json.balance).toBe(997)
    const sum = credits.json.ledger.reduce(
      (/** @type {number} */ n, /** @type {any} */ e) => n + e.delta,
      0,
    )
    expect(sum).toBe(997)
    const usage = await call('/v1/usage?limit=2')
    expect(usage.json.records).toHaveLength(2)
    expect(usage.json.nextCursor).toBe('2')
    expect((await call('/v1/account')).json.credits).toBe(997)
  })

  it('takes a multipart upload with a file field image', async () => {
    const form = new FormData()
    form.append('image', new Blob([tinyPng(4)], { type: 'image/png' }), 'four.png')
    form.append('maxLength', '40')
    const res = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}` },
      body: form,
    })
    expect(res.status).toBe(200)
    expect(/** @type {any} */ (await res.json()).altText).toBe('Image 4')
    expect(api.images[0]).toMatchObject({ seed: '4', maxLength: 40 })
    expect(api.requests[0]?.body.image).toMatchObject({ file: 'four.png', type: 'image/png' })
  })

  it('refuses what the contract refuses, with the real status and code', async () => {
    const image = b64(tinyPng(1))
    const cases = [
      [{ image, colour: 'red' }, 400, 'invalid_request'],
      [{ image, language: 'not a tag!' }, 400, 'invalid_request'],
      [{ image, maxLength: 5 }, 400, 'invalid_request'],
      [{ image, imageUrl: 'https://example.com/a.png' }, 400, 'invalid_request'],
      [{}, 400, 'invalid_request'],
      [{ image, model: 'nope' }, 400, 'invalid_request'],
      [{ image: b64(new TextEncoder().encode('not an image')) }, 415, 'unsupported_media_type'],
    ]
    for (const [body, status, code] of cases) {
      const res = await call('/v1/alt-text', body)
      expect([res.status, res.json.error.code], JSON.stringify(body)).toEqual([status, code])
    }
    const text = await call('/v1/alt-text', undefined, {})
    expect(text.status).toBe(404) // GET on a POST route
    const wrongType = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_API_KEY}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ image }),
    })
    expect(wrongType.status).toBe(415)
    const tooMany = await call('/v1/alt-text/batch', { images: Array(51).fill({ image }) })
    expect(tooMany.status).toBe(400)
    expect(api.balance).toBe(1000)
  })

  it('answers 402 insufficient_credits when the balance cannot pay', async () => {
    api.program({ balance: 0 })
    const res = await call('/v1/alt-text', { image: b64(tinyPng(1)) })
    expect([res.status, res.json.error.code]).toEqual([402, 'insufficient_credits'])
  })

  it('replays an Idempotency-Key without a charge; refuses it for another request or while running', async () => {
    const key = { 'idempotency-key': 'k-1' }
    const first = await call('/v1/alt-text', { image: b64(tinyPng(5)) }, key)
    const replay = await call('/v1/alt-text', { image: b64(tinyPng(5)) }, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.json).toEqual(first.json)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(api.balance).toBe(999)
    const other = await call('/v1/alt-text', { image: b64(tinyPng(6)) }, key)
    expect([other.status, other.json.error.code]).toEqual([400, 'idempotency_key_reused'])
    api.holdKey('k-2')
    const busy = await call(
      '/v1/alt-text',
      { image: b64(tinyPng(6)) },
      { 'idempotency-key': 'k-2' },
    )
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([429, '1'])
    const bad = await call('/v1/alt-text', { image: b64(tinyPng(6)) }, { 'idempotency-key': ' ' })
    expect(bad.status).toBe(400)
  })

  it('answers a batch per item, a failing image as that item’s error', async () => {
    api.fail({ code: 'model_error', image: { seed: 2 }, times: Number.POSITIVE_INFINITY })
    const res = await call('/v1/alt-text/batch', {
      images: [
        { image: b64(tinyPng(1)) },
        { image: b64(tinyPng(2)), language: 'fr' },
        { imageUrl: 'https://example.com/x.jpg' },
      ],
      language: 'de',
    })
    expect(res.status).toBe(200)
    expect(res.json.results).toEqual([
      expect.objectContaining({ altText: 'Image 1 (de)', creditsUsed: 1 }),
      { error: { code: 'model_error', message: expect.any(String) } },
      expect.objectContaining({ altText: 'Image at https://example.com/x.jpg (de)' }),
    ])
    expect(res.json).toMatchObject({ creditsUsed: 2, creditsRemaining: 998 })
    expect(api.images.map((i) => i.language)).toEqual(['de', 'fr', 'de'])
  })
})

describe('fake AltText API: like the real one', () => {
  it('fetches image URLs when asked: the bytes decide reuse, type and failure', async () => {
    const host = await startImageServer()
    try {
      api.program({ fetchImageUrls: true })
      const byUrl = await call('/v1/alt-text', { imageUrl: `${host.url}/png` })
      expect(byUrl.json).toMatchObject({ creditsUsed: 1, reused: false })
      // The same bytes sent inline are the same image.
      const inline = await call('/v1/alt-text', { image: b64(pngFile(1, 1, 7)) })
      expect(inline.json).toMatchObject({
        altText: byUrl.json.altText,
        reused: true,
        creditsUsed: 0,
      })
      const html = await call('/v1/alt-text', { imageUrl: `${host.url}/html` })
      expect([html.status, html.json.error.code]).toEqual([415, 'unsupported_media_type'])
      const missing = await call('/v1/alt-text', { imageUrl: `${host.url}/status/404` })
      expect([missing.status, missing.json.error.code]).toEqual([422, 'image_fetch_failed'])
      expect(api.balance).toBe(999)
    } finally {
      await host.close()
    }
  })

  it('keeps nothing for reuse, and no alt text in usage, when the account objects to history', async () => {
    api.program({ storeHistory: false })
    const image = b64(tinyPng(1))
    await call('/v1/alt-text', { image })
    const again = await call('/v1/alt-text', { image })
    expect(again.json).toMatchObject({ reused: false, creditsUsed: 1 })
    const usage = await call('/v1/usage')
    expect(usage.json.records.map((/** @type {any} */ r) => r.altText)).toEqual([null, null])
    expect((await call('/v1/account')).json.storeHistory).toBe(false)
  })

  it('refuses to program an error code the contract does not have', () => {
    expect(() => api.fail({ code: 'unsupported_image' })).toThrow(/not an error code/)
    expect(() => api.fail({ status: 500, times: 0 })).toThrow(/positive/)
  })
})

describe('fake AltText API: programmable', () => {
  it('fails the next N calls with Retry-After, then answers', async () => {
    api.fail({ code: 'rate_limited', retryAfter: 3, times: 2 })
    const body = { image: b64(tinyPng(1)) }
    const a = await call('/v1/alt-text', body)
    const b = await call('/v1/alt-text', body)
    const c = await call('/v1/alt-text', body)
    expect([a.status, a.headers.get('retry-after'), a.json.error.code]).toEqual([
      429,
      '3',
      'rate_limited',
    ])
    expect(b.status).toBe(429)
    expect(c.status).toBe(200)
    expect(api.stats).toMatchObject({ calls: 3, failed: 2, charged: 1 })
  })

  it('has a fatal mode: every call 401, reads included with scope all', async () => {
    api.fail({ status: 401, times: Number.POSITIVE_INFINITY, scope: 'all' })
    for (let i = 0; i < 3; i++)
      expect((await call('/v1/alt-text', { image: b64(tinyPng(i)) })).json.error.code).toBe(
        'unauthorized',
      )
    expect((await call('/v1/account')).status).toBe(401)
    expect((await fetch(`${api.url}/v1/models`)).status).toBe(200)
    api.clearFailures()
    api.fail({ reset: true, scope: 'all' })
    await expect(call('/v1/credits')).rejects.toThrow()
    api.clearFailures()
    expect((await call('/v1/account')).status).toBe(200)
  })

  it('drops a connection, hangs, and can lose an answer after charging it (the retry replays)', async () => {
    api.fail({ reset: true })
    await expect(call('/v1/alt-text', { image: b64(tinyPng(1)) })).rejects.toThrow()
    api.fail({ hang: true })
    const hung = fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
      body: JSON.stringify({ image: b64(tinyPng(1)) }),
      signal: AbortSignal.timeout(200),
    })
    await expect(hung).rejects.toThrow(/abort|timeout/i)
    expect(api.balance).toBe(1000)
    api.fail({ afterCharge: true, status: 500 })
    const key = { 'idempotency-key': 'lost-1' }
    const lost = await call('/v1/alt-text', { image: b64(tinyPng(2)) }, key)
    expect(lost.status).toBe(500)
    expect(api.balance).toBe(999)
    const retry = await call('/v1/alt-text', { image: b64(tinyPng(2)) }, key)
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([200, 'true'])
    expect(api.balance).toBe(999)
  })

  it('stalls a body after its headers (stallBody), and records that the client gave up', async () => {
    api.fail({ stallBody: true })
    const res = await fetch(`${api.url}/v1/alt-text?from=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
      body: JSON.stringify({ image: b64(tinyPng(1)) }),
      signal: AbortSignal.timeout(300),
    })
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json'])
    await expect(res.text()).rejects.toThrow(/abort|timeout/i)
    while (!api.requests[0]?.aborted) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(api.requests[0]).toMatchObject({
      path: '/v1/alt-text',
      url: '/v1/alt-text?from=test',
      status: 200,
      aborted: true,
      at: expect.any(Number),
    })
    expect(api.stats).toMatchObject({ calls: 1, failed: 1, charged: 0 })
    // The next call is answered in full.
    const next = await call('/v1/alt-text', { image: b64(tinyPng(1)) })
    expect(next.json.altText).toBe('Image 1')
    expect(api.requests[1]?.aborted).toBeUndefined()
  })

  it('sends a raw answer as it is (answer): a proxy page, a 200 of the wrong shape, not JSON', async () => {
    const body = { image: b64(tinyPng(1)) }
    api.fail({
      answer: {
        status: 502,
        headers: { 'Content-Type': 'text/html', 'Retry-After': '2' },
        body: '<h1>Bad Gateway</h1>',
      },
    })
    const page = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
      body: JSON.stringify(body),
    })
    expect([
      page.status,
      page.headers.get('content-type'),
      page.headers.get('retry-after'),
      await page.text(),
    ]).toEqual([502, 'text/html', '2', '<h1>Bad Gateway</h1>'])
    api.fail({ answer: { status: 200, body: { hello: 'world' } } })
    const wrong = await call('/v1/alt-text', body)
    expect([wrong.status, wrong.headers.get('content-type'), wrong.json]).toEqual([
      200,
      'application/json',
      { hello: 'world' },
    ])
    // Reads too, with scope all; a string body is sent verbatim as text.
    api.fail({ answer: { status: 200, body: '<html>login page</html>' }, scope: 'all' })
    const credits = await fetch(`${api.url}/v1/credits`, {
      headers: { authorization: `Bearer ${api.key}` },
    })
    expect([credits.status, credits.headers.get('content-type'), await credits.text()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      '<html>login page</html>',
    ])
    expect(api.requests.map((r) => r.status)).toEqual([502, 200, 200])
    expect(api.stats).toMatchObject({ calls: 2, failed: 2, charged: 0 })
    expect(api.balance).toBe(1000)
    // After the charge: the work is done, the answer is the raw one.
    api.fail({ answer: { status: 200, body: { results: [] } }, afterCharge: true })
    expect((await call('/v1/alt-text', body, { 'idempotency-key': 'raw-1' })).json).toEqual({
      results: [],
    })
    expect(api.balance).toBe(999)
    const replay = await call('/v1/alt-text', body, { 'idempotency-key': 'raw-1' })
    expect([replay.json.altText, replay.headers.get('idempotent-replayed')]).toEqual([
      'Image 1',
      'true',
    ])
  })

  it('refuses a failure that ends a call two ways, or a raw answer for one image', () => {
    expect(() => api.fail({ reset: true, answer: { status: 500 } })).toThrow(/cannot go together/)
    expect(() => api.fail({ hang: true, stallBody: true })).toThrow(/cannot go together/)
    expect(() => api.fail({ stallBody: true, image: { seed: 1 } })).toThrow(/no image/)
    expect(() => api.fail({ answer: { status: 99 } })).toThrow(/answer.status/)
  })

  it('takes purpose and long, charges long, answers kind and longDescription', async () => {
    api.program({
      altText: (image) => ({
        altText: image.purpose === 'link' ? 'Go to the shop' : 'Sales by quarter',
        kind: image.purpose === 'link' ? 'logo' : 'chart',
        longDescription: 'Q1 10; Q2 20.',
      }),
    })
    const link = await call('/v1/alt-text', {
      image: b64(tinyPng(1)),
      purpose: 'link',
      context: 'Link target: /shop',
    })
    expect(link.json).toMatchObject({ altText: 'Go to the shop', kind: 'logo', creditsUsed: 1 })
    expect(link.json).not.toHaveProperty('longDescription')
    const chart = await call('/v1/alt-text', { image: b64(tinyPng(2)), long: true })
    expect(chart.json).toMatchObject({ kind: 'chart', longDescription: 'Q1 10; Q2 20.' })
    expect(chart.json.creditsUsed).toBe(2)
    // long is part of the reuse key: the same image without it is described (and charged) anew.
    const short = await call('/v1/alt-text', { image: b64(tinyPng(2)) })
    expect(short.json).toMatchObject({ reused: false, creditsUsed: 1 })
    const batch = await call('/v1/alt-text/batch', {
      images: [{ image: b64(tinyPng(3)), purpose: 'auto' }],
      long: true,
    })
    expect(batch.json.results[0]).toMatchObject({ kind: 'chart', creditsUsed: 2 })
    expect(api.images.map((i) => [i.purpose, i.long])).toEqual([
      ['link', undefined],
      [undefined, true],
      [undefined, undefined],
      ['auto', true],
    ])
    const bad = await call('/v1/alt-text', { image: b64(tinyPng(4)), purpose: 'hero' })
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toContain('purpose')
    const models = await call('/v1/models')
    expect(models.json.models[0]).toMatchObject({ longCredits: 1 })
  })

  it('takes alt text as a function or a map, latency, and counts calls in flight', async () => {
    api.program({
      altText: (image) => ({
        altText: `#${image.n} a long description of many words`,
        decorative: image.n === 2,
      }),
      latencyMs: 50,
    })
    const answers = await Promise.all(
      [1, 2, 3].map((n) => call('/v1/alt-text', { image: b64(tinyPng(n)), maxLength: 20 })),
    )
    expect(answers.map((a) => a.json.altText.length <= 20)).toEqual([true, true, true])
    expect(answers.map((a) => a.json.decorative).filter(Boolean)).toHaveLength(1)
    expect(api.stats.maxInFlight).toBe(3)
    api.program({ altText: { 'example.com/cat': 'A cat' }, latencyMs: 0 })
    expect(
      (await call('/v1/alt-text', { imageUrl: 'https://example.com/cat.jpg' })).json.altText,
    ).toBe('A cat')
    api.reset()
    expect(api.stats.calls).toBe(0)
    expect(api.requests).toHaveLength(0)
  })

  it('takes its latency per image, a batch four at a time like the real API', async () => {
    api.program({ latencyMs: 100 })
    const start = performance.now()
    const res = await call('/v1/alt-text/batch', {
      images: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ image: b64(tinyPng(n)) })),
    })
    const ms = performance.now() - start
    expect(res.json.results).toHaveLength(8)
    // Two rounds of four: not all at once (100 ms), not one by one (800 ms).
    expect(ms).toBeGreaterThanOrEqual(190)
    expect(ms).toBeLessThan(700)
  })

  it('is what core’s client expects', async () => {
    const client = createClient({ apiKey: FAKE_API_KEY, baseUrl: api.url, maxRetries: 0 })
    const one = await client.generate({ image: tinyPng(7) })
    expect(one.altText).toBe('Image 7')
    const batch = await client.generateBatch({
      images: [{ image: tinyPng(8) }, { image: tinyPng(9) }],
    })
    expect(batch.results.map((r) => ('altText' in r ? r.altText : r.error.code))).toEqual([
      'Image 8',
      'Image 9',
    ])
    expect(api.requests.every((r) => typeof r.idempotencyKey === 'string')).toBe(true)
    await expect(
      createClient({ apiKey: 'atk_wrong', baseUrl: api.url, maxRetries: 0 }).generate({
        image: tinyPng(7),
      }),
    ).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('is programmable over HTTP from another process', async () => {
    const control = (/** @type {string} */ path, /** @type {unknown} */ body, method = 'POST') =>
      fetch(`${api.url}/__fake/${path}`, { method, body: JSON.stringify(body) }).then((r) =>
        r.json(),
      )
    await control('program', { balance: 5, altText: { 3: 'Three' } })
    await control(
      'fail',
      JSON.parse(
        JSON.stringify({
          status: 503,
          code: 'model_not_configured',
          times: Number.POSITIVE_INFINITY,
        }),
      ),
    )
    expect((await call('/v1/alt-text', { image: b64(tinyPng(3)) })).status).toBe(503)
    expect((await call('/v1/alt-text', { image: b64(tinyPng(3)) })).status).toBe(503)
    await control('fail', undefined, 'DELETE')
    expect((await call('/v1/alt-text', { image: b64(tinyPng(3)) })).json.altText).toBe('Three')
    const state = /** @type {any} */ (await fetch(`${api.url}/__fake/state`).then((r) => r.json()))
    expect(state).toMatchObject({ balance: 4, stats: { calls: 3, failed: 2 } })
    expect(state.requests[0].body).toEqual({ image: b64(tinyPng(3)) })
    expect(state.images[0]).toMatchObject({ seed: '3', byteLength: tinyPng(3).length })
    // The faults outside the contract go over HTTP too.
    await control('fail', {
      answer: { status: 503, headers: { 'content-type': 'text/html' }, body: '<p>Down</p>' },
    })
    const page = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
      body: JSON.stringify({ image: b64(tinyPng(3)) }),
    })
    expect([page.status, await page.text()]).toEqual([503, '<p>Down</p>'])
    await control('fail', { stallBody: true })
    const stalled = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.key}` },
      body: JSON.stringify({ image: b64(tinyPng(3)) }),
      signal: AbortSignal.timeout(300),
    })
    expect(stalled.status).toBe(200)
    await expect(stalled.text()).rejects.toThrow(/abort|timeout/i)
    await control('reset', {})
    expect(api.requests).toHaveLength(0)
    // Control answers close their connection (no kept-alive socket for a test to race with).
    const answer = await fetch(`${api.url}/__fake/state`)
    expect(answer.headers.get('connection')).toBe('close')
    await answer.body?.cancel()
  })
})

describe('maxLength', () => {
  it('cuts the alt text to maxLength code points at a word, never inside an emoji', async () => {
    api.program({ altText: () => `${'🐈'.repeat(15)} cats sleeping on a warm windowsill` })
    const { json } = await call('/v1/alt-text', { image: b64(tinyPng(1)), maxLength: 20 })
    const { altText } = json
    expect(Array.from(altText).length).toBeLessThanOrEqual(20)
    expect(altText).toBe(`${'🐈'.repeat(15)} cats`)
  })
})
