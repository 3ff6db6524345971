/**
 * Reuse (never pay twice), free work and key limits on the one charging path: the real Worker,
 * its real local D1, a fake model and a fake image host.
 */
import { env } from 'cloudflare:workers'
import type { AltTextResponse, BatchResponse, User } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { api, expectError, expectLedgerInvariant, json } from '../../test/helpers.js'
import { type Env, readConfig } from '../env.js'
import { REFUND_LIMIT, SPEND_COUNTER } from '../lib/rate-limit.js'
import { REUSE_WINDOW_MS } from '../lib/reuse.js'
import { runRetention } from '../scheduled.js'

const images = env.IMAGE_SERVER_URL

/** Requests per path the image host answered (cumulative over the run: use unique paths). */
async function imageHits(): Promise<Record<string, number>> {
  return (await (await fetch(`${env.FAKE_CONTROL_URL}/images/hits`)).json()) as Record<
    string,
    number
  >
}
const local = { ALLOW_PRIVATE_IMAGE_URLS: 'true' }

async function reuseRows(userId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM reuse WHERE user_id = ?')
    .bind(userId)
    .all<Record<string, unknown>>()
  return results
}

async function generationLedger(userId: string) {
  const { results } = await env.DB.prepare(
    "SELECT delta, reason FROM ledger WHERE user_id = ? AND reason IN ('generation', 'refund')",
  )
    .bind(userId)
    .all<{ delta: number; reason: string }>()
  return results
}

describe('reuse of a description of the same image bytes', () => {
  it('answers the second request for the same bytes with reused: true, 0 credits, no model call', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = (json: Record<string, unknown>) =>
      call('/v1/alt-text', { key, json, vars: varsFor(model, local) })
    const bytes = pngFile(1, 1, 7) // the bytes /png serves
    const first = await json<AltTextResponse>(await send({ image: b64(bytes), context: 'Home' }))
    expect(first).toMatchObject({ creditsUsed: 1, creditsRemaining: 4, reused: false })
    // The same bytes by URL, with other context: reused (context does not split reuse).
    const res = await send({ imageUrl: `${images}/png`, context: 'Another page' })
    expect(res.status, await res.clone().text()).toBe(200)
    const again = await json<AltTextResponse>(res)
    expect(again).toEqual({
      id: expect.stringMatching(/^use_/),
      altText: first.altText,
      language: 'en',
      model: first.model,
      creditsUsed: 0,
      creditsRemaining: 4,
      reused: true,
      decorative: false,
      kind: 'photo',
    })
    expect(again.id).not.toBe(first.id)
    expect((await model.stats()).calls).toBe(1)
    expect(await balanceOf(user.id)).toBe(4)
    expect(await generationLedger(user.id)).toEqual([{ delta: -1, reason: 'generation' }])
    // Both answers are in the usage history; the second cost nothing.
    const usage = await env.DB.prepare(
      'SELECT id, credits_used FROM usage WHERE user_id = ? ORDER BY created_at, rowid',
    )
      .bind(user.id)
      .all<{ id: string; credits_used: number }>()
    expect(usage.results).toEqual([
      { id: first.id, credits_used: 1 },
      { id: again.id, credits_used: 0 },
    ])
    // Stored: a hash, never the image or its URL.
    const rows = await reuseRows(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.reuse_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(rows)).not.toContain(b64(bytes))
    expect(JSON.stringify(rows)).not.toContain('/png')
    await expectLedgerInvariant(user.id)
  })

  it('is split by language, maxLength and model; by context only with matchContext', async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const image = b64(pngFile(1, 1, 1031))
    const send = async (extra: Record<string, unknown>) =>
      json<AltTextResponse>(
        await call('/v1/alt-text', { key, json: { image, ...extra }, vars: varsFor(model) }),
      )
    expect((await send({ context: 'a' })).reused).toBe(false)
    expect((await send({ language: 'de' })).reused).toBe(false)
    // A language tag is case-insensitive: the same language, reused.
    expect((await send({ language: 'DE' })).reused).toBe(true)
    expect((await send({ maxLength: 60 })).reused).toBe(false)
    expect((await send({ model: 'qwen/qwen2.5-vl-32b-instruct' })).reused).toBe(false)
    expect((await send({ context: 'b' })).reused).toBe(true)
    expect((await send({ context: 'b', matchContext: true })).reused).toBe(false)
    expect((await send({ context: 'b', matchContext: true })).reused).toBe(true)
    expect((await send({ language: 'de', maxLength: 60 })).reused).toBe(false)
    expect((await model.stats()).calls).toBe(6)
    expect(await balanceOf(user.id)).toBe(4)
    await expectLedgerInvariant(user.id)
  })

  it('fresh: true describes anew, charges, and the new text is reused from then on', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const image = b64(pngFile(1, 1, 1041))
    const send = (extra: Record<string, unknown> = {}) =>
      call('/v1/alt-text', { key, json: { image, ...extra }, vars: varsFor(model) })
    await model.reply('An old description')
    await send()
    await model.reply('A better description')
    const fresh = await json<AltTextResponse>(await send({ fresh: true }))
    expect(fresh).toMatchObject({ altText: 'A better description', creditsUsed: 1, reused: false })
    const later = await json<AltTextResponse>(await send())
    expect(later).toMatchObject({ altText: 'A better description', creditsUsed: 0, reused: true })
    expect((await model.stats()).calls).toBe(2)
    expect(await balanceOf(user.id)).toBe(3)
    expect(await reuseRows(user.id)).toHaveLength(1)
  })

  it('works at a zero balance (nothing to pay), and a new image then answers 402', async () => {
    const model = await fakeModel()
    const { key, user } = await account(1)
    const send = (seed: number) =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(1, 1, 1000 + seed)) },
        vars: varsFor(model),
      })
    expect((await send(51)).status).toBe(200)
    expect(await balanceOf(user.id)).toBe(0)
    const again = await send(51)
    expect(again.status, await again.clone().text()).toBe(200)
    expect(await json<AltTextResponse>(again)).toMatchObject({ reused: true, creditsUsed: 0 })
    await expectError(await send(52), 402, 'insufficient_credits')
    await expectLedgerInvariant(user.id)
  })

  it('keeps nothing for reuse with history off, and erasure deletes what was kept', async () => {
    const model = await fakeModel()
    const signed = await account(5)
    const send = () =>
      call('/v1/alt-text', {
        key: signed.key,
        json: { image: b64(pngFile(1, 1, 1061)) },
        vars: varsFor(model),
      })
    await send()
    expect(await reuseRows(signed.user.id)).toHaveLength(1)
    // An objection deletes what was kept and keeps nothing new: the same image is charged again.
    const objected = await api('/v1/account', {
      method: 'PATCH',
      json: { storeHistory: false, currentPassword: signed.password },
      token: signed.token,
    })
    expect((await json<User>(objected)).storeHistory).toBe(false)
    expect(await reuseRows(signed.user.id)).toHaveLength(0)
    expect(await json<AltTextResponse>(await send())).toMatchObject({ reused: false })
    expect(await json<AltTextResponse>(await send())).toMatchObject({ reused: false })
    expect(await reuseRows(signed.user.id)).toHaveLength(0)
    expect(await balanceOf(signed.user.id)).toBe(2)

    const other = await account(5)
    await call('/v1/alt-text', {
      key: other.key,
      json: { image: b64(pngFile(1, 1, 1062)) },
      vars: varsFor(model),
    })
    expect(await reuseRows(other.user.id)).toHaveLength(1)
    const erased = await api('/v1/account', {
      method: 'DELETE',
      json: { password: other.password },
      token: other.token,
    })
    expect(erased.status, await erased.clone().text()).toBe(204)
    expect(await reuseRows(other.user.id)).toHaveLength(0)
  })

  it('is per account: another account pays for the same image', async () => {
    const model = await fakeModel()
    const a = await account(2)
    const b = await account(2)
    const image = b64(pngFile(1, 1, 1071))
    for (const who of [a, b]) {
      const res = await call('/v1/alt-text', {
        key: who.key,
        json: { image },
        vars: varsFor(model),
      })
      expect(await json<AltTextResponse>(res)).toMatchObject({ creditsUsed: 1, reused: false })
    }
  })

  it('ends after the window, and the retention job deletes what is older', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = () =>
      call('/v1/alt-text', { key, json: { image: b64(pngFile(1, 1, 1081)) }, vars: varsFor(model) })
    await send()
    await env.DB.prepare('UPDATE reuse SET created_at = ? WHERE user_id = ?')
      .bind(Date.now() - REUSE_WINDOW_MS - 1000, user.id)
      .run()
    expect(await json<AltTextResponse>(await send())).toMatchObject({ reused: false })
    expect(await balanceOf(user.id)).toBe(3)
    await env.DB.prepare('UPDATE reuse SET created_at = ? WHERE user_id = ?')
      .bind(Date.now() - REUSE_WINDOW_MS - 1000, user.id)
      .run()
    await runRetention(env)
    expect(await reuseRows(user.id)).toHaveLength(0)
  })

  it('two concurrent requests for the same new image charge at most twice and leave one row', async () => {
    const model = await fakeModel()
    await model.latency(100)
    const { key, user } = await account(10)
    const image = b64(pngFile(1, 1, 1091))
    const answers = await Promise.all(
      Array.from({ length: 2 }, () =>
        call('/v1/alt-text', { key, json: { image }, vars: varsFor(model) }),
      ),
    )
    for (const res of answers) expect(res.status, await res.clone().text()).toBe(200)
    const charged = (await generationLedger(user.id)).length
    expect(charged).toBeGreaterThanOrEqual(1)
    expect(charged).toBeLessThanOrEqual(2)
    expect(await balanceOf(user.id)).toBe(10 - charged)
    expect(await reuseRows(user.id)).toHaveLength(1)
    // Then the image is reused.
    const third = await call('/v1/alt-text', { key, json: { image }, vars: varsFor(model) })
    expect(await json<AltTextResponse>(third)).toMatchObject({ reused: true, creditsUsed: 0 })
    await expectLedgerInvariant(user.id)
  })

  it('reuses in a batch, for inline and URL items, alongside charged ones', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile(1, 1, 7)) }, // the bytes /png serves
      vars: varsFor(model, local),
    })
    await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile(1, 1, 10101)) },
      vars: varsFor(model),
    })
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [
          { imageUrl: `${images}/png` },
          { image: b64(pngFile(1, 1, 10101)) },
          { image: b64(pngFile(1, 1, 10102)) },
          { image: b64(pngFile(1, 1, 10101)), fresh: true },
        ],
      },
      vars: varsFor(model, local),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await json<BatchResponse>(res)
    expect(body.results.map((r) => ('reused' in r ? [r.reused, r.creditsUsed] : r))).toEqual([
      [true, 0],
      [true, 0],
      [false, 1],
      [false, 1],
    ])
    expect(body.creditsUsed).toBe(2)
    expect(body.creditsRemaining).toBe(1)
    expect((await model.stats()).calls).toBe(4)
    await expectLedgerInvariant(user.id)
  })

  it('reuses one stored description for every item of a batch that asks for it', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const stored = b64(pngFile(1, 1, 10151))
    await call('/v1/alt-text', { key, json: { image: stored }, vars: varsFor(model) })
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [{ image: stored }, { image: b64(pngFile(1, 1, 10152)) }, { image: stored }],
      },
      vars: varsFor(model),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await json<BatchResponse>(res)
    expect(body.results.map((r) => ('reused' in r ? [r.reused, r.creditsUsed] : r))).toEqual([
      [true, 0],
      [false, 1],
      [true, 0],
    ])
    expect(body.creditsRemaining).toBe(3)
    expect((await model.stats()).calls).toBe(2)
    expect(await balanceOf(user.id)).toBe(3)
    await expectLedgerInvariant(user.id)
  })

  it('keeps what a batch charged for reuse: the same bytes asked alone later cost nothing', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const inline = b64(pngFile(1, 1, 10201))
    const batch = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image: inline }, { imageUrl: `${images}/png` }] },
      vars: varsFor(model, local),
    })
    expect(batch.status, await batch.clone().text()).toBe(200)
    expect((await json<BatchResponse>(batch)).creditsUsed).toBe(2)
    expect(await reuseRows(user.id)).toHaveLength(2)
    for (const body of [{ image: inline }, { image: b64(pngFile(1, 1, 7)) }]) {
      const res = await call('/v1/alt-text', { key, json: body, vars: varsFor(model, local) })
      expect(await res.json()).toMatchObject({ reused: true, creditsUsed: 0 })
    }
    expect((await model.stats()).calls).toBe(2)
    expect(await balanceOf(user.id)).toBe(3)
  })
})

describe('free work is refused before the balance check and costs rate budget', () => {
  it('a batch of bad URLs at a zero balance answers their errors, not 402', async () => {
    const model = await fakeModel()
    const { key } = await account(0)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [{ imageUrl: 'ftp://example.com/a.png' }, { imageUrl: 'http://10.0.0.8/a.png' }],
      },
      vars: varsFor(model),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await json<BatchResponse>(res)
    expect(body.results).toEqual([
      { error: { code: 'invalid_request', message: expect.stringContaining('http') } },
      { error: { code: 'image_fetch_failed', message: expect.stringContaining('public') } },
    ])
  })

  it('a bad item keeps its own error at a zero balance; the good one answers 402 in its slot', async () => {
    const model = await fakeModel()
    const { key } = await account(0)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [
          { image: b64(new TextEncoder().encode('not an image')) },
          { image: b64(pngFile(1, 1, 1150)) },
        ],
      },
      vars: varsFor(model),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await json<BatchResponse>(res)
    expect(body.results[0]).toMatchObject({ error: { code: 'unsupported_media_type' } })
    expect(body.results[1]).toMatchObject({ error: { code: 'insufficient_credits' } })
  })

  it('a bad item is refused before the charge: the credit goes to the good one', async () => {
    const model = await fakeModel()
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [
          { image: b64(new TextEncoder().encode('not an image')) },
          { image: b64(pngFile(1, 1, 10111)) },
        ],
      },
      vars: varsFor(model),
    })
    const body = await json<BatchResponse>(res)
    expect(body.results[0]).toMatchObject({ error: { code: 'unsupported_media_type' } })
    expect(body.results[1]).toMatchObject({ creditsUsed: 1 })
    expect(await generationLedger(user.id)).toEqual([{ delta: -1, reason: 'generation' }])
  })

  it('every image URL fetched counts against the key limit, failed ones too', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const vars = varsFor(model, { ...local, RATE_LIMIT_PER_MINUTE: '6' })
    const failing = Array.from({ length: 5 }, (_, i) => ({ imageUrl: `${images}/status/404?${i}` }))
    const batch = await call('/v1/alt-text/batch', { key, json: { images: failing }, vars })
    expect(batch.status, await batch.clone().text()).toBe(200)
    // 1 request + 5 fetches = 6 units: the limit is spent, nothing was charged.
    const next = await call('/v1/alt-text', { key, json: { imageUrl: `${images}/png` }, vars })
    const error = await expectError(next, 429, 'rate_limited')
    expect(error.error.message).toMatch(/image URL/)
    expect(next.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await balanceOf(user.id)).toBe(5)
  })

  it('a single failed fetch counts, and a key over its limit fetches nothing', async () => {
    const model = await fakeModel()
    const { key } = await account(5)
    const vars = varsFor(model, { ...local, RATE_LIMIT_PER_MINUTE: '1' })
    await expectError(
      await call('/v1/alt-text', { key, json: { imageUrl: `${images}/status/404` }, vars }),
      422,
      'image_fetch_failed',
    )
    const over = `/over-limit-${crypto.randomUUID()}`
    await expectError(
      await call('/v1/alt-text', { key, json: { imageUrl: `${images}${over}` }, vars }),
      429,
      'rate_limited',
    )
    expect((await imageHits())[over]).toBeUndefined()
  })

  it('a success that spends the last unit makes the next request by URL count first: no fetch', async () => {
    const model = await fakeModel()
    const { key } = await account(5)
    const vars = varsFor(model, { ...local, RATE_LIMIT_PER_MINUTE: '2' })
    for (const n of [1, 2]) {
      const res = await call('/v1/alt-text', {
        key,
        json: { imageUrl: `${images}/png`, context: `p${n}` },
        vars,
      })
      expect(res.status, await res.clone().text()).toBe(200)
    }
    const path = `/after-the-last-unit-${crypto.randomUUID()}`
    await expectError(
      await call('/v1/alt-text', { key, json: { imageUrl: `${images}${path}` }, vars }),
      429,
      'rate_limited',
    )
    expect((await imageHits())[path]).toBeUndefined()
  })

  it('a key limited in another isolate costs one fetch here (counted), then none', async () => {
    // This isolate last saw the key well within its limit (it fetches first, the charge counts),
    // then another isolate spent the rest of the window.
    const model = await fakeModel()
    const { key, apiKey } = await account(5)
    const vars = varsFor(model, { ...local, RATE_LIMIT_PER_MINUTE: '3' })
    expect(
      (await call('/v1/alt-text', { key, json: { imageUrl: `${images}/png` }, vars })).status,
    ).toBe(200)
    await env.DB.prepare('UPDATE rate_limits SET count = 3 WHERE key = ?')
      .bind(`gen:${apiKey.id}`)
      .run()
    const paths = [1, 2, 3].map((n) => `/limited-elsewhere-${n}-${crypto.randomUUID()}`)
    for (const path of paths) {
      await expectError(
        await call('/v1/alt-text', { key, json: { imageUrl: `${images}${path}` }, vars }),
        429,
        'rate_limited',
      )
    }
    const hits = await imageHits()
    expect(paths.map((path) => hits[path] ?? 0)).toEqual([1, 0, 0])
  })

  it('parallel requests by URL fetch before their count only while the key has room', async () => {
    const model = await fakeModel()
    const { key } = await account(5)
    const vars = varsFor(model, { ...local, RATE_LIMIT_PER_MINUTE: '2' })
    // The isolate now knows the key's count: 1 of 2.
    expect(
      (await call('/v1/alt-text', { key, json: { imageUrl: `${images}/png` }, vars })).status,
    ).toBe(200)
    const paths = [1, 2, 3, 4, 5, 6].map((n) => `/parallel-${n}-${crypto.randomUUID()}`)
    const answers = await Promise.all(
      paths.map((path) =>
        call('/v1/alt-text', { key, json: { imageUrl: `${images}${path}` }, vars }),
      ),
    )
    expect(answers.map((res) => res.status).sort()).toEqual([422, 429, 429, 429, 429, 429].sort())
    // One unit was left: one fetch before its count, at most one more admitted by a count that
    // ran first — never one per request.
    const hits = await imageHits()
    const fetched = paths.reduce((sum, path) => sum + (hits[path] ?? 0), 0)
    expect(fetched).toBeGreaterThanOrEqual(1)
    expect(fetched).toBeLessThanOrEqual(2)
  })
})

describe('the default rate limit leaves a cold build alone', () => {
  it('admits a cold 1,000-image build by URL in one minute (1,000 fetches + 100 batches of 10)', () => {
    // core sends batches of 10, 4 at a time; the API describes 4 items of each at once. The
    // worst case of a cold build is every image by URL within one minute window.
    const units = 1000 + 1000 / 10
    expect(readConfig({} as Env).rateLimitPerMinute).toBeGreaterThanOrEqual(units)
  })
})

describe('key limits on the charge', () => {
  it('a stored image refused by the rate limit leaves no claim: the retry with its key is answered', async () => {
    const model = await fakeModel()
    const { key } = await account(5)
    const stored = { image: b64(pngFile(1, 1, 10190)) }
    await call('/v1/alt-text', { key, json: stored, vars: varsFor(model) })
    // This request is the key's second in its minute: over a limit of 1.
    const headers = { 'idempotency-key': crypto.randomUUID() }
    const limited = varsFor(model, { RATE_LIMIT_PER_MINUTE: '1' })
    await expectError(
      await call('/v1/alt-text', { key, json: stored, vars: limited, headers }),
      429,
      'rate_limited',
    )
    // Retried with the same key once the limit allows it: reused, not "still in progress".
    const retry = await call('/v1/alt-text', { key, json: stored, vars: varsFor(model), headers })
    expect(retry.status, await retry.clone().text()).toBe(200)
    expect(await json<AltTextResponse>(retry)).toMatchObject({ reused: true, creditsUsed: 0 })

    // A batch the same way: its items' claims go with the refused run.
    const batchHeaders = { 'idempotency-key': crypto.randomUUID() }
    const images = { images: [stored, { image: b64(pngFile(1, 1, 10191)) }] }
    await expectError(
      await call('/v1/alt-text/batch', { key, json: images, vars: limited, headers: batchHeaders }),
      429,
      'rate_limited',
    )
    const batch = await call('/v1/alt-text/batch', {
      key,
      json: images,
      vars: varsFor(model),
      headers: batchHeaders,
    })
    expect(batch.status, await batch.clone().text()).toBe(200)
    const results = (await json<BatchResponse>(batch)).results
    expect(results.map((r) => ('reused' in r ? r.reused : r))).toEqual([true, false])
  })

  it('caps refunds of unusable output per key per hour: then 429, no model call, no charge', async () => {
    const model = await fakeModel()
    const { key, user, apiKey } = await account(5)
    // The key already had one refund short of the cap this hour.
    await env.DB.prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)')
      .bind(`${REFUND_LIMIT.prefix}${apiKey.id}`, Date.now() - 60_000, REFUND_LIMIT.perWindow - 1)
      .run()
    // Every model answers, but nothing usable is left after clean-up.
    await model.reply('<p> *** </p>')
    const send = (seed: number) =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(1, 1, 1000 + seed)) },
        vars: varsFor(model),
      })
    await expectError(await send(121), 502, 'model_error')
    const calls = (await model.stats()).calls
    const capped = await send(122)
    const error = await expectError(capped, 429, 'rate_limited')
    expect(error.error.message).toContain(`${REFUND_LIMIT.perWindow} descriptions refunded`)
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(3000)
    expect((await model.stats()).calls).toBe(calls)
    expect(await balanceOf(user.id)).toBe(5)
    await expectLedgerInvariant(user.id)
  })

  it("enforces a key's daily credit cap atomically: 403 forbidden naming the cap", async () => {
    const model = await fakeModel()
    const { key, user, apiKey } = await account(10)
    await env.DB.prepare('UPDATE api_keys SET daily_credit_cap = 2 WHERE id = ?')
      .bind(apiKey.id)
      .run()
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call('/v1/alt-text', {
          key,
          json: { image: b64(pngFile(1, 1, 1130 + i)) },
          vars: varsFor(model),
        }),
      ),
    )
    const statuses = answers.map((res) => res.status).sort()
    expect(statuses).toEqual([200, 200, 403, 403, 403])
    const refused = answers.find((res) => res.status === 403) as Response
    const error = await expectError(refused, 403, 'forbidden')
    expect(error.error.message).toContain('daily credit cap of 2 credits')
    // What to do: a key's cap cannot be raised, so the message does not say to raise it.
    expect(error.error.message).toContain('create a new key in the dashboard and revoke this one')
    expect(await balanceOf(user.id)).toBe(8)
    // A reused image costs nothing, so the cap does not stop it.
    const servedSeed = 1130 + answers.findIndex((res) => res.status === 200)
    const reused = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile(1, 1, servedSeed)) },
      vars: varsFor(model),
    })
    expect(await json<AltTextResponse>(reused)).toMatchObject({ reused: true, creditsUsed: 0 })
    // A batch past the cap: its items answer 403 in their slots.
    const batch = await call('/v1/alt-text/batch', {
      key,
      json: {
        images: [{ image: b64(pngFile(1, 1, 10140)) }, { image: b64(pngFile(1, 1, 10141)) }],
      },
      vars: varsFor(model),
    })
    await expectError(batch, 403, 'forbidden')
    await expectLedgerInvariant(user.id)
  })

  it("charges a batch's items in order within the balance and the key's cap; a reused item takes no share", async () => {
    const model = await fakeModel()
    const items = (...seeds: number[]) => ({
      images: seeds.map((seed) => ({ image: b64(pngFile(1, 1, seed)) })),
    })
    const outcomes = (body: BatchResponse) =>
      body.results.map((r) => ('error' in r ? r.error.code : r.reused ? 'reused' : 'charged'))
    // One image described (and stored) alone, then a batch: what each item got, and the answer.
    const storeThenBatch = async (key: string, stored: number, seeds: number[]) => {
      await call('/v1/alt-text', { key, json: items(stored).images[0], vars: varsFor(model) })
      const res = await call('/v1/alt-text/batch', {
        key,
        json: items(...seeds),
        vars: varsFor(model),
      })
      const body = await json<BatchResponse>(res)
      return { outcomes: outcomes(body), body }
    }
    // The balance: 3, one spent on the stored image; the two new items after it are both paid.
    const byBalance = await account(3)
    const paid = await storeThenBatch(byBalance.key, 10160, [10160, 10161, 10162, 10163])
    expect(paid.outcomes).toEqual(['reused', 'charged', 'charged', 'insufficient_credits'])
    expect(paid.body).toMatchObject({ creditsUsed: 2, creditsRemaining: 0 })
    expect(await expectLedgerInvariant(byBalance.user.id)).toBe(0)

    // The cap: 3 a day, 1 spent on the stored image; of the new items, two fit.
    const byCap = await account(10)
    await env.DB.prepare('UPDATE api_keys SET daily_credit_cap = 3 WHERE id = ?')
      .bind(byCap.apiKey.id)
      .run()
    const capped = await storeThenBatch(byCap.key, 10170, [10171, 10170, 10172, 10173])
    expect(capped.outcomes).toEqual(['charged', 'reused', 'charged', 'forbidden'])
    expect(capped.body).toMatchObject({ creditsUsed: 2, creditsRemaining: 7 })
    const spent = await env.DB.prepare('SELECT count FROM rate_limits WHERE key = ?')
      .bind(`${SPEND_COUNTER.prefix}${byCap.apiKey.id}`)
      .first<{ count: number }>()
    expect(spent?.count).toBe(3)
    expect(await expectLedgerInvariant(byCap.user.id)).toBe(7)
    expect(await model.requests()).toHaveLength(6)
  })
})
