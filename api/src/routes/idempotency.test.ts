import { env } from 'cloudflare:workers'
import type { AltTextResponse, BatchResponse, User } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { api, expectError, expectLedgerInvariant, json } from '../../test/helpers.js'

const images = env.IMAGE_SERVER_URL
const local = { ALLOW_PRIVATE_IMAGE_URLS: 'true' }

async function ledgerOf(userId: string) {
  const { results } = await env.DB.prepare(
    "SELECT delta, reason, reference FROM ledger WHERE user_id = ? AND reason IN ('generation', 'refund') ORDER BY created_at, rowid",
  )
    .bind(userId)
    .all<{ delta: number; reason: string; reference: string }>()
  return results
}

async function claimsOf(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT * FROM idempotency_keys WHERE user_id = ? ORDER BY created_at',
  )
    .bind(userId)
    .all<Record<string, unknown>>()
  return results
}

/**
 * As if the Worker had been stopped right after charging: no usage rows, nothing kept for reuse,
 * every claim of the account still pending and past its lease.
 */
async function stopAfterCharging(userId: string) {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM usage WHERE user_id = ?').bind(userId),
    env.DB.prepare('DELETE FROM reuse WHERE user_id = ?').bind(userId),
    env.DB.prepare(
      "UPDATE idempotency_keys SET status = 'pending', updated_at = ? WHERE user_id = ?",
    ).bind(Date.now() - 10 * 60_000, userId),
  ])
}

describe('Idempotency-Key on POST /v1/alt-text', () => {
  it('same key twice: one charge, one model call, the same answer replayed', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = () =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(2, 2, 9)), language: 'en' },
        headers: { 'idempotency-key': 'order-42-hero' },
        vars: varsFor(model),
      })
    const first = await send()
    expect(first.status, await first.clone().text()).toBe(200)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const answer = await json<AltTextResponse>(first)
    const again = await send()
    expect(again.status, await again.clone().text()).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await json<AltTextResponse>(again)).toEqual(answer)
    expect((await model.stats()).calls).toBe(1)
    expect(await balanceOf(user.id)).toBe(4)
    expect(await ledgerOf(user.id)).toEqual([
      { delta: -1, reason: 'generation', reference: answer.id },
    ])
    // Only hashes are stored, never the key or the image.
    const claims = await claimsOf(user.id)
    expect(claims).toHaveLength(1)
    expect(claims[0]).toMatchObject({ status: 'done', reference: answer.id })
    expect(JSON.stringify(claims)).not.toContain('order-42-hero')
    await expectLedgerInvariant(user.id)
  })

  it('the replay reports the current balance, and another key is a new request', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = (idem: string, imageUrl = `${images}/png`) =>
      call('/v1/alt-text', {
        key,
        json: { imageUrl },
        headers: { 'idempotency-key': idem },
        vars: varsFor(model, local),
      })
    const a = await json<AltTextResponse>(await send('a'))
    // Another image: the same one under another key would be reused, free.
    const b = await json<AltTextResponse>(await send('b', `${images}/jpeg`))
    expect(b.id).not.toBe(a.id)
    const replay = await send('a')
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await json<AltTextResponse>(replay)).toEqual({ ...a, creditsRemaining: 3 })
    expect((await model.stats()).calls).toBe(2)
    expect(await balanceOf(user.id)).toBe(3)
    await expectLedgerInvariant(user.id)
  })

  it('10 concurrent requests with one key are charged once', async () => {
    const model = await fakeModel()
    await model.latency(300)
    const { key, user } = await account(20)
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('/v1/alt-text', {
          key,
          json: { image: b64(pngFile(3, 3, 1)) },
          headers: { 'idempotency-key': 'burst' },
          vars: varsFor(model),
        }),
      ),
    )
    const ok = answers.filter((res) => res.status === 200)
    const busy = answers.filter((res) => res.status === 429)
    expect(ok.length + busy.length).toBe(10)
    expect(ok.length).toBeGreaterThanOrEqual(1)
    for (const res of busy) {
      expect(res.headers.get('retry-after')).toBe('1')
      const body = await expectError(res, 429, 'rate_limited')
      expect(body.error.message).toMatch(/in progress/)
    }
    const ids = new Set(
      await Promise.all(ok.map(async (res) => (await json<AltTextResponse>(res)).id)),
    )
    expect(ids.size).toBe(1)
    expect((await model.stats()).calls).toBe(1)
    expect(await balanceOf(user.id)).toBe(19)
    expect((await ledgerOf(user.id)).filter((row) => row.reason === 'generation')).toHaveLength(1)
    await expectLedgerInvariant(user.id)
  })

  it('answers 429 while the first request runs, then the replay', async () => {
    const model = await fakeModel()
    await model.latency(400)
    const { key, user } = await account(3)
    const send = () =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(4, 4, 2)) },
        headers: { 'idempotency-key': 'slow' },
        vars: varsFor(model),
      })
    const first = send()
    await new Promise((resolve) => setTimeout(resolve, 150))
    const during = await send()
    await expectError(during, 429, 'rate_limited')
    expect(during.headers.get('retry-after')).toBe('1')
    const answer = await json<AltTextResponse>(await first)
    const after = await send()
    expect(after.headers.get('idempotent-replayed')).toBe('true')
    expect((await json<AltTextResponse>(after)).id).toBe(answer.id)
    expect(await balanceOf(user.id)).toBe(2)
    await expectLedgerInvariant(user.id)
  })

  it('a different request with the same key is 400 and costs nothing', async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = (json: unknown) =>
      call('/v1/alt-text', {
        key,
        json,
        headers: { 'idempotency-key': 'k1' },
        vars: varsFor(model),
      })
    expect((await send({ image: b64(pngFile(1, 1, 1)) })).status).toBe(200)
    for (const other of [
      { image: b64(pngFile(1, 1, 2)) },
      { image: b64(pngFile(1, 1, 1)), language: 'de' },
      { image: b64(pngFile(1, 1, 1)), maxLength: 60 },
    ]) {
      const res = await send(other)
      const body = await expectError(res, 400, 'idempotency_key_reused')
      expect(body.error.message).toMatch(/Idempotency-Key reused with a different request/)
    }
    // The same image as a data: URL is the same request (compared by the image's hash).
    const same = await send({ image: `data:image/png;base64,${b64(pngFile(1, 1, 1))}` })
    expect(same.headers.get('idempotent-replayed')).toBe('true')
    expect((await model.stats()).calls).toBe(1)
    expect(await balanceOf(user.id)).toBe(4)
    await expectLedgerInvariant(user.id)
  })

  it('refuses a malformed key', async () => {
    const model = await fakeModel()
    const { key } = await account(1)
    for (const bad of ['x'.repeat(201), 'café', ' ']) {
      const res = await call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile()) },
        headers: { 'idempotency-key': bad },
        vars: varsFor(model),
      })
      await expectError(res, 400, 'invalid_request')
    }
    expect((await model.stats()).calls).toBe(0)
  })

  it('a failed first attempt is refunded and its retry runs normally, charged once', async () => {
    const model = await fakeModel()
    await model.failNext(1, { status: 401 })
    const { key, user } = await account(2)
    const send = () =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(5, 5, 5)) },
        headers: { 'idempotency-key': 'retry-me' },
        vars: varsFor(model),
      })
    await expectError(await send(), 502, 'model_error')
    expect(await claimsOf(user.id)).toHaveLength(0)
    expect(await balanceOf(user.id)).toBe(2)
    const retried = await send()
    expect(retried.status, await retried.clone().text()).toBe(200)
    expect(retried.headers.get('idempotent-replayed')).toBeNull()
    const answer = await json<AltTextResponse>(retried)
    expect(answer.creditsRemaining).toBe(1)
    const ledger = await ledgerOf(user.id)
    expect(ledger.map((row) => row.reason)).toEqual(['generation', 'refund', 'generation'])
    expect(ledger[2]?.reference).toBe(answer.id)
    await expectLedgerInvariant(user.id)
  })

  it('insufficient credits leave no claim behind', async () => {
    const model = await fakeModel()
    const { key, user } = await account(0)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      headers: { 'idempotency-key': 'broke' },
      vars: varsFor(model),
    })
    await expectError(res, 402, 'insufficient_credits')
    expect(await claimsOf(user.id)).toHaveLength(0)
    await expectLedgerInvariant(user.id)
  })

  it('an abandoned claim (no sign of life past the lease) is refunded and the retry runs', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const send = () =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(6, 6, 6)) },
        headers: { 'idempotency-key': 'crashed' },
        vars: varsFor(model),
      })
    const first = await json<AltTextResponse>(await send())
    await stopAfterCharging(user.id)
    const retried = await send()
    expect(retried.status, await retried.clone().text()).toBe(200)
    const answer = await json<AltTextResponse>(retried)
    expect(answer.id).not.toBe(first.id)
    expect(await balanceOf(user.id)).toBe(2)
    expect((await ledgerOf(user.id)).map((row) => row.reason)).toEqual([
      'generation',
      'refund',
      'generation',
    ])
    // Two requests, two units of the key's limit: the retry's charge after the reap counts none.
    const counter = await env.DB.prepare(
      "SELECT count FROM rate_limits WHERE key = 'gen:' || (SELECT id FROM api_keys WHERE user_id = ?)",
    )
      .bind(user.id)
      .first<{ count: number }>()
    expect(counter?.count).toBe(2)
    await expectLedgerInvariant(user.id)
  })
})

describe('Idempotency-Key with history off (objection)', () => {
  it('stores no alt text in usage or for reuse; a replay answers again with no model call', async () => {
    const model = await fakeModel()
    const signed = await account(5)
    const objected = await api('/v1/account', {
      method: 'PATCH',
      json: { storeHistory: false, currentPassword: signed.password },
      token: signed.token,
    })
    expect((await json<User>(objected)).storeHistory).toBe(false)
    const send = () =>
      call('/v1/alt-text', {
        key: signed.key,
        json: { imageUrl: `${images}/png?private=1` },
        headers: { 'idempotency-key': 'private' },
        vars: varsFor(model, local),
      })
    const first = await json<AltTextResponse>(await send())
    const usage = await env.DB.prepare('SELECT alt_text, image_url FROM usage WHERE id = ?')
      .bind(first.id)
      .first()
    expect(usage).toEqual({ alt_text: null, image_url: null })
    // Never the URL in the claim; nothing kept for reuse.
    expect(JSON.stringify(await claimsOf(signed.user.id))).not.toContain('private=1')
    const reuse = await env.DB.prepare('SELECT count(*) AS n FROM reuse WHERE user_id = ?')
      .bind(signed.user.id)
      .first<{ n: number }>()
    expect(reuse?.n).toBe(0)

    // Retries replay the kept answer: no model call, no charge, however often.
    for (let i = 0; i < 5; i++) {
      const replay = await send()
      expect(replay.status, await replay.clone().text()).toBe(200)
      expect(replay.headers.get('idempotent-replayed')).toBe('true')
      expect(await json<AltTextResponse>(replay)).toEqual(first)
    }
    expect((await model.stats()).calls).toBe(1)
    expect(await balanceOf(signed.user.id)).toBe(4)
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM usage WHERE user_id = ?')
      .bind(signed.user.id)
      .first<{ n: number }>()
    expect(stored?.n).toBe(1)
    await expectLedgerInvariant(signed.user.id)
  })
})

describe('Idempotency-Key on POST /v1/alt-text/batch', () => {
  it('replays a completed batch: failed items run again, paid ones are not charged twice', async () => {
    const model = await fakeModel()
    const { key, user } = await account(10)
    const send = (idem = 'batch-1') =>
      call('/v1/alt-text/batch', {
        key,
        json: {
          images: [
            { image: b64(pngFile(1, 1, 11)) },
            { imageUrl: `${images}/html` },
            { image: b64(pngFile(1, 1, 12)) },
          ],
        },
        headers: { 'idempotency-key': idem },
        vars: varsFor(model, local),
      })
    const first = await send()
    expect(first.status, await first.clone().text()).toBe(200)
    const a = await json<BatchResponse>(first)
    expect(a.creditsUsed).toBe(2)
    expect(a.results[1]).toHaveProperty('error')
    const again = await send()
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const b = await json<BatchResponse>(again)
    expect(b.results[0]).toEqual(a.results[0])
    expect(b.results[2]).toEqual(a.results[2])
    expect(b.results[1]).toHaveProperty('error')
    expect((await model.stats()).calls).toBe(2)
    expect(await balanceOf(user.id)).toBe(8)
    // The same key on a single request is another request.
    const single = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile(1, 1, 11)) },
      headers: { 'idempotency-key': 'batch-1' },
      vars: varsFor(model),
    })
    await expectError(single, 400, 'idempotency_key_reused')
    await expectLedgerInvariant(user.id)
  })

  it("an abandoned run's items are refunded and charged again; the answer's balance says so", async () => {
    const model = await fakeModel()
    const { key, user } = await account(5)
    const send = () =>
      call('/v1/alt-text/batch', {
        key,
        json: { images: [{ image: b64(pngFile(1, 1, 21)) }, { image: b64(pngFile(1, 1, 22)) }] },
        headers: { 'idempotency-key': 'crashed-batch' },
        vars: varsFor(model),
      })
    const first = await json<BatchResponse>(await send())
    expect(first).toMatchObject({ creditsUsed: 2, creditsRemaining: 3 })
    // Every claim of the run (the run's and its items') is left pending.
    await stopAfterCharging(user.id)
    const retried = await send()
    expect(retried.status, await retried.clone().text()).toBe(200)
    // Both items refunded (+2) and charged again (−2): 3, as the balance is. Leaving the reaped
    // attempts' refunds out of the run's figure would say 1.
    expect(await json<BatchResponse>(retried)).toMatchObject({
      creditsUsed: 2,
      creditsRemaining: 3,
    })
    expect(await balanceOf(user.id)).toBe(3)
    expect((await ledgerOf(user.id)).map((row) => row.reason).sort()).toEqual([
      'generation',
      'generation',
      'generation',
      'generation',
      'refund',
      'refund',
    ])
    await expectLedgerInvariant(user.id)
  })

  it('concurrent batches with one key charge each image once', async () => {
    const model = await fakeModel()
    await model.latency(200)
    const { key, user } = await account(10)
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('/v1/alt-text/batch', {
          key,
          json: { images: [{ image: b64(pngFile(1, 1, 21)) }, { image: b64(pngFile(1, 1, 22)) }] },
          headers: { 'idempotency-key': 'batch-burst' },
          vars: varsFor(model),
        }),
      ),
    )
    for (const res of answers) expect([200, 429]).toContain(res.status)
    expect(await balanceOf(user.id)).toBe(8)
    expect((await model.stats()).calls).toBe(2)
    await expectLedgerInvariant(user.id)
  })
})

describe('erasure and Idempotency-Key claims', () => {
  it('deletes the claims of the erased account', async () => {
    const model = await fakeModel()
    const signed = await account(3)
    const res = await call('/v1/alt-text', {
      key: signed.key,
      json: { image: b64(pngFile()) },
      headers: { 'idempotency-key': 'to-be-erased' },
      vars: varsFor(model),
    })
    expect(res.status).toBe(200)
    expect(await claimsOf(signed.user.id)).toHaveLength(1)
    const erased = await api('/v1/account', {
      method: 'DELETE',
      json: { password: signed.password },
      token: signed.token,
    })
    expect(erased.status).toBe(204)
    expect(await claimsOf(signed.user.id)).toHaveLength(0)
    const dump = JSON.stringify(
      (await env.DB.prepare('SELECT * FROM idempotency_keys').all()).results,
    )
    expect(dump).not.toContain(signed.user.id)
  })
})
