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
