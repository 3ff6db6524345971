// The one charging path of POST /v1/alt-text (lib/generate.ts + the charge in lib/credits.ts): one
// batch checks the key, counts the request, claims the Idempotency-Key and charges — nothing paid
// without a valid key, within the limit, with the balance to pay; every success charged once with
// one usage row and a settled claim; every failure charged nothing. Requests are sent as clients
// send them (with an Idempotency-Key) unless a test says otherwise.
import { env } from 'cloudflare:workers'
import type { AltTextResponse } from '@alttextapi/core'
import { describe, expect, it, vi } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import {
  account,
  b64,
  balanceOf,
  type CallInit,
  call,
  fakeModel,
  varsFor,
} from '../../test/generation.js'
import { api, expectError, expectLedgerInvariant } from '../../test/helpers.js'

// A new image each time: the same bytes again would be reused (free), not charged.
let seed = 3000
const image = () => b64(pngFile(1, 1, seed++))

async function counts(userId: string) {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM usage WHERE user_id = ?1) AS usage,
            (SELECT count(*) FROM ledger WHERE user_id = ?1 AND reason = 'generation') AS charges,
            (SELECT count(*) FROM ledger WHERE user_id = ?1 AND reason = 'refund') AS refunds`,
  )
    .bind(userId)
    .first<{ usage: number; charges: number; refunds: number }>()
  return row
}

/** POST /v1/alt-text as the clients send it: a fresh Idempotency-Key per logical call. */
function generate(path: string, init: CallInit & { idempotencyKey?: string | null }) {
  const { idempotencyKey, ...rest } = init
  const key = idempotencyKey === undefined ? crypto.randomUUID() : idempotencyKey
  return call(path, {
    ...rest,
    headers: { ...rest.headers, ...(key === null ? {} : { 'idempotency-key': key }) },
  })
}

/** The claims of an account by state. */
async function claims(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT status, count(*) AS n FROM idempotency_keys WHERE user_id = ? GROUP BY status',
  )
    .bind(userId)
    .all<{ status: string; n: number }>()
  return Object.fromEntries(results.map((row) => [row.status, row.n]))
}

describe('POST /v1/alt-text: the one charging path', () => {
  it('charges once and records one usage row per image, the first request and the ones after', async () => {
    const model = await fakeModel()
    const { key, user, apiKey } = await account(5)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await generate('/v1/alt-text', {
        key,
        json: { image: image() },
        vars: varsFor(model),
      })
      expect(res.status, await res.clone().text()).toBe(200)
      const body = await res.json<AltTextResponse>()
      expect(body.creditsRemaining).toBe(4 - i)
      ids.push(body.id)
    }
    expect(await balanceOf(user.id)).toBe(2)
    expect(await counts(user.id)).toEqual({ usage: 3, charges: 3, refunds: 0 })
    const { results } = await env.DB.prepare(
      'SELECT id, alt_text, api_key_id FROM usage WHERE user_id = ? ORDER BY created_at',
    )
      .bind(user.id)
      .all<{ id: string; alt_text: string; api_key_id: string }>()
    expect(results.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(results.every((r) => r.api_key_id === apiKey.id)).toBe(true)
    expect(results.every((r) => r.alt_text.startsWith('A red bicycle'))).toBe(true)
    // Each ledger row references its usage row.
    const refs = await env.DB.prepare(
      "SELECT reference FROM ledger WHERE user_id = ? AND reason = 'generation'",
    )
      .bind(user.id)
      .all<{ reference: string }>()
    expect(refs.results.map((r) => r.reference).sort()).toEqual([...ids].sort())
    expect((await model.stats()).calls).toBe(3)
    await expectLedgerInvariant(user.id)
  })

  it('refuses a key revoked after it was used: 401, nothing charged, and the next one is not described', async () => {
    const model = await fakeModel()
    const signed = await account(5)
    const ok = await generate('/v1/alt-text', {
      key: signed.key,
      json: { image: image() },
      vars: varsFor(model),
    })
    expect(ok.status).toBe(200)
    const revoked = await api(`/v1/keys/${signed.apiKey.id}`, {
      method: 'DELETE',
      token: signed.token,
    })
    expect(revoked.status).toBeLessThan(300)
    for (let i = 0; i < 2; i++) {
      const res = await generate('/v1/alt-text', {
        key: signed.key,
        json: { image: image() },
        vars: varsFor(model),
      })
      await expectError(res, 401, 'unauthorized')
    }
    expect(await balanceOf(signed.user.id)).toBe(4)
    expect(await counts(signed.user.id)).toEqual({ usage: 1, charges: 1, refunds: 0 })
    // Refused before the model was asked.
    expect((await model.stats()).calls).toBe(1)
    await expectLedgerInvariant(signed.user.id)
  })

  it('answers 402 when the balance was spent elsewhere meanwhile, charging nothing', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const first = await generate('/v1/alt-text', {
      key,
      json: { image: image() },
      vars: varsFor(model),
    })
    expect((await first.json<AltTextResponse>()).creditsRemaining).toBe(2)
    // Spent through another route, which this isolate's hint does not see.
    const batch = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image: image() }, { image: image() }] },
      vars: varsFor(model),
    })
    expect(batch.status, await batch.clone().text()).toBe(200)
    expect(await balanceOf(user.id)).toBe(0)
    const res = await generate('/v1/alt-text', {
      key,
      json: { image: image() },
      vars: varsFor(model),
    })
    await expectError(res, 402, 'insufficient_credits')
    expect((await model.stats()).calls).toBe(3)
    expect(await balanceOf(user.id)).toBe(0)
    expect(await counts(user.id)).toEqual({ usage: 3, charges: 3, refunds: 0 })
    // Refused again, now checked before the model is asked.
    const calls = (await model.stats()).calls
    await expectError(
      await generate('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) }),
      402,
      'insufficient_credits',
    )
    expect((await model.stats()).calls).toBe(calls)
    await expectLedgerInvariant(user.id)
  })

  it('holds the rate limit: the request past it is refused and charged nothing', async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const vars = varsFor(model, { RATE_LIMIT_PER_MINUTE: '2' })
    for (let i = 0; i < 2; i++) {
      const res = await generate('/v1/alt-text', { key, json: { image: image() }, vars })
      expect(res.status).toBe(200)
    }
    for (let i = 0; i < 2; i++) {
      const res = await generate('/v1/alt-text', { key, json: { image: image() }, vars })
      const body = await expectError(res, 429, 'rate_limited')
      expect(body.error.message).toMatch(/limit of 2 generation units/)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(await balanceOf(user.id)).toBe(8)
    expect(await counts(user.id)).toEqual({ usage: 2, charges: 2, refunds: 0 })
    // Neither refusal asked the model.
    expect((await model.stats()).calls).toBe(2)
    await expectLedgerInvariant(user.id)
  })

  it('refunds a model failure and counts the request against the limit', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model, { RATE_LIMIT_PER_MINUTE: '2' })
    expect((await generate('/v1/alt-text', { key, json: { image: image() }, vars })).status).toBe(
      200,
    )
    await model.failNext(10, { status: 500 })
    const failed = await generate('/v1/alt-text', { key, json: { image: image() }, vars })
    await expectError(failed, 502, 'model_error')
    expect(await balanceOf(user.id)).toBe(4)
    expect(await counts(user.id)).toEqual({ usage: 1, charges: 2, refunds: 1 })
    // The failed request counted: the limit of 2 is reached, and the refusal asks no model.
    const calls = (await model.stats()).calls
    await expectError(
      await generate('/v1/alt-text', { key, json: { image: image() }, vars }),
      429,
      'rate_limited',
    )
    expect((await model.stats()).calls).toBe(calls)
    await expectLedgerInvariant(user.id)
  })

  it('refunds when the model fails on the first request of a key', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    await model.failNext(10, { status: 500 })
    await expectError(
      await generate('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) }),
      502,
      'model_error',
    )
    expect(await balanceOf(user.id)).toBe(5)
    expect(await counts(user.id)).toEqual({ usage: 0, charges: 1, refunds: 1 })
    await expectLedgerInvariant(user.id)
  })

  it('answers a bad key before a bad body, and a good key with a bad body with 400 (counted)', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model, { RATE_LIMIT_PER_MINUTE: '1' })
    await expectError(
      await generate('/v1/alt-text', { key: 'atk_invalid', json: { image: '%%%' }, vars }),
      401,
      'unauthorized',
    )
    await expectError(
      await generate('/v1/alt-text', { key, json: { image: '%%%' }, vars }),
      400,
      'invalid_request',
    )
    // That bad request used the one request of the minute.
    await expectError(
      await generate('/v1/alt-text', { key, json: { image: '%%%' }, vars }),
      429,
      'rate_limited',
    )
    expect(await balanceOf(user.id)).toBe(5)
    expect((await model.stats()).calls).toBe(0)
  })

  it('logs one metadata line per model call at LOG_LEVEL=info, none at warn', async () => {
    const model = await fakeModel()
    const { key } = await account(5)
    const lines = vi.spyOn(console, 'log')
    try {
      await generate('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) })
      const logged = lines.mock.calls.map((args) => String(args[0]))
      const entry = JSON.parse(logged.find((line) => line.includes('"area":"model"')) ?? '{}')
      expect(entry).toMatchObject({ level: 'info', model: 'google/gemini-2.5-flash-lite' })
      expect(entry.promptTokens).toBeGreaterThan(0)
      // Metadata only: neither the key nor the alt text.
      expect(logged.join('\n')).not.toContain(key)
      expect(logged.join('\n')).not.toContain('red bicycle')
      lines.mockClear()
      const quiet = varsFor(model, { LOG_LEVEL: 'warn' })
      const res = await generate('/v1/alt-text', { key, json: { image: image() }, vars: quiet })
      expect(res.status).toBe(200)
      expect(lines.mock.calls.some((args) => String(args[0]).includes('"area":"model"'))).toBe(
        false,
      )
    } finally {
      lines.mockRestore()
    }
  })

  it('serves exactly as many of 24 parallel requests as the balance pays, inline and by URL', async () => {
    const model = await fakeModel()
    const { key, user } = await account(7)
    const vars = varsFor(model, { ALLOW_PRIVATE_IMAGE_URLS: 'true' })
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        generate('/v1/alt-text', {
          key,
          json: i % 2 ? { image: image() } : { imageUrl: `${env.IMAGE_SERVER_URL}/png` },
          vars,
        }),
      ),
    )
    const statuses = answers.map((res) => res.status).sort()
    expect(statuses.filter((status) => status === 200)).toHaveLength(7)
    expect(statuses.filter((status) => status === 402)).toHaveLength(17)
    expect(await balanceOf(user.id)).toBe(0)
    expect(await counts(user.id)).toEqual({ usage: 7, charges: 7, refunds: 0 })
    // Only paid requests reached the model; every paid claim is settled, no refused one is left.
    expect((await model.stats()).calls).toBe(7)
    expect(await claims(user.id)).toEqual({ done: 7 })
    await expectLedgerInvariant(user.id)
  })

  it('replays a completed request with its key: the same answer, no model call, no charge', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const idempotencyKey = crypto.randomUUID()
    const picture = image()
    const send = () =>
      generate('/v1/alt-text', {
        key,
        json: { image: picture },
        vars: varsFor(model),
        idempotencyKey,
      })
    const first = await send()
    expect(first.status).toBe(200)
    const again = await send()
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const [a, b] = [await first.json<AltTextResponse>(), await again.json<AltTextResponse>()]
    expect(b).toEqual({ ...a, creditsRemaining: 2 })
    expect((await model.stats()).calls).toBe(1)
    expect(await counts(user.id)).toEqual({ usage: 1, charges: 1, refunds: 0 })
    await expectLedgerInvariant(user.id)
  })

  it('takes the same path without an Idempotency-Key: a claim of its own, never a replay', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    for (let i = 0; i < 2; i++) {
      const res = await generate('/v1/alt-text', {
        key,
        json: { image: image() },
        vars: varsFor(model),
        idempotencyKey: null,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('idempotent-replayed')).toBeNull()
    }
    expect((await model.stats()).calls).toBe(2)
    expect(await counts(user.id)).toEqual({ usage: 2, charges: 2, refunds: 0 })
    expect(await claims(user.id)).toEqual({ done: 2 })
    await expectLedgerInvariant(user.id)
  })

  it('a failing image URL is fetched before any charge: nothing charged, the key free for its retry', async () => {
    const model = await fakeModel()
    const { key, user } = await account(2)
    const idempotencyKey = crypto.randomUUID()
    const vars = varsFor(model, { ALLOW_PRIVATE_IMAGE_URLS: 'true' })
    const failed = await generate('/v1/alt-text', {
      key,
      json: { imageUrl: `${env.IMAGE_SERVER_URL}/status/500` },
      vars,
      idempotencyKey,
    })
    await expectError(failed, 422, 'image_fetch_failed')
    expect(await balanceOf(user.id)).toBe(2)
    expect(await counts(user.id)).toEqual({ usage: 0, charges: 0, refunds: 0 })
    expect(await claims(user.id)).toEqual({})
    expect((await model.stats()).calls).toBe(0)
    // The same key with the same request runs again (the failed attempt left nothing to replay).
    const retried = await generate('/v1/alt-text', {
      key,
      json: { imageUrl: `${env.IMAGE_SERVER_URL}/status/500` },
      vars,
      idempotencyKey,
    })
    await expectError(retried, 422, 'image_fetch_failed')
    expect(await counts(user.id)).toEqual({ usage: 0, charges: 0, refunds: 0 })
    await expectLedgerInvariant(user.id)
  })

  it('answers 401 for a revoked key before anything else, charging nothing', async () => {
    const model = await fakeModel()
    const signed = await account(2)
    await api(`/v1/keys/${signed.apiKey.id}`, { method: 'DELETE', token: signed.token })
    await expectError(
      await generate('/v1/alt-text', {
        key: signed.key,
        json: { image: '%%%' },
        vars: varsFor(model),
      }),
      401,
      'unauthorized',
    )
    expect(await counts(signed.user.id)).toEqual({ usage: 0, charges: 0, refunds: 0 })
    expect(await claims(signed.user.id)).toEqual({})
  })
})
