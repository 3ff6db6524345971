import type { CreatedApiKey } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { api, expectError, json, signup } from '../../test/helpers.js'
import { isJsonMediaType } from './body.js'

/** JSON media types: `application/json` or `application/<name>+json`, parameters allowed. */
const ACCEPTED = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON;charset=UTF-8',
  'application/json ; charset="utf-8"',
  'Application/Json',
  'application/merge-patch+json',
  'application/vnd.api+json; charset=utf-8',
  'application/problem+json',
]

/**
 * Everything else, notably what a cross-site page may send without a CORS preflight (`text/plain`,
 * form encodings) dressed up to contain `json` somewhere.
 */
const REFUSED = [
  '',
  'text/plain',
  'text/plain; x=+json',
  'text/plain;+json',
  'text/plain; charset=utf-8; x=application/json',
  'text/plain+json',
  'text/json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; x=+json',
  'multipart/form-data; boundary=+json',
  'application/json-patch',
  'application/jsonp',
  'application/json5',
  'application/+json',
  'application/json+xml',
  'application/vnd.api+json-seq',
  'application/json charset=utf-8',
  'xapplication/json',
  'application/ json',
]

describe('isJsonMediaType', () => {
  it.each(ACCEPTED)('accepts %j', (type) => {
    expect(isJsonMediaType(type)).toBe(true)
  })

  it.each(REFUSED)('refuses %j', (type) => {
    expect(isJsonMediaType(type)).toBe(false)
  })

  it('refuses a missing header', () => {
    expect(isJsonMediaType(undefined)).toBe(false)
  })
})

describe('readJson through a route (POST /v1/keys)', () => {
  it('reads the body for JSON media types only; everything else is 400 before the body is read', async () => {
    const account = await signup()
    const send = (type: string, name: string) =>
      api('/v1/keys', {
        method: 'POST',
        token: account.token,
        headers: type ? { 'content-type': type } : {},
        body: JSON.stringify({ name }),
      })
    for (const [i, type] of ACCEPTED.slice(0, 6).entries()) {
      const res = await send(type, `accepted ${i}`)
      expect(res.status, type).toBe(201)
      expect((await json<CreatedApiKey>(res)).name).toBe(`accepted ${i}`)
    }
    for (const [i, type] of REFUSED.entries()) {
      const res = await send(type, `refused ${i}`)
      const body = await expectError(res, 400, 'invalid_request')
      expect(body.error.message, type).toContain('Content-Type: application/json')
    }
    const keys = await json<{ keys: Array<{ name: string }> }>(
      await api('/v1/keys', { token: account.token }),
    )
    expect(keys.keys.map((k) => k.name).filter((name) => name.startsWith('refused'))).toEqual([])
  })
})

/** A body of `total` bytes made on demand, 64 KB a pull, counting what the Worker pulled. */
function countedStream(total: number): {
  stream: ReadableStream<Uint8Array>
  pulled: () => number
} {
  let sent = 0
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const part = chunk.subarray(0, Math.min(chunk.byteLength, total - sent))
      sent += part.byteLength
      controller.enqueue(part.slice())
    },
  })
  return { stream, pulled: () => sent }
}

describe('oversized bodies', () => {
  const BIG = 14 * 1024 * 1024

  it('are refused by every JSON route while streaming, long before the whole body is read', async () => {
    const account = await signup()
    const routes: Array<[string, string, string | undefined]> = [
      ['POST', '/v1/auth/login', undefined],
      ['POST', '/v1/auth/signup', undefined],
      ['POST', '/v1/keys', account.token],
      ['PATCH', '/v1/account', account.token],
      ['POST', '/v1/billing/checkout', account.token],
      ['POST', '/v1/billing/webhook', undefined],
    ]
    for (const [method, path, token] of routes) {
      const { stream, pulled } = countedStream(BIG)
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (path.endsWith('webhook')) headers['stripe-signature'] = 't=1,v1=00'
      const res = await api(path, { method, body: stream, headers, token, duplex: 'half' } as never)
      await expectError(res, 413, 'payload_too_large')
      // The route's limit is 64 KB (256 KB for the webhook); a few chunks of slack at most.
      expect(pulled(), `${method} ${path}`).toBeLessThan(1024 * 1024)
    }
  })

  it('are refused by their Content-Length before anything is read, on every route', async () => {
    const account = await signup()
    for (const [method, path] of [
      ['POST', '/v1/auth/logout'],
      ['DELETE', '/v1/keys/key_nope'],
      ['POST', '/v1/keys'],
    ] as const) {
      const { stream, pulled } = countedStream(BIG)
      const res = await api(path, {
        method,
        body: stream,
        token: account.token,
        headers: { 'content-type': 'application/json', 'content-length': String(BIG) },
        duplex: 'half',
      } as never)
      await expectError(res, 413, 'payload_too_large')
      expect(pulled(), `${method} ${path}`).toBeLessThanOrEqual(128 * 1024)
    }
  })
})
