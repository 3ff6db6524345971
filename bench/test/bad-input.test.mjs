// Bad input: a table of what an attacker or a buggy client sends. Each case gets its documented
// 4xx in the shared error shape; afterwards the server still serves and nothing was charged.
import { tinyPng } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { get, post, signup, startApiWithModel } from './support.mjs'

const png = Buffer.from(tinyPng(3))
const b64 = (bytes) => Buffer.from(bytes).toString('base64')
/** The PNG with its header claiming 100,000 × 100,000 pixels (a decompression bomb). */
const bomb = (() => {
  const copy = Buffer.from(png)
  copy.writeUInt32BE(100_000, 16)
  copy.writeUInt32BE(100_000, 20)
  return copy
})()
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46])

/** Cases against POST /v1/alt-text with a valid key: [name, body (object → JSON, string → raw), status, code]. */
const generationCases = [
  ['malformed JSON', '{"image": ', 400, 'invalid_request'],
  ['JSON that is not an object', '[1,2,3]', 400, 'invalid_request'],
  ['deeply nested JSON', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 400, 'invalid_request'],
  ['empty body', '', 400, 'invalid_request'],
  ['neither image nor imageUrl', {}, 400, 'invalid_request'],
  [
    'both image and imageUrl',
    { image: b64(png), imageUrl: 'https://example.com/a.png' },
    400,
    'invalid_request',
  ],
  ['imageUrl of the wrong type', { imageUrl: 123 }, 400, 'invalid_request'],
  ['maxLength as a string', { image: b64(png), maxLength: '100' }, 400, 'invalid_request'],
  ['maxLength out of range', { image: b64(png), maxLength: 1_000_000 }, 400, 'invalid_request'],
  [
    'language that is not a BCP 47 tag',
    { image: b64(png), language: 'en_US; DROP TABLE' },
    400,
    'invalid_request',
  ],
  [
    'language with a header injection',
    { image: b64(png), language: 'en\r\nX-Injected: 1' },
    400,
    'invalid_request',
  ],
  ['unknown field', { image: b64(png), admin: true }, 400, 'invalid_request'],
  [
    'prototype pollution',
    JSON.parse(`{"image": "${b64(png)}", "__proto__": {"credits": 1e9}}`),
    400,
    'invalid_request',
  ],
  ['unknown model', { image: b64(png), model: 'evil/model' }, 400, 'invalid_request'],
  ['context too long', { image: b64(png), context: 'x'.repeat(100_000) }, 400, 'invalid_request'],
  ['invalid base64', { image: '!!!not base64!!!' }, 400, 'invalid_request'],
  [
    'plain text as an image',
    { image: b64(Buffer.from('hello world')) },
    415,
    'unsupported_media_type',
  ],
  [
    'SVG (script-capable) as an image',
    {
      image: b64(
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      ),
    },
    415,
    'unsupported_media_type',
  ],
  [
    'SVG data: URL',
    { image: `data:image/svg+xml;base64,${b64(Buffer.from('<svg/>'))}` },
    415,
    'unsupported_media_type',
  ],
  [
    'PDF renamed to PNG',
    { image: `data:image/png;base64,${b64(Buffer.from('%PDF-1.7\n%âãÏÓ\n'))}` },
    415,
    'unsupported_media_type',
  ],
  ['truncated PNG', { image: b64(png.subarray(0, 30)) }, 415, 'unsupported_media_type'],
  ['truncated JPEG', { image: b64(JPEG_HEAD) }, 415, 'unsupported_media_type'],
  ['decompression bomb (100,000² px header)', { image: b64(bomb) }, 413, 'payload_too_large'],
  [
    'image over 10 MB',
    { image: Buffer.alloc(10.5 * 1024 * 1024, 7).toString('base64') },
    413,
    'payload_too_large',
  ],
  [
    'body over the JSON ceiling',
    { image: Buffer.alloc(11 * 1024 * 1024).toString('base64') },
    413,
    'payload_too_large',
  ],
  ['file: URL', { imageUrl: 'file:///etc/passwd' }, 400, 'invalid_request'],
  ['ftp: URL', { imageUrl: 'ftp://example.com/a.png' }, 400, 'invalid_request'],
  ['javascript: URL', { imageUrl: 'javascript:alert(1)' }, 400, 'invalid_request'],
  ['SSRF: loopback', { imageUrl: 'http://127.0.0.1:8787/health' }, 422, 'image_fetch_failed'],
  ['SSRF: localhost name', { imageUrl: 'http://localhost/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: *.localhost name', { imageUrl: 'http://api.localhost/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: decimal IPv4', { imageUrl: 'http://2130706433/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: hex IPv4', { imageUrl: 'http://0x7f.0x0.0x0.0x1/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: octal IPv4', { imageUrl: 'http://0177.0.0.1/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: short IPv4', { imageUrl: 'http://127.1/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: 0.0.0.0', { imageUrl: 'http://0.0.0.0/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: IPv6 loopback', { imageUrl: 'http://[::1]/x.png' }, 422, 'image_fetch_failed'],
  [
    'SSRF: IPv4-mapped IPv6',
    { imageUrl: 'http://[::ffff:127.0.0.1]/x.png' },
    422,
    'image_fetch_failed',
  ],
  [
    'SSRF: IPv4-mapped IPv6 (hex)',
    { imageUrl: 'http://[::ffff:7f00:1]/x.png' },
    422,
    'image_fetch_failed',
  ],
  [
    'SSRF: unique-local IPv6',
    { imageUrl: 'http://[fd12:3456::1]/x.png' },
    422,
    'image_fetch_failed',
  ],
  ['SSRF: link-local IPv6', { imageUrl: 'http://[fe80::1]/x.png' }, 422, 'image_fetch_failed'],
  [
    'SSRF: cloud metadata',
    { imageUrl: 'http://169.254.169.254/latest/meta-data/' },
    422,
    'image_fetch_failed',
  ],
  ['SSRF: RFC 1918 10/8', { imageUrl: 'http://10.0.0.1/x.png' }, 422, 'image_fetch_failed'],
  ['SSRF: RFC 1918 172.16/12', { imageUrl: 'http://172.16.5.4/x.png' }, 422, 'image_fetch_failed'],
  [
    'SSRF: RFC 1918 192.168/16',
    { imageUrl: 'http://192.168.1.1/x.png' },
    422,
    'image_fetch_failed',
  ],
  ['SSRF: CGNAT 100.64/10', { imageUrl: 'http://100.64.0.1/x.png' }, 422, 'image_fetch_failed'],
  [
    'credentials inside the URL',
    { imageUrl: 'http://user:pass@127.0.0.1/x.png' },
    400,
    'invalid_request',
  ],
]

describe('bad input', () => {
  let model
  let api
  let account
  beforeAll(async () => {
    ;({ model, api } = await startApiWithModel({ SIGNUP_CREDITS: '10' }))
    account = await signup(api)
  }, 120_000)
  afterAll(async () => {
    await api?.stop()
    await model?.close()
  })

  const send = (path, body, headers = {}) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${account.key}`,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  it.each(generationCases)('POST /v1/alt-text: %s', async (_name, body, status, code) => {
    const res = await send('/v1/alt-text', body)
    const text = await res.text()
    expect(res.status).toBe(status)
    const parsed = JSON.parse(text)
    expect(parsed.error.code).toBe(code)
    expect(parsed.error.message.length).toBeGreaterThan(10)
    expect(text).not.toMatch(/\bat \w+ \(|stack|TypeError|SyntaxError/)
  })

  it('refuses a multipart upload over 10 MB', async () => {
    const form = new FormData()
    form.append(
      'image',
      new Blob([Buffer.alloc(11 * 1024 * 1024, 1)], { type: 'image/png' }),
      'big.png',
    )
    const res = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.key}` },
      body: form,
    })
    expect(res.status).toBe(413)
  })

  it('refuses a wrong Content-Type', async () => {
    const res = await send('/v1/alt-text', 'image=x', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect([400, 415]).toContain(res.status)
  })

  it('batch: more than 50 images, or an invalid item, is a 400', async () => {
    const many = Array.from({ length: 51 }, () => ({ image: b64(png) }))
    expect((await send('/v1/alt-text/batch', { images: many })).status).toBe(400)
    expect((await send('/v1/alt-text/batch', { images: [] })).status).toBe(400)
    expect((await send('/v1/alt-text/batch', { images: 'all of them' })).status).toBe(400)
  })

  it.each([
    ['no Authorization', undefined],
    ['a garbage credential', 'Bearer nonsense'],
    ['an invented key', `Bearer atk_${'x'.repeat(40)}`],
    ['Basic auth', 'Basic dXNlcjpwYXNz'],
    ['an over-long key', `Bearer atk_${'y'.repeat(5000)}`],
  ])('401 for %s', async (_name, authorization) => {
    const headers = { 'content-type': 'application/json' }
    if (authorization) headers.authorization = authorization
    const res = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ image: b64(png) }),
    })
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('unauthorized')
  })

  it('a revoked key answers 401 at once', async () => {
    const created = await post(
      `${api.url}/v1/keys`,
      { name: 'to revoke' },
      { authorization: `Bearer ${account.token}` },
    )
    expect(created.status).toBe(201)
    await fetch(`${api.url}/v1/keys/${created.body.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${account.token}` },
    })
    const res = await fetch(`${api.url}/v1/alt-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${created.body.key}` },
      body: JSON.stringify({ image: b64(png) }),
    })
    expect(res.status).toBe(401)
  })

  it('auth routes: malformed, wrong types and oversized bodies are 4xx', async () => {
    const signupUrl = `${api.url}/v1/auth/signup`
    const raw = (body, type = 'application/json') =>
      fetch(signupUrl, { method: 'POST', headers: { 'content-type': type }, body })
    expect((await raw('{')).status).toBe(400)
    expect(
      (await raw(JSON.stringify({ email: ['a@b.c'], password: 'long-enough-pass' }))).status,
    ).toBe(400)
    expect((await raw(JSON.stringify({ email: 'a@b.c', password: 12345678901 }))).status).toBe(400)
    expect(
      (await raw(JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(2_000_000) })))
        .status,
    ).toBe(413)
    expect((await raw('email=a', 'text/plain')).status).toBe(400)
  })

  it('is still serving, and nothing was charged', async () => {
    expect((await fetch(`${api.url}/health`)).status).toBe(200)
    const credits = await get(`${api.url}/v1/credits`, account.key)
    expect(credits.body.balance).toBe(10)
    expect(credits.body.ledger).toHaveLength(1)
    expect(model.calls).toBe(0)
  })
})
