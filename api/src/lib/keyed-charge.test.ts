// The single-image hot path (inline image, no Idempotency-Key): one batch checks the key, counts
// the request and charges it — nothing paid without a valid key, within the limit, with the
// balance to pay; every success charged once with one usage row; every failure charged nothing —
// and usage rows are written after the answer, carried by the next charge or flushed soon after.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { AltTextResponse } from '@alttextapi/core'
import { describe, expect, it, vi } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { api, expectError, expectLedgerInvariant } from '../../test/helpers.js'
import { app } from '../app.js'
import type { Env } from '../env.js'

const image = () => b64(pngFile(2, 2, 9))

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

/**
 * Like `call`, but leaves the answer's background work (the usage flush) running: returns the
 * execution context to wait on, and the answer's id.
 */
async function generate(key: string, vars: Record<string, string>) {
  const ctx = createExecutionContext()
  const res = await app.fetch(
    new Request('http://api.test/v1/alt-text', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ image: image() }),
    }),
    { ...env, ...vars } as Env,
    ctx,
  )
  expect(res.status).toBe(200)
  return { ctx, id: (await res.json<AltTextResponse>()).id }
}

/** Whether usage row `id` is in D1 yet. */
const stored = async (id: string) =>
  (await env.DB.prepare('SELECT 1 FROM usage WHERE id = ?').bind(id).first()) !== null

describe('POST /v1/alt-text hot path', () => {
  it('charges once and records one usage row per image, the first request and the ones after', async () => {
    const model = await fakeModel()
    const { key, user, apiKey } = await account(5)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await call('/v1/alt-text', {
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
    const ok = await call('/v1/alt-text', {
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
      const res = await call('/v1/alt-text', {
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
    const first = await call('/v1/alt-text', {
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
    const res = await call('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) })
    await expectError(res, 402, 'insufficient_credits')
    expect((await model.stats()).calls).toBe(3)
    expect(await balanceOf(user.id)).toBe(0)
    expect(await counts(user.id)).toEqual({ usage: 3, charges: 3, refunds: 0 })
    // Refused again, now checked before the model is asked.
    const calls = (await model.stats()).calls
    await expectError(
      await call('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) }),
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
      const res = await call('/v1/alt-text', { key, json: { image: image() }, vars })
      expect(res.status).toBe(200)
    }
    for (let i = 0; i < 2; i++) {
      const res = await call('/v1/alt-text', { key, json: { image: image() }, vars })
      const body = await expectError(res, 429, 'rate_limited')
      expect(body.error.message).toMatch(/more than 2 generation requests/)
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
    expect((await call('/v1/alt-text', { key, json: { image: image() }, vars })).status).toBe(200)
    await model.failNext(10, { status: 500 })
    const failed = await call('/v1/alt-text', { key, json: { image: image() }, vars })
    await expectError(failed, 502, 'model_error')
    expect(await balanceOf(user.id)).toBe(4)
    expect(await counts(user.id)).toEqual({ usage: 1, charges: 2, refunds: 1 })
    // The failed request counted: the limit of 2 is reached, and the refusal asks no model.
    const calls = (await model.stats()).calls
    await expectError(
      await call('/v1/alt-text', { key, json: { image: image() }, vars }),
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
      await call('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) }),
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
      await call('/v1/alt-text', { key: 'atk_invalid', json: { image: '%%%' }, vars }),
      401,
      'unauthorized',
    )
    await expectError(
      await call('/v1/alt-text', { key, json: { image: '%%%' }, vars }),
      400,
      'invalid_request',
    )
    // That bad request used the one request of the minute.
    await expectError(
      await call('/v1/alt-text', { key, json: { image: '%%%' }, vars }),
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
      await call('/v1/alt-text', { key, json: { image: image() }, vars: varsFor(model) })
      const logged = lines.mock.calls.map((args) => String(args[0]))
      const entry = JSON.parse(logged.find((line) => line.includes('"area":"model"')) ?? '{}')
      expect(entry).toMatchObject({ level: 'info', model: 'google/gemini-2.5-flash-lite' })
      expect(entry.promptTokens).toBeGreaterThan(0)
      // Metadata only: neither the key nor the alt text.
      expect(logged.join('\n')).not.toContain(key)
      expect(logged.join('\n')).not.toContain('red bicycle')
      lines.mockClear()
      const quiet = varsFor(model, { LOG_LEVEL: 'warn' })
      const res = await call('/v1/alt-text', { key, json: { image: image() }, vars: quiet })
      expect(res.status).toBe(200)
      expect(lines.mock.calls.some((args) => String(args[0]).includes('"area":"model"'))).toBe(
        false,
      )
    } finally {
      lines.mockRestore()
    }
  })

  it('writes a usage row with the next charge, or when usage is read, or after USAGE_FLUSH_MS', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model, { USAGE_FLUSH_MS: '1500' })
    const contexts: ExecutionContext[] = []
    const next = async () => {
      const { ctx, id } = await generate(key, vars)
      contexts.push(ctx)
      return id
    }
    const first = await next()
    expect(await stored(first)).toBe(false) // charged, answered, its row waiting
    const second = await next()
    expect(await stored(first)).toBe(true) // carried by the second request's charge
    expect(await stored(second)).toBe(false)
    // Reading usage writes what waits first.
    const listed = await call('/v1/usage', { key, vars })
    const records = (await listed.json<{ records: Array<{ id: string; altText: string }> }>())
      .records
    expect(records.map((r) => r.id).sort()).toEqual([first, second].sort())
    expect(records.every((r) => r.altText.startsWith('A red bicycle'))).toBe(true)
    // And nothing waits beyond USAGE_FLUSH_MS: a third row is written by its own request.
    const third = await next()
    for (const ctx of contexts) await waitOnExecutionContext(ctx)
    expect(await stored(third)).toBe(true)
    expect(await counts(user.id)).toEqual({ usage: 3, charges: 3, refunds: 0 })
    await expectLedgerInvariant(user.id)
  })

  it("leaves a newer row to the next charge: an earlier answer's flush writes only its own and older rows", async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model, { USAGE_FLUSH_MS: '300' })
    const first = await generate(key, vars)
    // A gap well inside USAGE_FLUSH_MS, so the second row's timer comes due clearly later.
    await new Promise((resolve) => setTimeout(resolve, 80))
    const second = await generate(key, vars) // carries the first row; its own waits
    expect(await stored(first.id)).toBe(true)
    // The first answer's flush comes due while the second row waits: it writes nothing, so under
    // steady traffic the rows ride on charges and these timers cost no D1 round trip.
    await waitOnExecutionContext(first.ctx)
    expect(await stored(second.id)).toBe(false)
    await waitOnExecutionContext(second.ctx)
    expect(await stored(second.id)).toBe(true)
    expect(await counts(user.id)).toEqual({ usage: 2, charges: 2, refunds: 0 })
  })
})
