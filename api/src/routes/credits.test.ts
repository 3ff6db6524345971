import { env } from 'cloudflare:workers'
import type { Credits } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { api, expectError, expectLedgerInvariant, json, signup } from '../../test/helpers.js'
import { changeCredits } from '../lib/credits.js'

describe('GET /v1/credits', () => {
  it('answers the balance and the ledger, newest first, with a session or a key', async () => {
    const account = await signup()
    const userId = account.user.id
    expect(
      await changeCredits(env.DB, { userId, delta: 5, reason: 'purchase', reference: 'pur_1' }),
    ).toBe(15)
    expect(
      await changeCredits(env.DB, { userId, delta: -3, reason: 'generation', reference: 'use_1' }),
    ).toBe(12)
    expect(await changeCredits(env.DB, { userId, delta: -13, reason: 'generation' })).toBeNull()

    for (const token of [account.token, account.apiKey.key]) {
      const res = await api('/v1/credits', { token })
      expect(res.status).toBe(200)
      const body = await json<Credits>(res)
      expect(body.balance).toBe(12)
      expect(body.ledger.map((e) => [e.delta, e.reason, e.reference, e.balanceAfter])).toEqual([
        [-3, 'generation', 'use_1', 12],
        [5, 'purchase', 'pur_1', 15],
        [10, 'signup', null, 10],
      ])
      expect(body.ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(body.balance)
      for (const entry of body.ledger)
        expect(new Date(entry.createdAt).toISOString()).toBe(entry.createdAt)
    }
    expect(await expectLedgerInvariant(userId)).toBe(12)
  })

  it('bounds the ledger with ?limit and refuses bad limits', async () => {
    const account = await signup()
    for (let i = 0; i < 3; i++)
      await changeCredits(env.DB, { userId: account.user.id, delta: 1, reason: 'adjustment' })
    const res = await api('/v1/credits?limit=2', { token: account.token })
    const body = await json<Credits>(res)
    expect(body.balance).toBe(13)
    expect(body.ledger).toHaveLength(2)
    expect(body.ledger[0]?.balanceAfter).toBe(13)
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '']) {
      await expectError(
        await api(`/v1/credits?limit=${limit}`, { token: account.token }),
        400,
        'invalid_request',
      )
    }
  })

  it('needs a credential', async () => {
    await expectError(await api('/v1/credits'), 401, 'unauthorized')
    await expectError(
      await api('/v1/credits', { token: 'atk_not-a-real-key' }),
      401,
      'unauthorized',
    )
  })
})
