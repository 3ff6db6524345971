import { env } from 'cloudflare:workers'
import type { AltTextResponse } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { gifFile, jpegFile, pngFile, webpFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { PUBLIC_IMAGE_HOST } from '../../test/generation-setup.js'
import { expectError, expectLedgerInvariant } from '../../test/helpers.js'

const images = env.IMAGE_SERVER_URL
const local = { ALLOW_PRIVATE_IMAGE_URLS: 'true' }

async function usageRows(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT * FROM usage WHERE user_id = ? ORDER BY created_at',
  )
    .bind(userId)
    .all<Record<string, unknown>>()
  return results
}

describe('POST /v1/alt-text: input forms', () => {
  it('describes an image URL, charges its price once and records the usage', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `${images}/png` },
      vars: varsFor(model, local),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await res.json<AltTextResponse>()
    expect(body).toEqual({
      id: expect.stringMatching(/^use_/),
      altText: 'A red bicycle leaning against a brick wall in the sun.',
      language: 'en',
      model: 'google/gemini-2.5-flash-lite',
      creditsUsed: 1,
      creditsRemaining: 4,
      reused: false,
      decorative: false,
      kind: 'photo',
    })
    expect(await balanceOf(user.id)).toBe(4)
    await expectLedgerInvariant(user.id)
    const rows = await usageRows(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      id: body.id,
      endpoint: '/v1/alt-text',
      model: body.model,
      image_url: `${images}/png`,
      alt_text: body.altText,
      language: 'en',
      credits_used: 1,
    })
    const seen = await model.requests()
    expect(seen).toHaveLength(1)
    expect(seen[0]?.images[0]?.base64).toBe(b64(pngFile(1, 1, 7)))
    expect(seen[0]?.headers['http-referer']).toBe('https://alttextapi.com')
    expect(seen[0]?.headers['x-title']).toBe('AltText API')
    expect(seen[0]?.headers.authorization).toBe('Bearer sk-or-test')
    const key_ = await env.DB.prepare('SELECT last_used_at FROM api_keys WHERE user_id = ?')
      .bind(user.id)
      .first<{ last_used_at: number | null }>()
    expect(key_?.last_used_at).toBeGreaterThan(0)
  })

  it.each([
    ['base64 PNG', () => b64(pngFile(1, 1, 3))],
    ['data: URL JPEG', () => `data:image/jpeg;base64,${b64(jpegFile(64, 48))}`],
    ['base64 GIF', () => b64(gifFile())],
    ['data: URL WebP with a wrong declared type', () => `data:image/png;base64,${b64(webpFile())}`],
  ])('accepts %s', async (_label, image) => {
    const model = await fakeModel()
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json<AltTextResponse>()).creditsRemaining).toBe(0)
    expect((await model.requests())[0]?.images).toHaveLength(1)
    await expectLedgerInvariant(user.id)
  })

  it('accepts multipart with a file field and text fields', async () => {
    const model = await fakeModel()
    const { key } = await account(2)
    const form = new FormData()
    form.append(
      'image',
      new Blob([jpegFile(32, 32)], { type: 'application/octet-stream' }),
      'photo.bin',
    )
    form.append('language', 'de-CH')
    form.append('context', 'Artikel über Velofahren in Zürich')
    form.append('maxLength', '80')
    const res = await call('/v1/alt-text', { key, body: form, vars: varsFor(model) })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json<AltTextResponse>()).language).toBe('de-CH')
    const [seen] = await model.requests()
    expect(seen?.prompt).toContain('de-CH')
    expect(seen?.prompt).toContain('Artikel über Velofahren in Zürich')
    expect(seen?.prompt).toContain('80 characters')
    expect(seen?.images[0]?.base64).toBe(b64(jpegFile(32, 32)))
  })
})

describe('POST /v1/alt-text: prompting and post-processing', () => {
  it('puts language, context and the rules for links and text into the prompt', async () => {
    const model = await fakeModel()
    const { key } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: {
        image: b64(pngFile()),
        language: 'pt-BR',
        context: 'Linked image in the site header; goes to the home page',
      },
      vars: varsFor(model),
    })
    expect(res.status).toBe(200)
    const [seen] = await model.requests()
    expect(seen?.prompt).toMatch(/Brazilian Portuguese \(pt-BR\)/)
    expect(seen?.prompt).toContain('Linked image in the site header; goes to the home page')
    expect(seen?.prompt).toMatch(/link or a button, describe its function/)
    expect(seen?.prompt).toMatch(/short text .* transcribe that text exactly/)
    expect(seen?.prompt).toContain('125 characters')
  })

  it('cleans the answer and cuts it to maxLength at a word', async () => {
    const model = await fakeModel()
    await model.reply(
      'Image of a **red** bicycle <script>x</script> leaning against a weathered brick wall in the warm afternoon sun',
    )
    const { key } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), maxLength: 40 },
      vars: varsFor(model),
    })
    const body = await res.json<AltTextResponse>()
    expect(body.altText).toBe('A red bicycle leaning against.')
    expect(body.altText.length).toBeLessThanOrEqual(40)
  })
})

describe('POST /v1/alt-text: bad input costs nothing', () => {
  const cases: Array<
    [
      string,
      () => { json?: unknown; body?: BodyInit; headers?: Record<string, string> },
      number,
      string,
    ]
  > = [
    [
      'text bytes as an image',
      () => ({ json: { image: b64(new TextEncoder().encode('hello, not an image at all')) } }),
      415,
      'unsupported_media_type',
    ],
    [
      'a truncated PNG',
      () => ({ json: { image: b64(pngFile(1, 1, 5).subarray(0, 40)) } }),
      415,
      'unsupported_media_type',
    ],
    [
      'a truncated JPEG',
      () => ({ json: { image: b64(jpegFile(10, 10).subarray(0, 30)) } }),
      415,
      'unsupported_media_type',
    ],
    [
      'a 400-megapixel header',
      () => ({ json: { image: b64(pngFile(20000, 20000)) } }),
      413,
      'payload_too_large',
    ],
    ['invalid base64', () => ({ json: { image: 'not base64 !!!' } }), 400, 'invalid_request'],
    [
      'a data: URL without base64',
      () => ({ json: { image: 'data:image/png,abc' } }),
      400,
      'invalid_request',
    ],
    [
      'both imageUrl and image',
      () => ({ json: { image: b64(pngFile()), imageUrl: `${images}/png` } }),
      400,
      'invalid_request',
    ],
    ['neither imageUrl nor image', () => ({ json: { language: 'en' } }), 400, 'invalid_request'],
    [
      'an unknown field',
      () => ({ json: { image: b64(pngFile()), colour: 'red' } }),
      400,
      'invalid_request',
    ],
    [
      'a bad language tag',
      () => ({ json: { image: b64(pngFile()), language: 'english please' } }),
      400,
      'invalid_request',
    ],
    [
      'maxLength out of range',
      () => ({ json: { image: b64(pngFile()), maxLength: 5 } }),
      400,
      'invalid_request',
    ],
    [
      'a non-http URL',
      () => ({ json: { imageUrl: 'ftp://example.com/cat.png' } }),
      400,
      'invalid_request',
    ],
    [
      'an unsupported content type',
      () => ({ body: 'x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ],
    [
      'a type that only looks like JSON',
      () => ({
        body: '{"imageUrl":"https://example.com/cat.png"}',
        headers: { 'content-type': 'application/json-patch' },
      }),
      415,
      'unsupported_media_type',
    ],
  ]

  it.each(cases)('refuses %s', async (_label, request, status, code) => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const res = await call('/v1/alt-text', { key, ...request(), vars: varsFor(model, local) })
    await expectError(res, status, code)
    expect(await balanceOf(user.id)).toBe(3)
    expect(await model.requests()).toHaveLength(0)
  })

  it('refuses an unknown model and lists the valid ones', async () => {
    const model = await fakeModel()
    const { key } = await account(3)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), model: 'openai/gpt-nope' },
      vars: varsFor(model),
    })
    const body = await expectError(res, 400, 'invalid_request')
    expect(body.error.message).toContain('qwen/qwen2.5-vl-32b-instruct')
    expect(body.error.message).toContain('google/gemini-2.5-flash-lite')
  })

  it('refuses an upload over 10 MB while streaming it', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    big.set(pngFile())
    const form = new FormData()
    form.append('image', new Blob([big]), 'big.png')
    const res = await call('/v1/alt-text', { key, body: form, vars: varsFor(model) })
    await expectError(res, 413, 'payload_too_large')
    expect(await balanceOf(user.id)).toBe(3)
  })

  it('refuses a decoded base64 image over 10 MB', async () => {
    const model = await fakeModel()
    const { key } = await account(3)
    const big = new Uint8Array(10 * 1024 * 1024 + 3)
    big.set(pngFile())
    const res = await call('/v1/alt-text', { key, json: { image: b64(big) }, vars: varsFor(model) })
    await expectError(res, 413, 'payload_too_large')
    // Encoding 10 MB as base64 in the test itself takes seconds on a busy machine.
  }, 30_000)

  it('needs an API key, not a session', async () => {
    // No model is reached: the key is refused first.
    const vars = { OPENROUTER_API_KEY: 'sk-or-test' }
    const { token } = await account(3)
    await expectError(
      await call('/v1/alt-text', { json: { image: b64(pngFile()) }, vars }),
      401,
      'unauthorized',
    )
    await expectError(
      await call('/v1/alt-text', {
        key: token,
        json: { image: b64(pngFile()) },
        vars,
      }),
      401,
      'unauthorized',
    )
  })
})

describe('POST /v1/alt-text: image URLs', () => {
  it.each([
    ['an HTML page', '/html', 422, 'image_fetch_failed'],
    ['a 404', '/status/404', 422, 'image_fetch_failed'],
    ['a 500', '/status/500', 422, 'image_fetch_failed'],
    ['text labelled image/png', '/fake-png', 422, 'image_fetch_failed'],
    // The same code as a truncated image sent as base64 (above): the bytes arrived, damaged.
    ['a truncated image', '/truncated', 415, 'unsupported_media_type'],
    ['a host that never answers', '/slow', 422, 'image_fetch_failed'],
    ['an 11 MB image with Content-Length', '/big', 413, 'payload_too_large'],
    ['an 11 MB image without Content-Length', '/big-chunked', 413, 'payload_too_large'],
    ['a decompression bomb', '/bomb', 413, 'payload_too_large'],
  ])('answers %s (%s) with %i', async (_label, path, status, code) => {
    const model = await fakeModel()
    const { key, user } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `${images}${path}` },
      // The 11 MB bodies must arrive within the deadline even on a busy machine (/slow never does).
      vars: varsFor(model, {
        ...local,
        IMAGE_FETCH_TIMEOUT_MS: path === '/slow' ? '1500' : '10000',
      }),
    })
    await expectError(res, status, code)
    expect(await balanceOf(user.id)).toBe(2)
    expect(await model.requests()).toHaveLength(0)
  })

  it('accepts an image served as application/octet-stream and follows redirects', async () => {
    const model = await fakeModel()
    const { key } = await account(2)
    const octet = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `${images}/png-octet` },
      vars: varsFor(model, local),
    })
    expect(octet.status).toBe(200)
    const chain = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `http://${PUBLIC_IMAGE_HOST}/chain/3` },
      vars: varsFor(model),
    })
    expect(chain.status, await chain.clone().text()).toBe(200)
  })

  it('stops after 3 redirects', async () => {
    const model = await fakeModel()
    const { key } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `http://${PUBLIC_IMAGE_HOST}/chain/4` },
      vars: varsFor(model),
    })
    const body = await expectError(res, 422, 'image_fetch_failed')
    expect(body.error.message).toMatch(/more than 3/)
  })
})

describe('POST /v1/alt-text: SSRF', () => {
  const port = new URL(images).port
  it.each([
    `http://127.0.0.1:${port}/png`,
    `http://localhost:${port}/png`,
    `http://2130706433:${port}/png`,
    `http://0x7f.0.0.1:${port}/png`,
    `http://0177.0.0.1:${port}/png`,
    `http://[::1]:${port}/png`,
    `http://[::ffff:127.0.0.1]:${port}/png`,
    `http://0.0.0.0:${port}/png`,
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://10.0.0.8/cat.png',
    'http://192.168.1.1/cat.png',
    'http://100.64.1.1/cat.png',
    'http://[fd12::1]/cat.png',
    'http://metadata.google.internal/computeMetadata/v1/',
  ])('refuses %s', async (imageUrl) => {
    const model = await fakeModel()
    const { key, user } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl },
      vars: varsFor(model, { ALLOW_PRIVATE_IMAGE_URLS: 'false' }),
    })
    await expectError(res, 422, 'image_fetch_failed')
    expect(await balanceOf(user.id)).toBe(2)
  })

  it('checks every redirect hop and never contacts a refused target', async () => {
    const model = await fakeModel()
    const { key } = await account(2)
    const path = `/never-${crypto.randomUUID()}`
    const target = `http://127.0.0.1:${port}${path}`
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `http://${PUBLIC_IMAGE_HOST}/redirect?to=${encodeURIComponent(target)}` },
      vars: varsFor(model),
    })
    const body = await expectError(res, 422, 'image_fetch_failed')
    expect(body.error.message).toMatch(/redirected to a refused address/)
    const metadata = await call('/v1/alt-text', {
      key,
      json: {
        imageUrl: `http://${PUBLIC_IMAGE_HOST}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/')}`,
      },
      vars: varsFor(model),
    })
    await expectError(metadata, 422, 'image_fetch_failed')
    expect(await model.requests()).toHaveLength(0)
    const hits = (await (await fetch(`${env.FAKE_CONTROL_URL}/images/hits`)).json()) as Record<
      string,
      number
    >
    expect(hits['/redirect']).toBeGreaterThanOrEqual(2)
    expect(hits[path]).toBeUndefined()
  })
})

describe('POST /v1/alt-text: model failures', () => {
  it('retries 429 and 5xx on the same model with backoff', async () => {
    const model = await fakeModel()
    await model.failNext(1, { status: 429 })
    await model.failNext(1, { status: 503 })
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      vars: varsFor(model),
    })
    expect(res.status).toBe(200)
    const seen = await model.requests()
    expect(seen.map((r) => r.model)).toEqual(Array(3).fill('google/gemini-2.5-flash-lite'))
    expect(await balanceOf(user.id)).toBe(0)
  })

  it.each([
    ['persistent 500s', { status: 500 }, 3],
    ["OpenRouter's 200 with an error body", 'error-body', 1],
    ['an empty answer', 'empty', 1],
    ['a timeout', 'timeout', 1],
    ['a 404 for the model', { status: 404 }, 1],
  ] as const)(
    'falls back to the next model after %s and charges the quoted price',
    async (_label, fault, attempts) => {
      const model = await fakeModel()
      await model.failNext(attempts, fault)
      const { key, user } = await account(2)
      const res = await call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile()) },
        vars: varsFor(model),
      })
      expect(res.status, await res.clone().text()).toBe(200)
      const body = await res.json<AltTextResponse>()
      expect(body.model).toBe('qwen/qwen2.5-vl-32b-instruct')
      expect(body.creditsUsed).toBe(1)
      const seen = await model.requests()
      expect(seen.at(-1)?.model).toBe('qwen/qwen2.5-vl-32b-instruct')
      expect(await balanceOf(user.id)).toBe(1)
      await expectLedgerInvariant(user.id)
    },
  )

  it('never falls back to a dearer model', async () => {
    const model = await fakeModel()
    await model.failNext(50, { status: 500 })
    const { key } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      vars: varsFor(model),
    })
    await expectError(res, 502, 'model_error')
    const models = new Set((await model.requests()).map((r) => r.model))
    expect([...models]).toEqual(['google/gemini-2.5-flash-lite', 'qwen/qwen2.5-vl-32b-instruct'])
  })

  it('refunds everything when every model fails, without leaking provider details', async () => {
    const model = await fakeModel()
    await model.failNext(50, 'error-body')
    const { key, user } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), model: 'qwen/qwen2.5-vl-72b-instruct' },
      vars: varsFor(model),
    })
    const body = await expectError(res, 502, 'model_error')
    expect(JSON.stringify(body)).not.toMatch(/upstream|secret|Provider returned/)
    expect(await balanceOf(user.id)).toBe(2)
    await expectLedgerInvariant(user.id)
    const { results } = await env.DB.prepare(
      'SELECT delta, reason, reference FROM ledger WHERE user_id = ? ORDER BY created_at, rowid',
    )
      .bind(user.id)
      .all<{ delta: number; reason: string; reference: string }>()
    const [charge, refund] = results.slice(-2)
    expect(charge).toMatchObject({ delta: -2, reason: 'generation' })
    expect(refund).toMatchObject({ delta: 2, reason: 'refund', reference: charge?.reference })
    expect(await usageRows(user.id)).toHaveLength(0)
    expect((await model.requests()).length).toBe(3)
  })

  it('stops at once when the provider account is out of credit (402)', async () => {
    const model = await fakeModel()
    await model.failNext(5, {
      status: 402,
      body: { error: { message: 'Insufficient credits on key sk-or-...', code: 402 } },
    })
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      vars: varsFor(model),
    })
    const body = await expectError(res, 502, 'model_error')
    expect(body.error.message).not.toMatch(/sk-or|Insufficient/)
    expect(await model.requests()).toHaveLength(1)
    expect(await balanceOf(user.id)).toBe(1)
  })
})

describe('POST /v1/alt-text: credits, configuration, limits, history', () => {
  it('answers 503 naming the setting when no provider key is configured, before charging', async () => {
    const model = await fakeModel()
    const { key, user } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      vars: varsFor(model, { OPENROUTER_API_KEY: undefined }),
    })
    const body = await expectError(res, 503, 'model_not_configured')
    expect(body.error.message).toContain('OPENROUTER_API_KEY')
    expect(await balanceOf(user.id)).toBe(2)
  })

  it('answers 402 when the balance cannot cover the price, without calling the model', async () => {
    const model = await fakeModel()
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), model: 'qwen/qwen2.5-vl-72b-instruct' },
      vars: varsFor(model),
    })
    await expectError(res, 402, 'insufficient_credits')
    expect(await model.requests()).toHaveLength(0)
    expect(await balanceOf(user.id)).toBe(1)
  })

  it('lets exactly 10 of 50 parallel requests through with credit for 10', async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('/v1/alt-text', {
          key,
          json: { image: b64(pngFile(1, 1, i)) },
          vars: varsFor(model, { RATE_LIMIT_PER_MINUTE: '1000' }),
        }),
      ),
    )
    const statuses = responses.map((res) => res.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(10)
    expect(statuses.filter((s) => s === 402)).toHaveLength(40)
    const remaining = await Promise.all(
      responses
        .filter((res) => res.status === 200)
        .map(async (res) => (await res.json<AltTextResponse>()).creditsRemaining),
    )
    expect(new Set(remaining).size).toBe(10)
    expect(await balanceOf(user.id)).toBe(0)
    expect(await expectLedgerInvariant(user.id)).toBe(0)
    expect(await usageRows(user.id)).toHaveLength(10)
    expect(await model.requests()).toHaveLength(10)
    // 50 requests through one workerd: slow on a busy machine, and the test is not about time.
  }, 30_000)

  it('keeps only what billing needs when storeHistory is off', async () => {
    const model = await fakeModel()
    const { key, user } = await account(2)
    await env.DB.prepare('UPDATE users SET store_history = 0 WHERE id = ?').bind(user.id).run()
    const res = await call('/v1/alt-text', {
      key,
      json: { imageUrl: `${images}/gif`, language: 'fr' },
      vars: varsFor(model, local),
    })
    expect(res.status).toBe(200)
    const [row] = await usageRows(user.id)
    expect(row).toMatchObject({
      image_url: null,
      alt_text: null,
      language: 'fr',
      credits_used: 1,
      endpoint: '/v1/alt-text',
    })
  })

  it('rate-limits per key with Retry-After', async () => {
    const model = await fakeModel()
    const { key } = await account(10)
    const vars = varsFor(model, { RATE_LIMIT_PER_MINUTE: '2' })
    for (let i = 0; i < 2; i++)
      expect(
        (await call('/v1/alt-text', { key, json: { image: b64(pngFile()) }, vars })).status,
      ).toBe(200)
    const limited = await call('/v1/alt-text', { key, json: { image: b64(pngFile()) }, vars })
    await expectError(limited, 429, 'rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another key of another account is not affected.
    const other = await account(1)
    expect(
      (await call('/v1/alt-text', { key: other.key, json: { image: b64(pngFile()) }, vars }))
        .status,
    ).toBe(200)
  })
})
