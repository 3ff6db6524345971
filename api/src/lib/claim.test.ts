// The Idempotency-Key claim of a charge RETURNs whether it took, so the common charge is one round
// trip; a refusal releases its claim, and a key held by another attempt is read, in a second one.
// These tests hold the windows that the split opens: between a refused attempt's claim and its
// release, and between a claim that did not take and the read of its holder.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, balanceOf, call, fakeModel, varsFor } from '../../test/generation.js'
import { expectLedgerInvariant } from '../../test/helpers.js'
import { ApiError } from '../errors.js'
import { changeCredits } from './credits.js'
import { chargeFor } from './generate.js'

async function claimsOf(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT status, reference FROM idempotency_keys WHERE user_id = ?',
  )
    .bind(userId)
    .all<{ status: string; reference: string }>()
  return results
}

describe('the Idempotency-Key claim (RETURNING, release and holder read apart)', () => {
  it('10 concurrent refusals with one key: none charged, none described, no claim left; the retry after a top-up is charged once', async () => {
    const model = await fakeModel()
    const { key, user } = await account(0)
    const send = () =>
      call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile(2, 2, 41)) },
        headers: { 'idempotency-key': 'broke-burst' },
        vars: varsFor(model),
      })
    const answers = await Promise.all(Array.from({ length: 10 }, send))
    const statuses = answers.map((res) => res.status)
    // Each one was refused (402), or found another attempt's claim not yet released (429).
    expect(
      statuses.every((status) => status === 402 || status === 429),
      String(statuses),
    ).toBe(true)
    expect(statuses).toContain(402)
    expect(await claimsOf(user.id)).toEqual([])
    expect((await model.stats()).calls).toBe(0)
    expect(await changeCredits(env.DB, { userId: user.id, delta: 2, reason: 'adjustment' })).toBe(2)
    const retried = await send()
    expect(retried.status, await retried.clone().text()).toBe(200)
    const again = await send()
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await balanceOf(user.id)).toBe(1)
    expect((await model.stats()).calls).toBe(1)
    await expectLedgerInvariant(user.id)
  })

  it('a claim that did not take, whose holder let go before the read, answers 429 (retry) and charges nothing', async () => {
    const { user } = await account(5)
    const payer = { userId: user.id, apiKeyId: null }
    const claim = { keyHash: `held-${crypto.randomUUID()}`, requestHash: 'same-request' }
    const options = { lease: 60_000 }
    const first = await chargeFor(env.DB, payer, claim, 1, options)
    expect(first.kind).toBe('charged')
    // The second attempt's batch finds the key held; before it reads the holder, the holder's
    // claim goes (as a refused or refunded attempt's does).
    let batches = 0
    const db = new Proxy(env.DB, {
      get(target, property) {
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (++batches === 2) {
              await target
                .prepare('DELETE FROM idempotency_keys WHERE user_id = ? AND key_hash = ?')
                .bind(user.id, claim.keyHash)
                .run()
            }
            return target.batch(statements)
          }
        }
        const value = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const second = chargeFor(db, payer, claim, 1, options)
    await expect(second).rejects.toBeInstanceOf(ApiError)
    await expect(second).rejects.toMatchObject({ code: 'rate_limited', status: 429 })
    expect(batches).toBe(2)
    // Charged once (the first attempt), never twice.
    expect(await balanceOf(user.id)).toBe(4)
    await expectLedgerInvariant(user.id)
  })
})
